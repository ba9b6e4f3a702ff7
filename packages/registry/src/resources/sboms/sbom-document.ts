import { createHash } from 'node:crypto';
import { LIMITS, type SbomFormat } from '@imprint/client';
import { decompress, init as initZstd } from '@bokuweb/zstd-wasm';
import { RegistryErrors } from '../../errors/registry-errors';

/** A checked upload: the bytes as sent, and their content address. */
export interface SbomDocument {
  readonly compressed: Buffer;
  /** Hex sha256 of `compressed`. */
  readonly sha256: string;
  /** The parsed JSON document (what the package index reads). */
  readonly json: unknown;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** zstd's frame magic number, little-endian on the wire. */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** zstd's error code for "destination buffer too small": the document is larger than the cap. */
const ZSTD_DST_TOO_SMALL = 70;

/** A zstd frame of `{}` (one raw block), to ask whether the module is loaded already. */
const PROBE_FRAME = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x02, 0x11, 0x00, 0x00, 0x7b, 0x7d]);

let ready: Promise<void> | undefined;
/**
 * Loads the zstd WebAssembly module once per process. `init()` starts the
 * module over, so a second call while another part of the process (a
 * producer, a test) uses it would pull the memory from under it: init only
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

const invalid = (problem: string) => new RegistryErrors.SbomInvalid({ problem });

/**
 * Base64 as Go's `strfmt.Base64` sends it (standard alphabet, padded); the
 * URL-safe alphabet and missing padding are accepted too, since Node decodes
 * them alike. Anything else is code 3: Node's decoder would skip bad
 * characters silently.
 */
function decodeBase64(text: string): Buffer {
  const normalised = text.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, '');
  if (normalised.length % 4 === 1 || !BASE64.test(normalised)) {
    throw invalid(
      'is not valid base64. Send the zstd-compressed document base64-encoded (standard alphabet, e.g. base64 -w0 sbom.json.zst).',
    );
  }
  return Buffer.from(normalised, 'base64');
}

/**
 * The content size the first zstd frame declares (RFC 8878 §3.1.1.1), or
 * undefined when the frame does not say. Throws when there is no frame header.
 */
function declaredSize(frame: Buffer): number | undefined {
  if (frame.length < 5 || ZSTD_MAGIC.some((byte, i) => frame[i] !== byte)) {
    throw invalid(
      'is not zstd-compressed (no zstd frame header). Compress the JSON document with zstd before base64-encoding it.',
    );
  }
  const descriptor = frame[4];
  const singleSegment = (descriptor >> 5) & 1;
  const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6];
  if (sizeBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3];
  if (frame.length < at + sizeBytes) throw invalidFrame();
  if (sizeBytes === 1) return frame.readUInt8(at);
  if (sizeBytes === 2) return frame.readUInt16LE(at) + 256;
  if (sizeBytes === 4) return frame.readUInt32LE(at);
  return Number(frame.readBigUInt64LE(at));
}

/**
 * Decompresses into a buffer of `max + 1` bytes at most, so a small payload
 * that expands without end (a zstd bomb) stops at the cap: a frame that
 * declares a larger size is refused before any work, one that does not is
 * stopped by zstd when the buffer is full.
 */
function decompressBounded(compressed: Buffer, max: number): Buffer {
  const tooLarge = new RegistryErrors.SbomTooLarge({ what: 'decompressed', max });
  const declared = declaredSize(compressed);
  if (declared !== undefined && declared > max) throw tooLarge;
  let document: Uint8Array;
  try {
    document = decompress(compressed, { defaultHeapSize: max + 1 });
  } catch (error) {
    // The library reports zstd's error as "… with code <n>" (n = -error code).
    const code = /code (-?\d+)/.exec(String((error as Error).message))?.[1];
    if (code !== undefined && Math.abs(Number(code) | 0) === ZSTD_DST_TOO_SMALL) throw tooLarge;
    throw invalidFrame();
  }
  if (document.length > max) throw tooLarge;
  return Buffer.from(document.buffer, document.byteOffset, document.length);
}

function invalidFrame() {
  return invalid(
    'is not a valid zstd frame (corrupt or truncated). Compress the whole JSON document with zstd and send every byte.',
  );
}

/**
 * The document must be the JSON of the format it is declared as (what Packer
 * checks before uploading). Returns the parsed document.
 */
function checkFormat(document: Buffer, format: SbomFormat): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document.toString('utf8'));
  } catch {
    throw invalid(
      'decompresses to something that is not JSON. Only JSON SBOMs are supported (CycloneDX JSON or SPDX JSON, not XML or tag-value).',
    );
  }
  const object =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  const matches =
    format === 'CYCLONEDX'
      ? object.bomFormat === 'CycloneDX'
      : typeof object.spdxVersion === 'string' && object.spdxVersion.startsWith('SPDX-');
  if (!matches) {
    throw invalid(
      format === 'CYCLONEDX'
        ? 'is not a CycloneDX document (no "bomFormat": "CycloneDX"). Send a CycloneDX JSON SBOM, or set format to the document\'s format.'
        : 'is not an SPDX document (no "spdxVersion" starting with "SPDX-"). Send an SPDX JSON SBOM, or set format to the document\'s format.',
    );
  }
  return parsed;
}

/**
 * Checks an UploadSbom payload: base64, at most LIMITS.sbomCompressedBytes,
 * a zstd frame that decompresses within LIMITS.sbomDecompressedBytes, and a
 * JSON document of the declared `format`. Each problem is code 3 naming
 * `compressed_sbom` and the fix.
 */
export async function checkSbomDocument(base64: string, format: SbomFormat): Promise<SbomDocument> {
  await zstdReady();
  // Base64 of the largest accepted payload, and a little whitespace.
  if (base64.length > Math.ceil(LIMITS.sbomCompressedBytes / 3) * 4 + 1024) {
    throw new RegistryErrors.SbomTooLarge({ what: 'compressed', max: LIMITS.sbomCompressedBytes });
  }
  const compressed = decodeBase64(base64);
  if (compressed.length === 0) {
    throw invalid('is empty. Send the zstd-compressed SBOM document, base64-encoded.');
  }
  if (compressed.length > LIMITS.sbomCompressedBytes) {
    throw new RegistryErrors.SbomTooLarge({ what: 'compressed', max: LIMITS.sbomCompressedBytes });
  }
  const json = checkFormat(decompressBounded(compressed, LIMITS.sbomDecompressedBytes), format);
  return { compressed, sha256: createHash('sha256').update(compressed).digest('hex'), json };
}

/**
 * The JSON of a stored document (compressed bytes as uploaded), for SBOMs
 * stored before packages were parsed at upload. Throws what
 * {@link checkSbomDocument} would for a document that is not one.
 */
export async function readStoredDocument(compressed: Buffer, format: SbomFormat): Promise<unknown> {
  await zstdReady();
  return checkFormat(decompressBounded(compressed, LIMITS.sbomDecompressedBytes), format);
}
