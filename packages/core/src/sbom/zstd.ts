import { compress, decompress, init as initZstd } from '@bokuweb/zstd-wasm';

/** A zstd frame of `{}` (one raw block), to ask whether the module is loaded already. */
const PROBE_FRAME = Uint8Array.from([
  0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x02, 0x11, 0x00, 0x00, 0x7b, 0x7d,
]);
/** zstd's error code for "destination buffer too small": the document is larger than the cap. */
const ZSTD_DST_TOO_SMALL = 70;
/** Best compression, as Packer's hcp-sbom uses (SpeedBestCompression): SBOMs compress well. */
const LEVEL = 19;

let ready: Promise<void> | undefined;

/**
 * Loads the zstd WebAssembly module once per process. The module is shared
 * with whatever else in the process uses it (the embedded registry), and
 * `init()` starts it over, pulling the memory from under that user: init only
 * when a probe says nobody has.
 */
function zstdReady(): Promise<void> {
  ready ??= (async () => {
    try {
      decompress(PROBE_FRAME);
    } catch {
      await initZstd();
    }
  })();
  return ready;
}

/** One zstd frame of `bytes` (declaring its content size). */
export async function zstdCompress(bytes: Uint8Array): Promise<Buffer> {
  await zstdReady();
  return Buffer.from(compress(bytes, LEVEL));
}

/**
 * The content of a zstd frame, or an error when it is not one or when it
 * holds more than `max` bytes (zstd stops at the cap, so a bomb costs nothing).
 */
export async function zstdDecompress(frame: Uint8Array, max: number): Promise<Buffer> {
  await zstdReady();
  let content: Uint8Array;
  try {
    content = decompress(frame, { defaultHeapSize: max + 1 });
  } catch (error) {
    const code = /code (-?\d+)/.exec(String((error as Error).message))?.[1];
    if (code !== undefined && Math.abs(Number(code) | 0) === ZSTD_DST_TOO_SMALL) {
      throw new Error(`it holds more than ${max} bytes`, { cause: error });
    }
    throw new Error('it is not a valid zstd frame (corrupt or truncated)', { cause: error });
  }
  if (content.length > max) throw new Error(`it holds more than ${max} bytes`);
  return Buffer.from(content.buffer, content.byteOffset, content.length);
}
