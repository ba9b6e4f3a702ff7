import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type * as Tar from 'tar';
import { LayoutInvalidError } from '../errors';
import { OCI_MEDIA_TYPES } from '../oci/media-types';

// Loaded on first use, as in tar-layer.ts: plugin loading never reads a layer.
let tarModule: typeof Tar | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tar = (): typeof Tar => (tarModule ??= require('tar') as typeof Tar);

const gunzipAsync = promisify(zlib.gunzip);

/** One layer to read, bottom first: its descriptor and a way to get its blob. */
export interface LayerSource {
  readonly digest: string;
  readonly mediaType: string;
  /** Where the blob is stored, for messages. */
  readonly file: string;
  /** The blob as the manifest lists it (compressed or not, per `mediaType`). */
  readonly read: () => Promise<Buffer>;
  /** For messages: `layer 0 of the base image`. */
  readonly what: string;
}

/** The wanted files of the merged filesystem, and the layers that could not be read. */
export interface MergedFiles {
  /** Path (relative to `/`) → content, for the wanted paths present in the image. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Digests of layers skipped because this Node.js cannot decompress them (zstd before Node 22.15). */
  readonly unreadLayers: readonly string[];
}

const DAMAGED_LAYER_FIX =
  'Rebuild or re-pull the base image: its digest matches, so it was written damaged.';
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_WHITEOUT = '.wh..wh..opq';
const REGULAR_FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Reads a few files (`wanted`, relative paths) from the filesystem that a
 * stack of layers makes, as a container runtime would unpack it: a later
 * layer's file replaces an earlier one, a whiteout (`.wh.<name>`) removes a
 * path and everything below it from the layers beneath, an opaque whiteout
 * (`.wh..wh..opq`) empties its directory of their content. Only the wanted
 * files are kept in memory.
 *
 * @throws {@link LayoutInvalidError} when a layer blob is not a (compressed) tar.
 */
export async function readMergedFiles(
  layers: readonly LayerSource[],
  wanted: ReadonlySet<string>,
  signal?: AbortSignal,
): Promise<MergedFiles> {
  const files = new Map<string, Buffer>();
  const unreadLayers: string[] = [];
  for (const layer of layers) {
    signal?.throwIfAborted();
    const tarBytes = await uncompressed(layer);
    if (tarBytes === undefined) {
      unreadLayers.push(layer.digest);
      continue;
    }
    const entries = await listEntries(tarBytes, wanted, layer);
    // Whiteouts hide what the layers below hold, not the layer's own entries.
    for (const entry of entries) if (entry.kind === 'whiteout') removeBelow(files, entry.path);
    for (const entry of entries) {
      if (entry.kind === 'file') files.set(entry.path, entry.data);
      else if (entry.kind === 'other') files.delete(entry.path);
    }
  }
  return { files, unreadLayers };
}

type Entry =
  | { readonly kind: 'file'; readonly path: string; readonly data: Buffer }
  /** A directory, link or device at a wanted path: it replaces the file below. */
  | { readonly kind: 'other'; readonly path: string }
  /** Removes `path` and everything below it; `path` '' with `opaque` empties the root. */
  | { readonly kind: 'whiteout'; readonly path: string };

async function uncompressed(layer: LayerSource): Promise<Buffer | undefined> {
  const zstd = (zlib as { zstdDecompressSync?: (data: Buffer) => Buffer }).zstdDecompressSync;
  if (layer.mediaType === OCI_MEDIA_TYPES.layerTarZstd && zstd === undefined) return undefined;
  const blob = await layer.read();
  try {
    if (layer.mediaType === OCI_MEDIA_TYPES.layerTarGzip) return await gunzipAsync(blob);
    if (layer.mediaType === OCI_MEDIA_TYPES.layerTarZstd) return zstd!(blob);
    return blob;
  } catch (error) {
    throw new LayoutInvalidError(
      layer.file,
      `${layer.what} is not a valid ${layer.mediaType} blob (${(error as Error).message})`,
      DAMAGED_LAYER_FIX,
      { cause: error },
    );
  }
}

function listEntries(
  tarBytes: Buffer,
  wanted: ReadonlySet<string>,
  layer: LayerSource,
): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    const parser = new (tar().Parser)({
      onReadEntry: (entry) => {
        const path = normalize(entry.path);
        const name = path.slice(path.lastIndexOf('/') + 1);
        const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
        if (name === OPAQUE_WHITEOUT) {
          entries.push({ kind: 'whiteout', path: `${dir}/` });
        } else if (name.startsWith(WHITEOUT_PREFIX)) {
          entries.push({ kind: 'whiteout', path: join(dir, name.slice(WHITEOUT_PREFIX.length)) });
        } else if (wanted.has(path) && REGULAR_FILE_TYPES.has(entry.type)) {
          const chunks: Buffer[] = [];
          entry.on('data', (chunk: Buffer) => chunks.push(chunk));
          entry.on('end', () => entries.push({ kind: 'file', path, data: Buffer.concat(chunks) }));
          return;
        } else if (wanted.has(path)) {
          entries.push({ kind: 'other', path });
        }
        entry.resume();
      },
    });
    const fail = (problem: string, cause?: unknown) =>
      reject(
        new LayoutInvalidError(
          layer.file,
          `${layer.what} is not a valid tar archive (${problem})`,
          DAMAGED_LAYER_FIX,
          { cause },
        ),
      );
    // Not strict: an odd entry is skipped, as a runtime would, but an archive
    // that cannot be read at all fails the build rather than giving an empty SBOM.
    parser.on('warn', (code: string, message: string) => {
      if (code === 'TAR_BAD_ARCHIVE') fail(message);
    });
    parser.on('error', (error: Error) => fail(error.message, error));
    parser.on('end', () => resolve(entries));
    parser.end(tarBytes);
  });
}

/** Deletes `path` and everything below it; a path ending in `/` deletes only what is below. */
function removeBelow(files: Map<string, Buffer>, path: string): void {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  for (const key of [...files.keys()]) {
    if (key === path || key.startsWith(prefix) || prefix === '/') files.delete(key);
  }
}

function normalize(path: string): string {
  return path.replace(/^(?:\.?\/)+/, '').replace(/\/+$/, '');
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
