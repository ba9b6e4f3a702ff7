import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { AncestryType, BuildStatus, SbomFormat, TemplateType } from './enums';
import { FreeObject, StringEnum } from './kinds';
import type { BuildMetadata } from './models';
import {
  AssignFingerprintSchema,
  FingerprintSchema,
  LabelsInputSchema,
  LIMITS,
  NameSchema,
  NewFingerprintSchema,
  PATTERNS,
  SbomNameSchema,
  Text,
} from './patterns-and-limits';

/*
 * Request bodies and query parameters. Bodies list their fields with
 * `additionalProperties: false`: the registry drops unknown fields (HCP
 * ignores them too), so a handler only ever sees the fields named here.
 * Types are strict (no coercion): `"true"` is not a boolean.
 */

/** An object of exactly `properties` (unknown fields are dropped). */
export function Closed<Properties extends TProperties>(
  properties: Properties,
): TObject<Properties> {
  return Type.Object(properties, { additionalProperties: false });
}

const opt = Type.Optional;
const description = Text(LIMITS.description, 0, `at most ${LIMITS.description} characters`);

/** Body of CreateBucket (`PUT /buckets`). */
export const CreateBucketBody = Closed({
  name: NameSchema,
  description: opt(description),
  labels: opt(LabelsInputSchema),
});
export type CreateBucketBody = Static<typeof CreateBucketBody>;

/** Body of UpdateBucket (`PATCH /buckets/{bucket}`). */
export const UpdateBucketBody = Closed({
  description: opt(description),
  labels: opt(LabelsInputSchema),
  platforms: opt(Type.Array(Text(LIMITS.platformName, 1), { maxItems: LIMITS.platforms })),
});
export type UpdateBucketBody = Static<typeof UpdateBucketBody>;

/** Body of CreateVersion (`POST /buckets/{bucket}/versions`). */
export const CreateVersionBody = Closed({
  fingerprint: NewFingerprintSchema,
  template_type: opt(TemplateType),
});
export type CreateVersionBody = Static<typeof CreateVersionBody>;

/** Body of UpdateVersion: revoke, schedule, restore or complete. Send `revoke_at` or `revoke_in`, not both. */
export const UpdateVersionBody = Closed({
  complete: opt(Type.Boolean()),
  /** RFC 3339; now or past = immediate, future = scheduled. */
  revoke_at: opt(Type.String({ format: 'date-time', description: 'an RFC 3339 timestamp' })),
  /** Signed duration: `0s`, `90m`, `12h`, `7d`. */
  revoke_in: opt(
    Type.String({
      maxLength: LIMITS.duration,
      pattern: PATTERNS.duration,
      description: 'a duration such as 0s, 90m, 12h or 7d',
    }),
  ),
  revocation_message: opt(Text(LIMITS.identifier)),
  skip_descendants_revocation: opt(Type.Boolean()),
  disable_rollback_channels: opt(Type.Boolean()),
  restore: opt(Type.Boolean()),
});
export type UpdateVersionBody = Static<typeof UpdateVersionBody>;

/** An artifact as sent in CreateBuild / UpdateBuild (Go clients omit an empty region). */
export const ArtifactInput = Closed({
  external_identifier: Text(
    LIMITS.identifier,
    1,
    `1-${LIMITS.identifier} characters, e.g. ami-0abc`,
  ),
  region: opt(Text(LIMITS.identifier, 0, 'cloud region, or a path for local builders')),
});
export type ArtifactInput = Static<typeof ArtifactInput>;

const BUILD_FIELDS = {
  status: opt(BuildStatus),
  platform: opt(Text(LIMITS.shortText)),
  packer_run_uuid: opt(Text(LIMITS.shortId)),
  labels: opt(LabelsInputSchema),
  source_external_identifier: opt(Text(LIMITS.identifier)),
  artifacts: opt(Type.Array(ArtifactInput, { maxItems: LIMITS.artifacts })),
  parent_version_id: opt(Text(LIMITS.shortId)),
  parent_channel_id: opt(Text(LIMITS.shortId)),
};

/** Body of CreateBuild (`POST …/versions/{fingerprint}/builds`). */
export const CreateBuildBody = Closed({
  component_type: Text(LIMITS.shortText, 1, `the Packer build name, 1-${LIMITS.shortText} chars`),
  ...BUILD_FIELDS,
});
export type CreateBuildBody = Static<typeof CreateBuildBody>;

/** Body of UpdateBuild (`PATCH …/builds/{build_id}`): status, heartbeat, artifacts, parents, metadata. */
export const UpdateBuildBody = Closed({
  ...BUILD_FIELDS,
  metadata: opt(
    FreeObject<BuildMetadata>({ description: 'free-form build metadata (packer, vcs, cicd)' }),
  ),
});
export type UpdateBuildBody = Static<typeof UpdateBuildBody>;

/**
 * Body of UploadSbom (`PUT …/builds/{build_id}/sboms`). `compressed_sbom` is
 * the zstd-compressed JSON document, base64 in JSON (at most
 * LIMITS.sbomCompressedBytes compressed, LIMITS.sbomDecompressedBytes
 * decompressed); without `name` the SBOM is named after the version
 * fingerprint, as on HCP.
 */
export const UploadSbomBody = Closed({
  compressed_sbom: Type.String({
    description: `the zstd-compressed document, base64 (at most ${LIMITS.sbomCompressedBytes} bytes compressed)`,
  }),
  format: SbomFormat,
  name: opt(SbomNameSchema),
});
export type UploadSbomBody = Static<typeof UploadSbomBody>;

/** Body of CreateChannel (`POST /buckets/{bucket}/channels`). */
export const CreateChannelBody = Closed({
  name: NameSchema,
  restricted: opt(Type.Boolean()),
  version_fingerprint: opt(AssignFingerprintSchema),
});
export type CreateChannelBody = Static<typeof CreateChannelBody>;

/** Body of UpdateChannel (`PATCH /buckets/{bucket}/channels/{channel}`). */
export const UpdateChannelBody = Closed({
  restricted: opt(Type.Boolean()),
  /** Empty string unassigns. */
  version_fingerprint: opt(AssignFingerprintSchema),
  /** `versionFingerprint`, `restricted`, or both comma-separated (lower camel). */
  update_mask: Type.String({
    maxLength: LIMITS.updateMask,
    description: 'versionFingerprint, restricted, or both comma-separated',
  }),
});
export type UpdateChannelBody = Static<typeof UpdateChannelBody>;

/** Body of AssignChannelVersion: copy `source_channel`'s version to `target_channel`. */
export const AssignChannelBody = Closed({ source_channel: NameSchema, target_channel: NameSchema });
export type AssignChannelBody = Static<typeof AssignChannelBody>;

/** Body of SearchExternalArtifact (`POST /_search/external_artifact`). */
export const SearchExternalArtifactBody = Closed({
  external_identifier: Text(LIMITS.identifier, 1),
  platform: opt(Text(LIMITS.shortText)),
  region: opt(Text(LIMITS.shortText)),
});
export type SearchExternalArtifactBody = Static<typeof SearchExternalArtifactBody>;

// ---- query parameters ------------------------------------------------------

/** Query params HCP accepts on every operation and ignores. */
const IGNORED_LOCATION_QUERY = {
  'location.region.provider': opt(Text(LIMITS.shortText, 0, 'accepted and ignored')),
  'location.region.region': opt(Text(LIMITS.shortText, 0, 'accepted and ignored')),
};

/** Query of operations that take no other query parameters. */
export const NoQuerystring = Closed(IGNORED_LOCATION_QUERY);

const ORDER_BY_ITEM = Type.String({
  maxLength: LIMITS.orderBy,
  pattern: PATTERNS.orderBy,
  description: 'field names with optional asc/desc, comma-separated (e.g. "name,created_at desc")',
});

/** Pagination and sorting parameters of list operations (`pagination.*`, `sorting.order_by`). */
export const LIST_QUERY_FIELDS = {
  'pagination.page_size': opt(
    Type.String({
      pattern: PATTERNS.pageSize,
      description: `a number of results per page from 0 (server default) to ${LIMITS.pageSize}`,
    }),
  ),
  'pagination.next_page_token': opt(
    Text(LIMITS.identifier, 0, 'next_page_token of the previous page'),
  ),
  'pagination.previous_page_token': opt(
    Text(LIMITS.identifier, 0, 'accepted; paging backwards is not supported, use next_page_token'),
  ),
  'sorting.order_by': opt(
    Type.Union([ORDER_BY_ITEM, Type.Array(ORDER_BY_ITEM, { maxItems: LIMITS.orderByItems })]),
  ),
  ...IGNORED_LOCATION_QUERY,
};

/** Query of list operations: {@link LIST_QUERY_FIELDS} plus `extra`. */
export function ListQuerystring<Extra extends TProperties = Record<never, never>>(
  extra: Extra = {} as Extra,
): TObject<typeof LIST_QUERY_FIELDS & Extra> {
  return Closed({ ...LIST_QUERY_FIELDS, ...extra });
}

/** Query of ListBucketAncestry. */
export const AncestryQuerystring = ListQuerystring({
  type: opt(AncestryType),
  channel_name: opt(NameSchema),
  version_fingerprint: opt(FingerprintSchema),
  depth: opt(
    Type.String({
      pattern: PATTERNS.ancestryDepth,
      description:
        'Imprint extension: generations to follow, 1 (the default, direct relations as on HCP) ' +
        'to 100, or all (every ancestor and/or descendant, across buckets)',
    }),
  ),
});
export type AncestryQuerystring = Static<typeof AncestryQuerystring>;

/** Query of DeleteVersion. */
export const DeleteVersionQuerystring = Closed({
  rollback_channels: opt(
    StringEnum(['true', 'false', '1', '0'], {
      description: 'true rolls user channels back to their previous valid version',
    }),
  ),
  ...IGNORED_LOCATION_QUERY,
});
export type DeleteVersionQuerystring = Static<typeof DeleteVersionQuerystring>;

/**
 * Query of ListBuildPackages and ListBucketPackages: `package_name` (exact,
 * case-insensitive), `package_name_starts_with`, `package_version` (exact).
 */
const PACKAGE_FILTERS = {
  package_name: opt(Text(LIMITS.identifier, 0, 'a package name (case-insensitive)')),
  package_name_starts_with: opt(
    Text(LIMITS.identifier, 0, 'the start of package names (case-insensitive)'),
  ),
  package_version: opt(Text(LIMITS.identifier, 0, 'a package version, exactly')),
};
export const PackagesQuerystring = ListQuerystring(PACKAGE_FILTERS);
export type PackagesQuerystring = Static<typeof PackagesQuerystring>;

/** `criticality` filter: repeated (`criticality=High&criticality=Critical`), case-insensitive. */
const CRITICALITY_FILTER = Text(32, 1, 'Critical, High, Medium, Low or Unknown (case-insensitive)');
/**
 * Vulnerability filters of ListBucketVulnerabilities and
 * ListBucketPackagesWithVulnerabilities: `criticality` (any of),
 * `identifier` (exact, case-insensitive: an OSV id or one of its aliases)
 * and `identifier_starts_with`.
 */
const VULNERABILITY_FILTERS = {
  criticality: opt(
    Type.Union([CRITICALITY_FILTER, Type.Array(CRITICALITY_FILTER, { maxItems: 5 })]),
  ),
  identifier: opt(Text(LIMITS.identifier, 0, 'a vulnerability id or alias (case-insensitive)')),
  identifier_starts_with: opt(
    Text(LIMITS.identifier, 0, 'the start of vulnerability ids (case-insensitive)'),
  ),
};

/** Query of ListBucketVulnerabilities and ListVersionVulnerabilities. */
export const VulnerabilitiesQuerystring = ListQuerystring(VULNERABILITY_FILTERS);
export type VulnerabilitiesQuerystring = Static<typeof VulnerabilitiesQuerystring>;

/** Query of ListBucketPackagesWithVulnerabilities: the package and the vulnerability filters. */
export const PackagesWithVulnerabilitiesQuerystring = ListQuerystring({
  ...PACKAGE_FILTERS,
  ...VULNERABILITY_FILTERS,
});
export type PackagesWithVulnerabilitiesQuerystring = Static<
  typeof PackagesWithVulnerabilitiesQuerystring
>;

/** Query of SearchPackages (`GET /packages/search`): `name` or `purl` is required. */
export const SearchPackagesQuerystring = ListQuerystring({
  name: opt(Text(LIMITS.identifier, 0, 'a package name (case-insensitive)')),
  version: opt(Text(LIMITS.identifier, 0, 'a package version, exactly')),
  purl: opt(Text(LIMITS.identifier, 0, 'a package URL, exactly')),
});
export type SearchPackagesQuerystring = Static<typeof SearchPackagesQuerystring>;
