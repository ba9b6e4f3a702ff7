import { randomUUID, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobMissingError, DigestMismatchError, UnsupportedImageError } from '../errors';
import { digestHex, isSha256Digest, sha256Digest } from './digest';

/** The digest and size of a blob: the part of a descriptor that addresses content. */
export interface BlobRef {
  readonly digest: string;
  readonly size: number;
}

/**
 * The `blobs/sha256/` directory of an OCI image layout. Every read is checked
 * against the descriptor's digest and size, and every write goes through a
 * temporary file and a rename, so a blob file is either absent or complete.
 *
 * @example
 * ```ts
 * const blobs = new BlobStore('/tmp/layout');
 * const ref = await blobs.put(Buffer.from('{}'));
 * const same = await blobs.read(ref, 'the config');
 * ```
 */
export class BlobStore {
  constructor(
    /** The image layout directory (the parent of `blobs/`). */
    readonly layoutDir: string,
  ) {}

  /** Where the blob with this digest lives: `blobs/sha256/<hex>`. */
  pathOf(digest: string): string {
    return join(this.layoutDir, 'blobs', 'sha256', digestHex(digest));
  }

  /**
   * Stores bytes under their digest. A blob already present is re-hashed and
   * kept when intact, replaced when not.
   */
  async put(data: Buffer): Promise<BlobRef> {
    const ref = { digest: sha256Digest(data), size: data.length };
    if (await this.isIntact(ref)) return ref;
    await this.writeAtomically(ref.digest, async (tmp) => writeFile(tmp, data, { flag: 'wx' }));
    return ref;
  }

  /**
   * Reads a blob and checks it against its descriptor.
   *
   * @param referencedBy what points at the blob, for messages (e.g. `config of manifest sha256:…`).
   * @throws {@link BlobMissingError} when the file does not exist.
   * @throws {@link DigestMismatchError} when its content differs from the descriptor.
   */
  async read(ref: BlobRef, referencedBy: string): Promise<Buffer> {
    const file = this.checkedPath(ref, referencedBy);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      throw this.readFailure(error, file, ref, referencedBy);
    }
    const actual = { digest: sha256Digest(data), size: data.length };
    if (actual.digest !== ref.digest || actual.size !== ref.size) {
      throw new DigestMismatchError(file, ref, actual, referencedBy);
    }
    return data;
  }

  /**
   * Re-hashes a blob without holding it in memory.
   *
   * @throws {@link BlobMissingError} or {@link DigestMismatchError} as {@link BlobStore.read} does.
   */
  async verify(ref: BlobRef, referencedBy: string): Promise<void> {
    const file = this.checkedPath(ref, referencedBy);
    let actual: BlobRef;
    try {
      actual = await hashFile(file);
    } catch (error) {
      throw this.readFailure(error, file, ref, referencedBy);
    }
    if (actual.digest !== ref.digest || actual.size !== ref.size) {
      throw new DigestMismatchError(file, ref, actual, referencedBy);
    }
  }

  /**
   * Copies a blob into another store, hashing it on the way; the copy is
   * renamed into place only when it matches the descriptor. Returns `false`
   * when the target already held an intact copy.
   *
   * @throws {@link BlobMissingError} or {@link DigestMismatchError} for a bad source blob.
   */
  async copyTo(
    target: BlobStore,
    ref: BlobRef,
    referencedBy: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const source = this.checkedPath(ref, referencedBy);
    try {
      await stat(source);
    } catch (error) {
      throw this.readFailure(error, source, ref, referencedBy);
    }
    if (await target.isIntact(ref)) {
      // The source must still be sound: a copy never hides a corrupt origin.
      await this.verify(ref, referencedBy);
      return false;
    }
    await target.writeAtomically(ref.digest, async (tmp) => {
      const hash = createHash('sha256');
      let size = 0;
      await pipeline(
        createReadStream(source),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(tmp, { flags: 'wx' }),
        { signal },
      );
      const actual = { digest: `sha256:${hash.digest('hex')}`, size };
      if (actual.digest !== ref.digest || actual.size !== ref.size) {
        throw new DigestMismatchError(source, ref, actual, referencedBy);
      }
    });
    return true;
  }

  private async isIntact(ref: BlobRef): Promise<boolean> {
    try {
      const actual = await hashFile(this.pathOf(ref.digest));
      return actual.digest === ref.digest && actual.size === ref.size;
    } catch {
      return false;
    }
  }

  private checkedPath(ref: BlobRef, referencedBy: string): string {
    if (!isSha256Digest(ref.digest)) {
      throw new UnsupportedImageError(
        join(this.layoutDir, 'blobs'),
        `${referencedBy} has digest ${JSON.stringify(ref.digest)}; only sha256 digests ('sha256:' and 64 lower-case hex digits) are supported`,
        'Convert the image with `skopeo copy` (which writes sha256 digests) first.',
      );
    }
    return this.pathOf(ref.digest);
  }

  private readFailure(error: unknown, file: string, ref: BlobRef, referencedBy: string): Error {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return new BlobMissingError(file, ref.digest, referencedBy);
    }
    return error as Error;
  }

  private async writeAtomically(
    digest: string,
    write: (tmp: string) => Promise<void>,
  ): Promise<void> {
    await mkdir(join(this.layoutDir, 'blobs', 'sha256'), { recursive: true });
    // The temporary name lies outside blobs/sha256, whose entries must all be digests.
    const tmp = join(this.layoutDir, `.imprint-${randomUUID()}.tmp`);
    try {
      await write(tmp);
      await rename(tmp, this.pathOf(digest));
    } finally {
      await rm(tmp, { force: true });
    }
  }
}

async function hashFile(file: string): Promise<BlobRef> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
