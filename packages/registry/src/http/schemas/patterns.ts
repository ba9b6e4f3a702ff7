/**
 * Value rules shared by request schemas (shared/reference/hcp-packer-registry.md
 * §1.11). A schema's `description` doubles as the hint in validation messages.
 */

/** Bucket and channel names (Packer's rule). */
export const NAME_SCHEMA = {
  type: 'string',
  pattern: '^[a-zA-Z0-9-]{3,36}$',
  description: '3-36 letters, digits or hyphens',
} as const;

/** A fingerprint in a create body: 1-40 chars, alphanumeric ends, letters, digits, `-`, `.`, `_`. */
export const NEW_FINGERPRINT_SCHEMA = {
  type: 'string',
  pattern: '^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,38}[a-zA-Z0-9])?$',
  description:
    '1-40 letters, digits, "-", "." or "_", starting and ending with a letter or digit (Packer default: a ULID)',
} as const;

/** A fingerprint used to look a version up (TF's looser rule, which admits legacy `"`). */
export const FINGERPRINT_SCHEMA = {
  type: 'string',
  pattern: '^[a-zA-Z0-9"][a-zA-Z0-9_."-]{0,39}$',
  description: '1-40 letters, digits, "-", "." or "_"',
} as const;

/** A fingerprint in an UpdateChannel/CreateChannel body; empty unassigns. */
export const ASSIGN_FINGERPRINT_SCHEMA = {
  type: 'string',
  pattern: '^(?:[a-zA-Z0-9"][a-zA-Z0-9_."-]{0,39})?$',
  description: 'a version fingerprint, or empty to unassign',
} as const;

/** Server-made ids (ULIDs). */
export const ULID_SCHEMA = {
  type: 'string',
  pattern: '^[0-9A-Za-z]{26}$',
  description: 'a ULID (26 letters and digits)',
} as const;

/** Organization and project ids in paths. */
export const TENANT_ID_SCHEMA = {
  type: 'string',
  pattern: '^[A-Za-z0-9-]{1,64}$',
  description: 'an organization or project id',
} as const;

/** Principal names. */
export const PRINCIPAL_NAME_SCHEMA = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$',
  description: '1-128 letters, digits, ".", "_", "@", "+" or "-", starting with a letter or digit',
} as const;

/** `labels` in request bodies: a string map (HCP documents no limits; these are generous). */
export const LABELS_INPUT_SCHEMA = {
  type: 'object',
  maxProperties: 256,
  propertyNames: { type: 'string', minLength: 1, maxLength: 255 },
  additionalProperties: { type: 'string', maxLength: 4096 },
  description: 'a map of up to 256 string labels (keys 1-255 chars, values up to 4096 chars)',
} as const;

export const ROLE_SCHEMA = {
  type: 'string',
  enum: ['viewer', 'contributor', 'admin'],
  description: 'viewer, contributor or admin',
} as const;

/**
 * Text PostgreSQL can store: its `text` type cannot hold U+0000, so a NUL
 * character would fail in SQL (SQLite would store it). Request values that go
 * to SQL as they are carry this pattern; {@link isStorableText} applies the
 * same rule in code.
 */
export const STORABLE_TEXT_SCHEMA = {
  type: 'string',
  pattern: '^[^\\u0000]*$',
  description: 'text without NUL characters',
} as const;

const STORABLE_TEXT = new RegExp(STORABLE_TEXT_SCHEMA.pattern, 'u');

/** True when `value` passes {@link STORABLE_TEXT_SCHEMA} (no NUL character). */
export function isStorableText(value: string): boolean {
  return STORABLE_TEXT.test(value);
}

export function text(
  maxLength: number,
  minLength = 0,
): {
  type: 'string';
  minLength: number;
  maxLength: number;
} {
  return { type: 'string', minLength, maxLength };
}

export const BUILD_STATUSES = [
  'BUILD_UNSET',
  'BUILD_RUNNING',
  'BUILD_DONE',
  'BUILD_CANCELLED',
  'BUILD_FAILED',
] as const;

export const VERSION_STATUSES = [
  'VERSION_UNSET',
  'VERSION_RUNNING',
  'VERSION_CANCELLED',
  'VERSION_FAILED',
  'VERSION_REVOKED',
  'VERSION_REVOCATION_SCHEDULED',
  'VERSION_ACTIVE',
  'VERSION_INCOMPLETE',
] as const;

export const TEMPLATE_TYPES = ['TEMPLATE_TYPE_UNSET', 'HCL2', 'JSON'] as const;
export const REVOCATION_TYPES = ['REVOCATION_TYPE_UNSET', 'MANUAL', 'INHERITED'] as const;
export const ANCESTRY_STATUSES = ['UNDETERMINED', 'UP_TO_DATE', 'OUT_OF_DATE'] as const;
export const ANCESTRY_TYPES = [
  'ANCESTRY_TYPE_UNSET',
  'ANCESTRY_TYPE_PARENTS',
  'ANCESTRY_TYPE_CHILDREN',
] as const;
