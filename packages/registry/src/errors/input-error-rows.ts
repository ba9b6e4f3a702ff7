import { GrpcCode, PATTERNS, ROLES } from '@imprint/client';
import { RegistryErrorReason as R } from './registry-error-codes';
import type { RegistryErrorReason } from './registry-error-codes';
import { describeValue, quote } from './message-format';
import { noDetails, onlyField, row } from './registry-error-row';
import type { Field } from './registry-error-row';

const { INVALID_ARGUMENT } = GrpcCode;

type Limited = { field: string; max: number };

const fieldOf = (p: Field) => ({ field: p.field });
/**
 * Text no engine stores as sent (a NUL, a lone surrogate): the message is the
 * sentence of `textProblem`, the one rule for such text.
 */
const unstorable = (code: RegistryErrorReason) =>
  row<Field & { problem: string }>(code, INVALID_ARGUMENT, (p) => p.problem, {
    details: fieldOf,
  });
/** `<field> must be <expected>, got <the value>.`: a value of the wrong kind. */
const mustBe = (code: RegistryErrorReason, expected: string) =>
  row<Field & { value: unknown }>(
    code,
    INVALID_ARGUMENT,
    (p) => `${p.field} must be ${expected}, got ${describeValue(p.value)}.`,
    { details: fieldOf },
  );

/**
 * The rows of {@link REGISTRY_ERROR_TABLE} for request values of the wrong
 * type, shape or size (gRPC code 3, HTTP 400).
 */
export const INPUT_ERROR_ROWS = {
  // --- a request value has the wrong type or shape (3) ---------------------------------------
  FieldInvalid: row<Field & { expected: string; value: unknown }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `${p.field} must be ${p.expected}, got ${describeValue(p.value)}.`,
    { details: fieldOf },
  ),
  TextUnstorable: unstorable(R.INVALID_ARGUMENT),
  FieldTooLong: row<Limited & { length: number }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `${p.field} is ${p.length} characters long; at most ${p.max} are allowed.`,
    { details: fieldOf },
  ),
  FieldRequired: row<Field>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `${p.field} is required and must be a non-empty string.`,
  ),
  MetadataTooLarge: row<{ bytes: number; max: number }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `metadata is ${p.bytes} bytes; at most ${p.max} are allowed.`,
    { details: onlyField('metadata') },
  ),
  MetadataTooDeep: row<Limited>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `${p.field} is nested deeper than ${p.max} levels.`,
    {
      details: fieldOf,
    },
  ),
  MetadataForbiddenKey: row<Field & { key: string }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `${p.field} uses the forbidden key ${JSON.stringify(p.key)}.`,
    { details: fieldOf },
  ),
  NowInvalid: row(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    () => 'now must be a valid Date (or omitted for the current time).',
    {
      details: onlyField('now'),
    },
  ),
  SameSourceAndTarget: row<{ channel: string }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) =>
      `source_channel and target_channel are both ${quote(p.channel)}. Name two different channels.`,
    { details: onlyField('target_channel') },
  ),
  ParentChannelWithoutVersion: row<{ build_id: string }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) =>
      `parent_channel_id is set without parent_version_id on build ${p.build_id}. Send the parent version's id along with its channel's id.`,
    { details: onlyField('parent_channel_id') },
  ),
  AncestryDepthInvalid: row<{ value: unknown; max: number }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) =>
      `depth must be a whole number from 1 to ${p.max}, or 'all'; got ${JSON.stringify(p.value)}.`,
    { details: onlyField('depth') },
  ),
  PrincipalNameInvalid: row<{ name: unknown }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) =>
      `Principal name must be 1 to 128 letters, digits or . _ @ + - starting with a letter or digit (e.g. "ci-packer"), got ${JSON.stringify(String(p.name).slice(0, 64))}.`,
    { details: onlyField('name') },
  ),
  PrincipalRoleInvalid: row<{ role: unknown }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) =>
      `role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(String(p.role).slice(0, 32))}.`,
    { details: onlyField('role') },
  ),
  TokenTtlInvalid: row<{ ttlSeconds: unknown; max: number }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `ttlSeconds must be an integer from 1 to ${p.max}, got ${String(p.ttlSeconds)}.`,
    { details: onlyField('ttlSeconds') },
  ),
  /** An option of `openRegistryStorage`. */
  StorageOptionInvalid: row<{ option: string; expected: string }>(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `${p.option} must be ${p.expected}.`,
    { details: (p) => ({ field: p.option }) },
  ),
  DatabaseUrlNotPostgres: row(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    () =>
      'databaseUrl must be a postgres:// (or postgresql://) URL. For SQLite leave it unset and give dataDir.',
    { details: onlyField('databaseUrl') },
  ),
  SqliteDataDirMissing: row(
    R.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    () =>
      'SQLite needs dataDir, the directory that holds imprint-registry.db (created if missing); or pass a postgres:// databaseUrl.',
    { details: onlyField('dataDir') },
  ),

  // --- names, labels, pages, masks (3, a code of their own) -----------------------------------
  BucketNameInvalid: mustBe(
    R.BUCKET_NAME_INVALID,
    `a bucket name of 3 to 36 letters, digits or hyphens (${PATTERNS.name}), e.g. "ubuntu-base"`,
  ),
  ChannelNameInvalid: mustBe(
    R.CHANNEL_NAME_INVALID,
    `a channel name of 3 to 36 letters, digits or hyphens (${PATTERNS.name}), e.g. "production"`,
  ),
  FingerprintInvalid: mustBe(
    R.FINGERPRINT_INVALID,
    'a fingerprint of 1 to 40 characters that starts and ends with a letter or digit and otherwise holds only letters, digits, "-", "." or "_" (e.g. a ULID or a git SHA)',
  ),
  DescriptionTooLong: row<{ length: number; max: number }>(
    R.DESCRIPTION_TOO_LONG,
    INVALID_ARGUMENT,
    (p) => `description is ${p.length} characters long; shorten it to at most ${p.max} characters.`,
    { details: onlyField('description') },
  ),
  LabelsNotAMap: mustBe(R.LABELS_INVALID, 'an object of string values, e.g. {"os": "ubuntu"}'),
  TooManyLabels: row<Limited & { count: number }>(
    R.LABELS_INVALID,
    INVALID_ARGUMENT,
    (p) => `${p.field} has ${p.count} entries; at most ${p.max} are allowed.`,
    { details: fieldOf },
  ),
  LabelKeyInvalid: row<Limited & { key: string }>(
    R.LABELS_INVALID,
    INVALID_ARGUMENT,
    (p) =>
      `${p.field} has an invalid key ${describeValue(p.key)}: keys must be 1 to ${p.max} characters and not __proto__, constructor or prototype.`,
    { details: fieldOf },
  ),
  LabelValueInvalid: row<Limited & { value: unknown }>(
    R.LABELS_INVALID,
    INVALID_ARGUMENT,
    (p) =>
      `${p.field} must be a string of at most ${p.max} characters, got ${describeValue(p.value)}.`,
    { details: fieldOf },
  ),
  /** {@link REGISTRY_ERROR_TABLE.TextUnstorable} in a label key or value. */
  LabelTextUnstorable: unstorable(R.LABELS_INVALID),
  ListOptionsInvalid: row(
    R.PAGINATION_INVALID,
    INVALID_ARGUMENT,
    () => 'List options must be an object { pageSize?, nextPageToken?, orderBy? }.',
    { details: onlyField('options') },
  ),
  PageSizeInvalid: row<{ value: unknown; max: number; fallback: number }>(
    R.PAGINATION_INVALID,
    INVALID_ARGUMENT,
    (p) =>
      `pagination.page_size must be an integer from 1 to ${p.max} (0 or absent means ${p.fallback}), got ${String(p.value)}.`,
    { details: onlyField('pagination.page_size') },
  ),
  OrderByNotAList: row(
    R.PAGINATION_INVALID,
    INVALID_ARGUMENT,
    () => 'sorting.order_by must be a list of strings such as ["name", "created_at desc"].',
    { details: onlyField('sorting.order_by') },
  ),
  OrderByRepeated: row<{ key: string }>(
    R.PAGINATION_INVALID,
    INVALID_ARGUMENT,
    (p) => `sorting.order_by names ${p.key} twice.`,
    {
      details: onlyField('sorting.order_by'),
    },
  ),
  OrderByTermInvalid: row<{ term: string; fields: readonly string[] }>(
    R.PAGINATION_INVALID,
    INVALID_ARGUMENT,
    (p) =>
      `sorting.order_by term ${JSON.stringify(p.term.slice(0, 64))} is invalid: use one of ${p.fields.join(', ')}, optionally followed by asc or desc.`,
    { details: onlyField('sorting.order_by') },
  ),
  PageTokenInvalid: row(
    R.PAGINATION_INVALID,
    INVALID_ARGUMENT,
    () =>
      'pagination.next_page_token is not a token this list returned (or it was issued for another sort order); start again without it.',
    { details: onlyField('pagination.next_page_token') },
  ),
  UpdateMaskMissing: row(
    R.UPDATE_MASK_INVALID,
    INVALID_ARGUMENT,
    () =>
      'update_mask is required: send "versionFingerprint", "restricted" or "versionFingerprint,restricted" to say which fields to change.',
    { details: onlyField('update_mask') },
  ),
  UpdateMaskUnknownField: row<{ path: string }>(
    R.UPDATE_MASK_INVALID,
    INVALID_ARGUMENT,
    (p) =>
      `update_mask names unknown field ${quote(p.path.slice(0, 64))}; only versionFingerprint and restricted can be updated.`,
    { details: onlyField('update_mask') },
  ),
  RestoreCombined: row(
    R.VERSION_UPDATE_INVALID,
    INVALID_ARGUMENT,
    () =>
      'restore cannot be combined with revoke_at, revoke_in, revocation_message, skip_descendants_revocation, disable_rollback_channels or complete. Send restore alone.',
    { details: noDetails },
  ),
  RevokeAtAndRevokeIn: row(
    R.VERSION_UPDATE_INVALID,
    INVALID_ARGUMENT,
    () => 'Send either revoke_at (a date-time) or revoke_in (a duration such as "12h"), not both.',
    { details: noDetails },
  ),
  CompleteCombined: row(
    R.VERSION_UPDATE_INVALID,
    INVALID_ARGUMENT,
    () => 'complete cannot be combined with revocation fields. Send it alone.',
    { details: noDetails },
  ),
  RevocationOptionsAlone: row(
    R.VERSION_UPDATE_INVALID,
    INVALID_ARGUMENT,
    () =>
      'revocation_message, skip_descendants_revocation and disable_rollback_channels need revoke_at or revoke_in. Add one of them (revoke_in "0s" revokes now).',
    { details: noDetails },
  ),
  VersionUpdateEmpty: row(
    R.VERSION_UPDATE_INVALID,
    INVALID_ARGUMENT,
    () =>
      'UpdateVersion needs one of: revoke_at or revoke_in (revoke), restore: true, or complete: true.',
    { details: noDetails },
  ),
  DateTimeInvalid: row<Field & { value: string }>(
    R.VERSION_UPDATE_INVALID,
    INVALID_ARGUMENT,
    (p) =>
      `${p.field} must be an RFC 3339 date-time between 1970 and 9999, e.g. "2030-01-31T12:00:00Z", got ${JSON.stringify(p.value.slice(0, 64))}.`,
    { details: fieldOf },
  ),
  DurationInvalid: row<Field & { value: string }>(
    R.VERSION_UPDATE_INVALID,
    INVALID_ARGUMENT,
    (p) =>
      `${p.field} must be a signed duration of at most 100 years with units s, m, h or d, e.g. "0s" (now), "90m", "12h" or "7d", got ${JSON.stringify(p.value.slice(0, 64))}.`,
    { details: fieldOf },
  ),
  BuildArtifactsRequired: row<{ component_type: string }>(
    R.BUILD_ARTIFACTS_REQUIRED,
    INVALID_ARGUMENT,
    (p) =>
      `Build ${quote(p.component_type)} cannot be BUILD_DONE without artifacts. Send artifacts [{external_identifier, region}] with the update (or earlier).`,
    { details: (p) => ({ field: 'artifacts', component_type: p.component_type }) },
  ),
} as const;
