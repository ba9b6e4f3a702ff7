import { Type, type TString } from '@sinclair/typebox';
import { StringMap } from './kinds';

/*
 * Value rules of the API (the limits table of docs/reference/registry-api.md),
 * once. The registry validates requests with the schemas below and its
 * domain layer checks the same rules in code from PATTERNS and LIMITS. A
 * schema's `description` doubles as the hint of the registry's validation
 * messages ("body.name has an invalid format (expected 3-36 letters, ...)").
 */

/** Size limits. HCP documents few; those it does not only stop abuse. */
export const LIMITS = Object.freeze({
  /** A bucket description (Packer's limit). */
  description: 255,
  /** Labels per map. */
  labels: 256,
  /** Longest label key. */
  labelKey: 255,
  /** Longest label value. */
  labelValue: 4096,
  /** Short free text: a platform, a component type, a search filter. */
  shortText: 255,
  /** An external identifier, a region, a revocation message, a page token. */
  identifier: 1024,
  /** A packer run uuid, a parent version or channel id. */
  shortId: 64,
  /** Platforms of a bucket. */
  platforms: 64,
  /** Longest platform name. */
  platformName: 64,
  /** Artifacts in one CreateBuild / UpdateBuild body. */
  artifacts: 1000,
  /** Serialised build metadata (1 MiB); checked by the registry, not expressible in JSON Schema. */
  metadataBytes: 1024 * 1024,
  /** Nesting of build metadata; checked by the registry. */
  metadataDepth: 32,
  /** Largest `pagination.page_size` (see PATTERNS.pageSize). */
  pageSize: 1000,
  /**
   * Builds ListBuilds returns when no `pagination.page_size` is sent: Packer reads a version's
   * builds with one call and never pages, so that call must hold them all (one per template
   * component; real templates have tens). Past it, the answer carries a next_page_token.
   */
  unpagedBuilds: 1000,
  /** `sorting.order_by`: longest term list, and most repeated parameters. */
  orderBy: 200,
  orderByItems: 10,
  /** `revoke_in` duration text. */
  duration: 32,
  /** `update_mask` of UpdateChannel. */
  updateMask: 200,
  /**
   * An uploaded SBOM as sent (zstd-compressed, before base64): 4 MiB. HCP documents no limit
   * (its edge takes bodies of 17 MB); Packer's hcp-sbom compresses with zstd's best level, so a
   * JSON document of tens of MiB fits.
   */
  sbomCompressedBytes: 4 * 1024 * 1024,
  /** An uploaded SBOM decompressed (64 MiB): decompression stops past it (a zstd bomb). */
  sbomDecompressedBytes: 64 * 1024 * 1024,
} as const);

/** Regular expressions (JSON Schema `pattern` syntax, which is also JavaScript's). */
export const PATTERNS = Object.freeze({
  /** Bucket and channel names (Packer's rule). */
  name: '^[a-zA-Z0-9-]{3,36}$',
  /** A fingerprint in a create body: 1-40 chars, alphanumeric ends. */
  newFingerprint: '^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,38}[a-zA-Z0-9])?$',
  /** A fingerprint used to look a version up (Terraform's looser rule, which admits legacy `"`). */
  lookupFingerprint: '^[a-zA-Z0-9"][a-zA-Z0-9_."-]{0,39}$',
  /** A fingerprint to assign to a channel; empty unassigns. */
  assignFingerprint: '^(?:[a-zA-Z0-9"][a-zA-Z0-9_."-]{0,39})?$',
  /** An SBOM name sent to UploadSbom (HCP: 3-36 of [A-Za-z0-9_-]). */
  sbomName: '^[A-Za-z0-9_-]{3,36}$',
  /** An SBOM name looked up: also a default name, which is the version fingerprint. */
  lookupSbomName: '^[A-Za-z0-9_."-]{1,40}$',
  /** Server-made ids. */
  ulid: '^[0-9A-Za-z]{26}$',
  /** Organization and project ids. */
  tenantId: '^[A-Za-z0-9-]{1,64}$',
  /** Principal names. */
  principalName: '^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$',
  /** Text PostgreSQL can store: its `text` type cannot hold U+0000. */
  storableText: '^[^\\u0000]*$',
  /** `pagination.page_size`: 0 (server default) to LIMITS.pageSize. */
  pageSize: '^(?:\\d{1,3}|1000)$',
  /** `sorting.order_by`: field names with optional asc/desc, comma-separated. */
  orderBy:
    '^\\s*[a-z_]{1,40}(\\s+(asc|desc|ASC|DESC))?\\s*(,\\s*[a-z_]{1,40}(\\s+(asc|desc|ASC|DESC))?\\s*)*$',
  /** `revoke_in`: a signed duration such as `0s`, `90m`, `12h`, `7d`. */
  duration: '^[+-]?(?:\\d+(?:\\.\\d+)?(?:s|m|h|d))+$',
  /** `depth` of ListBucketAncestry: 1 to 100, or `all`. */
  ancestryDepth: '^(all|[1-9][0-9]?|100)$',
} as const);

/** `{type: 'string', pattern, description}`: the description is the hint of validation messages. */
function Pattern(pattern: string, description: string): TString {
  return Type.String({ pattern, description });
}

/** `{type: 'string', minLength, maxLength}`: free text of bounded length. */
export function Text(maxLength: number, minLength = 0, description?: string): TString {
  return Type.String({ minLength, maxLength, ...(description ? { description } : {}) });
}

/** Bucket and channel names. */
export const NameSchema = Pattern(PATTERNS.name, '3-36 letters, digits or hyphens');

/** A fingerprint in a create body. */
export const NewFingerprintSchema = Pattern(
  PATTERNS.newFingerprint,
  '1-40 letters, digits, "-", "." or "_", starting and ending with a letter or digit (Packer default: a ULID)',
);

/** A fingerprint used to look a version up. */
export const FingerprintSchema = Pattern(
  PATTERNS.lookupFingerprint,
  '1-40 letters, digits, "-", "." or "_"',
);

/** A fingerprint in a CreateChannel / UpdateChannel body; empty unassigns. */
export const AssignFingerprintSchema = Pattern(
  PATTERNS.assignFingerprint,
  'a version fingerprint, or empty to unassign',
);

/** An SBOM name in an UploadSbom body. */
export const SbomNameSchema = Pattern(PATTERNS.sbomName, '3-36 letters, digits, "-" or "_"');

/** An SBOM name in a path (GetSbom). */
export const LookupSbomNameSchema = Pattern(
  PATTERNS.lookupSbomName,
  'an SBOM name (3-36 letters, digits, "-" or "_"), or the version fingerprint when none was given',
);

/** Server-made ids (ULIDs). */
export const UlidSchema = Pattern(PATTERNS.ulid, 'a ULID (26 letters and digits)');

/** Organization and project ids in paths. */
export const TenantIdSchema = Pattern(PATTERNS.tenantId, 'an organization or project id');

/** Principal names. */
export const PrincipalNameSchema = Pattern(
  PATTERNS.principalName,
  '1-128 letters, digits, ".", "_", "@", "+" or "-", starting with a letter or digit',
);

/** Text without NUL, for request values that go to SQL as they are. */
export const StorableTextSchema = Pattern(PATTERNS.storableText, 'text without NUL characters');

/** `labels` in request bodies (HCP documents no limits; these are generous). */
export const LabelsInputSchema = StringMap({
  maxProperties: LIMITS.labels,
  keys: { minLength: 1, maxLength: LIMITS.labelKey },
  values: { maxLength: LIMITS.labelValue },
  description: `a map of up to ${LIMITS.labels} string labels (keys 1-${LIMITS.labelKey} chars, values up to ${LIMITS.labelValue} chars)`,
});
