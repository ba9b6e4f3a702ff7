import type { RegistryClient, SbomFormat } from '@imprint/client';
import { LIMITS, isAlreadyExists } from '@imprint/client';
import type { StatedSbom } from './artifact-sboms';
import { zstdCompress, zstdDecompress } from './zstd';

/** An SBOM ready for UploadSbom: its body, as a spool file carries it too. */
export interface SbomUpload {
  readonly name: string;
  readonly format: SbomFormat;
  /** The zstd-compressed document, base64 (UploadSbom's `compressed_sbom`). */
  readonly compressed_sbom: string;
}

/** What happened to one SBOM of a build. */
export interface SbomOutcome {
  /** Its name in the registry. */
  readonly name: string;
  readonly format: 'cyclonedx' | 'spdx';
  /** Size of the document, uncompressed. */
  readonly documentBytes: number;
  /** Size of the zstd frame sent. */
  readonly compressedBytes: number;
  /** `uploaded`; `present` (a resumed build had uploaded the same bytes); `spooled` (the registry was unreachable). */
  readonly outcome: 'uploaded' | 'present' | 'spooled';
  /** The line the run printed for it (`SBOM app-layout (cyclonedx, 12.0 KiB, 2.1 KiB zstd) uploaded`). */
  readonly message: string;
}

/** `12.0 KiB` */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Compresses a stated SBOM for UploadSbom and checks it against the registry's
 * limits, before anything is sent or spooled.
 *
 * @returns the upload body and sizes, or the problem that fails the build (too large).
 */
export async function prepareSbom(sbom: StatedSbom): Promise<
  | {
      readonly upload: SbomUpload;
      readonly documentBytes: number;
      readonly compressedBytes: number;
    }
  | { readonly problem: string }
> {
  const document = Buffer.from(sbom.json, 'utf8');
  const what = `the SBOM '${sbom.name}' stated by ${sbom.component}`;
  if (document.length > LIMITS.sbomDecompressedBytes) {
    return {
      problem: `${what} is ${byteSize(document.length)}; the registry takes SBOM documents of at most ${byteSize(LIMITS.sbomDecompressedBytes)} (LIMITS.sbomDecompressedBytes)`,
    };
  }
  const compressed = await zstdCompress(document);
  if (compressed.length > LIMITS.sbomCompressedBytes) {
    return {
      problem: `${what} is ${byteSize(compressed.length)} compressed with zstd; the registry takes at most ${byteSize(LIMITS.sbomCompressedBytes)} compressed (LIMITS.sbomCompressedBytes)`,
    };
  }
  return {
    upload: {
      name: sbom.name,
      format: sbom.format,
      compressed_sbom: compressed.toString('base64'),
    },
    documentBytes: document.length,
    compressedBytes: compressed.length,
  };
}

/** Where a build's SBOMs go. */
export interface SbomBuildRef {
  readonly bucket: string;
  readonly fingerprint: string;
  readonly buildId: string;
}

/**
 * Sends one SBOM. The registry keeps names unique per build, so a resumed
 * build or a second `imprint push` finds its SBOM there already: when the
 * stored bytes are the same, that is `present`; a different document under
 * that name is the registry's refusal (409), thrown.
 *
 * @throws client errors as they come (a connection error: the caller spools).
 */
export async function uploadSbom(
  client: RegistryClient,
  ref: SbomBuildRef,
  upload: SbomUpload,
): Promise<'uploaded' | 'present'> {
  try {
    await client.uploadSbom(ref.bucket, ref.fingerprint, ref.buildId, upload);
    return 'uploaded';
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const stored = await downloadSbom(client, ref, upload.name).catch(() => undefined);
    if (stored?.equals(Buffer.from(upload.compressed_sbom, 'base64'))) return 'present';
    throw error;
  }
}

/**
 * The compressed bytes of a build's SBOM, through GetSbom's short-lived
 * download URL (which needs no token).
 *
 * @example
 * ```ts
 * const ref = { bucket: 'app', fingerprint: '01J…', buildId: '01J…' };
 * const json = (await decompressSbom(await downloadSbom(client, ref, 'app-1-0'))).toString('utf8');
 * ```
 * @throws client errors of GetSbom (an unknown name: not found); an `Error` naming the HTTP status
 *   when the URL does not answer the document.
 */
export async function downloadSbom(
  client: RegistryClient,
  ref: SbomBuildRef,
  name: string,
  signal?: AbortSignal,
): Promise<Buffer> {
  const { download_url: url } = await client.getSbom(
    ref.bucket,
    ref.fingerprint,
    ref.buildId,
    name,
  );
  const response = await fetch(url, signal === undefined ? {} : { signal });
  if (!response.ok) {
    throw new Error(
      `downloading SBOM '${name}' failed: HTTP ${response.status} from ${new URL(url).origin}`,
    );
  }
  return Buffer.from(await response.arrayBuffer());
}

/** The document of a downloaded SBOM, decompressed (at most LIMITS.sbomDecompressedBytes). */
export async function decompressSbom(compressed: Uint8Array): Promise<Buffer> {
  try {
    return await zstdDecompress(compressed, LIMITS.sbomDecompressedBytes);
  } catch (error) {
    throw new Error(`the SBOM cannot be decompressed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
