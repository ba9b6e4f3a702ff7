import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import type * as Tar from 'tar';
import { sha256Digest } from './digest';

// `tar` is loaded when a layer is first written, not when the plugin loads:
// `imprint validate` loads every plugin a template names and never writes a
// layer, and tar's module graph was the largest part of loading this one.
let tarModule: typeof Tar | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tar = (): typeof Tar => (tarModule ??= require('tar') as typeof Tar);

const gzipAsync = promisify(gzip);

const BLOCK = 512;

/** One entry of a layer: a regular file, a directory or a symbolic link. */
export type LayerEntry =
  | {
      readonly type: 'file';
      /** Path in the image, relative to `/`, without a trailing slash: `app/run.sh`. */
      readonly path: string;
      readonly mode: number;
      readonly data: Buffer;
    }
  | { readonly type: 'directory'; readonly path: string; readonly mode: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

/** A layer ready to be stored: both forms and both digests. */
export interface BuiltLayer {
  /** The uncompressed tar. */
  readonly tar: Buffer;
  /** The gzip-compressed tar: the blob that the manifest lists. */
  readonly compressed: Buffer;
  /** sha256 of the uncompressed tar: the layer's DiffID, listed in the config's `rootfs.diff_ids`. */
  readonly diffId: string;
  /** sha256 of the compressed blob: the digest in the manifest's layer descriptor. */
  readonly digest: string;
  /** Number of entries in the tar. */
  readonly entryCount: number;
}

/** Options of {@link buildLayer}. */
export interface BuildLayerOptions {
  /** Modification time of every entry; the build's `created` time keeps layers reproducible. */
  readonly mtime: Date;
}

/**
 * Writes entries as a reproducible gzip-compressed tar layer: entries sorted
 * by path, owner `0:0` without user or group names, one fixed mtime, and a
 * gzip header without time or host. The same entries and mtime always give
 * the same bytes, so the same DiffID and digest.
 *
 * @example
 * ```ts
 * const layer = await buildLayer(
 *   [{ type: 'file', path: 'hello.txt', mode: 0o644, data: Buffer.from('hi\n') }],
 *   { mtime: new Date(0) },
 * );
 * layer.diffId; // sha256 of layer.tar
 * ```
 */
export async function buildLayer(
  entries: readonly LayerEntry[],
  options: BuildLayerOptions,
): Promise<BuiltLayer> {
  const sorted = [...entries].sort((a, b) => compareBytes(a.path, b.path));
  const chunks: Buffer[] = [];
  for (const entry of sorted) chunks.push(...encodeEntry(entry, options.mtime));
  // Two zero blocks end a tar archive.
  chunks.push(Buffer.alloc(2 * BLOCK));
  const tar = Buffer.concat(chunks);
  const compressed = normalizeGzipHeader(
    await gzipAsync(tar, {
      level: constants.Z_DEFAULT_COMPRESSION,
      memLevel: 8,
      windowBits: 15,
      strategy: constants.Z_DEFAULT_STRATEGY,
    }),
  );
  return {
    tar,
    compressed,
    diffId: sha256Digest(tar),
    digest: sha256Digest(compressed),
    entryCount: sorted.length,
  };
}

function encodeEntry(entry: LayerEntry, mtime: Date): Buffer[] {
  const path = entry.type === 'directory' ? `${entry.path}/` : entry.path;
  const data = entry.type === 'file' ? entry.data : Buffer.alloc(0);
  const header = new (tar().Header)({
    path,
    mode: entry.type === 'symlink' ? 0o777 : entry.mode,
    uid: 0,
    gid: 0,
    size: data.length,
    mtime,
    type:
      entry.type === 'file' ? 'File' : entry.type === 'directory' ? 'Directory' : 'SymbolicLink',
    linkpath: entry.type === 'symlink' ? entry.target : '',
    uname: '',
    gname: '',
  });
  const block = Buffer.alloc(BLOCK);
  const out: Buffer[] = [];
  if (header.encode(block)) {
    // Long or non-ASCII names do not fit ustar: a PAX record carries them.
    out.push(
      new (tar().Pax)({
        path,
        ...(entry.type === 'symlink' ? { linkpath: entry.target } : {}),
      }).encode(),
    );
  }
  out.push(block, data);
  const padding = (BLOCK - (data.length % BLOCK)) % BLOCK;
  if (padding > 0) out.push(Buffer.alloc(padding));
  return out;
}

/**
 * zlib writes the host's OS code in byte 9 of the gzip header (3 on Linux, 19
 * on recent macOS), which would make the layer digest depend on the build
 * machine. Byte 9 is outside the CRC, so it is set to 255 ("unknown"), the
 * value Go's compress/gzip (and so most OCI tools) writes.
 */
function normalizeGzipHeader(gz: Buffer): Buffer {
  gz[9] = 0xff;
  return gz;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
