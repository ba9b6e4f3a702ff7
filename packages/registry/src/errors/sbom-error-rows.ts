import { GrpcCode } from '@imprint/client';
import { RegistryErrorReason as R } from './registry-error-codes';
import { quote } from './message-format';
import { onlyField, row } from './registry-error-row';

const { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED } = GrpcCode;

type BuildSbom = { bucket_name: string; fingerprint: string; build_id: string; name: string };

/** The rows of {@link REGISTRY_ERROR_TABLE} about SBOMs (UploadSbom, ListSboms, GetSbom). */
export const SBOM_ERROR_ROWS = {
  /** `problem`: what is wrong with `compressed_sbom` and how to fix it, one sentence. */
  SbomInvalid: row<{ problem: string }>(
    R.SBOM_INVALID,
    INVALID_ARGUMENT,
    (p) => `compressed_sbom ${p.problem}`,
    { details: onlyField('compressed_sbom') },
  ),
  /** `what`: `compressed` (the bytes sent) or `decompressed` (the document). */
  SbomTooLarge: row<{ what: 'compressed' | 'decompressed'; max: number }>(
    R.SBOM_TOO_LARGE,
    INVALID_ARGUMENT,
    (p) =>
      p.what === 'compressed'
        ? `compressed_sbom is larger than ${p.max} bytes (LIMITS.sbomCompressedBytes) once base64-decoded. Upload a smaller SBOM (zstd's highest level, e.g. zstd -19, shrinks JSON the most).`
        : `compressed_sbom decompresses to more than ${p.max} bytes (LIMITS.sbomDecompressedBytes). Upload a smaller SBOM document.`,
    { details: (p) => ({ field: 'compressed_sbom', limit_bytes: p.max }) },
  ),
  SbomNotFound: row<BuildSbom>(
    R.SBOM_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `Build ${quote(p.build_id)} of version ${quote(p.fingerprint)} in bucket ${quote(p.bucket_name)} has no SBOM named ${quote(p.name)}. List its SBOMs (ListSboms) to find the name.`,
  ),
  /** A download URL whose SBOM was deleted since GetSbom signed it. */
  SbomGone: row<{ sbom_id: string }>(
    R.SBOM_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `SBOM ${quote(p.sbom_id)} no longer exists: it was deleted with its build, version or bucket after this download URL was made.`,
  ),
  SbomExists: row<BuildSbom>(
    R.SBOM_EXISTS,
    ALREADY_EXISTS,
    (p) =>
      `Build ${quote(p.build_id)} of version ${quote(p.fingerprint)} in bucket ${quote(p.bucket_name)} already has an SBOM named ${quote(p.name)}; names are unique per build. Upload it under another name.`,
  ),
  SbomLinkInvalid: row<{ problem: 'expired' | 'not signed' }>(
    R.SBOM_LINK_INVALID,
    PERMISSION_DENIED,
    (p) =>
      p.problem === 'expired'
        ? 'This SBOM download URL has expired. Ask GetSbom for a new one.'
        : 'This SBOM download URL is not one the registry signed (or it was changed). Ask GetSbom for a new one.',
  ),
} as const;
