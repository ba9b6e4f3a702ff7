import { createHash } from 'node:crypto';

/** A sha256 digest in OCI form: `sha256:` and 64 lower-case hex digits. */
export const SHA256_DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

/**
 * The OCI digest of some bytes (`sha256:…`).
 *
 * @example
 * ```ts
 * sha256Digest(''); // 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 * ```
 */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** True for a well-formed sha256 digest, the only algorithm this plugin writes and reads. */
export function isSha256Digest(value: unknown): value is string {
  return typeof value === 'string' && SHA256_DIGEST_PATTERN.test(value);
}

/** The hex part of a sha256 digest, which is the blob's file name under `blobs/sha256/`. */
export function digestHex(digest: string): string {
  return digest.slice('sha256:'.length);
}
