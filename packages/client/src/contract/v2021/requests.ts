import { Type, type Static } from '@sinclair/typebox';
import { FeatureTier } from '../enums';
import {
  AssignFingerprintSchema,
  FingerprintSchema,
  LabelsInputSchema,
  LIMITS,
  NameSchema,
  PATTERNS,
  Text,
  UlidSchema,
} from '../patterns-and-limits';
import {
  Closed,
  CreateBucketBody,
  CreateVersionBody,
  LIST_QUERY_FIELDS,
  NoQuerystring,
  UpdateBucketBody,
  UpdateVersionBody,
} from '../requests';
import { V2021AncestryType, V2021BuildStatus, V2021Restriction } from './enums';

/*
 * Request bodies and query parameters of the 2021-04-30 API. As in
 * 2023-01-01, unknown fields (e.g. the optional `location` Go clients may
 * send) are dropped and types are strict. Limits and patterns are
 * 2023-01-01's: the same data is written.
 */

const opt = Type.Optional;
const incrementalVersionQuery = Type.String({
  pattern: '^\\d{1,9}$',
  description: 'the N of a complete version vN',
});
const shortId = opt(Text(LIMITS.shortId));

/** Body of CreateRegistry (refused: the registry always exists). */
export const V2021CreateRegistryBody = Closed({ feature_tier: opt(FeatureTier) });
/** Body of UpdateRegistry (refused: the registry is always active). */
export const V2021UpdateRegistryBody = Closed({
  activate: opt(Type.Boolean()),
  feature_tier: opt(FeatureTier),
});

/** Body of CreateBucket (`PUT /images`): 2023-01-01's, with `bucket_slug` for `name`. */
export const V2021CreateBucketBody = Closed({
  bucket_slug: NameSchema,
  description: CreateBucketBody.properties.description,
  labels: CreateBucketBody.properties.labels,
});
export type V2021CreateBucketBody = Static<typeof V2021CreateBucketBody>;

/** Body of UpdateBucket (`PATCH /images/{bucket_slug}`): 2023-01-01's; Packer sends `"platforms":null`. */
export const V2021UpdateBucketBody = UpdateBucketBody;
export type V2021UpdateBucketBody = Static<typeof V2021UpdateBucketBody>;

/** Body of CreateIteration (`POST /images/{bucket_slug}/iterations`): 2023-01-01's CreateVersion body. */
export const V2021CreateIterationBody = CreateVersionBody;
export type V2021CreateIterationBody = Static<typeof V2021CreateIterationBody>;

/**
 * Body of UpdateIteration (`PATCH /iterations/{iteration_id}`): complete,
 * revoke, schedule or restore. `revoke_at` of year 1 (what Go sends when
 * unset) is absent. `rollback_channels` (default false) is the inverse of
 * 2023-01-01's `disable_rollback_channels`: a 2021 revoke leaves channels on
 * the revoked iteration unless it asks.
 */
export const V2021UpdateIterationBody = Closed({
  bucket_slug: opt(NameSchema),
  complete: UpdateVersionBody.properties.complete,
  revoke_at: UpdateVersionBody.properties.revoke_at,
  revoke_in: UpdateVersionBody.properties.revoke_in,
  revocation_message: UpdateVersionBody.properties.revocation_message,
  skip_descendants_revocation: UpdateVersionBody.properties.skip_descendants_revocation,
  restore: UpdateVersionBody.properties.restore,
  rollback_channels: opt(Type.Boolean()),
});
export type V2021UpdateIterationBody = Static<typeof V2021UpdateIterationBody>;

/** An image as sent in CreateBuild / UpdateBuild. */
export const V2021ImageInput = Closed({
  image_id: Text(LIMITS.identifier, 1, `1-${LIMITS.identifier} characters, e.g. ami-0abc`),
  region: opt(Text(LIMITS.identifier, 0, 'cloud region, or a path for local builders')),
});
export type V2021ImageInput = Static<typeof V2021ImageInput>;

/** BuildUpdates: what CreateBuild's `build` and UpdateBuild's `updates` share. Absent = unchanged. */
const BUILD_UPDATES = {
  cloud_provider: opt(Text(LIMITS.shortText)),
  images: opt(Type.Array(V2021ImageInput, { maxItems: LIMITS.artifacts })),
  labels: opt(LabelsInputSchema),
  packer_run_uuid: opt(Text(LIMITS.shortId)),
  /** Write-only: the parent channel's id (2023-01-01: parent_channel_id). */
  source_channel_id: shortId,
  source_image_id: opt(Text(LIMITS.identifier)),
  /** Write-only: the parent iteration's id (2023-01-01: parent_version_id). */
  source_iteration_id: shortId,
  status: opt(V2021BuildStatus),
};

/** Body of CreateBuild (`POST /images/{bucket_slug}/iterations/{iteration_id}`). */
export const V2021CreateBuildBody = Closed({
  fingerprint: opt(FingerprintSchema),
  build: Closed({
    component_type: Text(LIMITS.shortText, 1, `the Packer build name, 1-${LIMITS.shortText} chars`),
    ...BUILD_UPDATES,
  }),
});
export type V2021CreateBuildBody = Static<typeof V2021CreateBuildBody>;

/** Body of UpdateBuild (`PATCH /builds/{build_id}`); status-only updates send `"images":null`. */
export const V2021UpdateBuildBody = Closed({ updates: Closed(BUILD_UPDATES) });
export type V2021UpdateBuildBody = Static<typeof V2021UpdateBuildBody>;

/** How CreateChannel and UpdateChannel name an iteration: the first non-empty wins. */
const ITERATION_POINTER = {
  iteration_id: opt(Type.String({ pattern: `^(?:${PATTERNS.ulid.slice(1, -1)})?$` })),
  fingerprint: opt(AssignFingerprintSchema),
  incremental_version: opt(Type.Integer({ minimum: 0, maximum: 2147483647 })),
  restriction: opt(V2021Restriction),
};

/** Body of CreateChannel (`POST /images/{bucket_slug}/channels`). */
export const V2021CreateChannelBody = Closed({ slug: NameSchema, ...ITERATION_POINTER });
export type V2021CreateChannelBody = Static<typeof V2021CreateChannelBody>;

/** Body of UpdateChannel: without `mask`, the first non-empty of iteration_id, fingerprint, incremental_version. */
export const V2021UpdateChannelBody = Closed({
  ...ITERATION_POINTER,
  mask: opt(
    Type.String({
      maxLength: LIMITS.updateMask,
      description:
        'fields to change, comma-separated: iterationId, fingerprint, incrementalVersion, restriction',
    }),
  ),
});
export type V2021UpdateChannelBody = Static<typeof V2021UpdateChannelBody>;

// ---- query parameters ------------------------------------------------------

/** Query of GetBucket: `bucket_id` is accepted and ignored (the slug names the bucket). */
export const V2021GetBucketQuerystring = Closed({
  ...NoQuerystring.properties,
  bucket_id: opt(Text(LIMITS.shortId)),
});

/** Query of GetIteration: exactly how to find the iteration (the first non-empty wins). */
export const V2021GetIterationQuerystring = Closed({
  ...NoQuerystring.properties,
  iteration_id: opt(UlidSchema),
  fingerprint: opt(FingerprintSchema),
  incremental_version: opt(incrementalVersionQuery),
});
export type V2021GetIterationQuerystring = Static<typeof V2021GetIterationQuerystring>;

/** Query of DeleteIteration. */
export const V2021DeleteIterationQuerystring = Closed({
  ...NoQuerystring.properties,
  bucket_slug: opt(NameSchema),
  rollback_channels: opt(Type.String({ pattern: '^(?:true|false|1|0)$' })),
});
export type V2021DeleteIterationQuerystring = Static<typeof V2021DeleteIterationQuerystring>;

/** Query of DeleteRegistry. */
export const V2021DeleteRegistryQuerystring = Closed({
  ...NoQuerystring.properties,
  hard_delete: opt(Type.String({ pattern: '^(?:true|false|1|0)$' })),
});

/** Query of ListBucketAncestry. */
export const V2021AncestryQuerystring = Closed({
  ...LIST_QUERY_FIELDS,
  type: opt(V2021AncestryType),
  channel: opt(NameSchema),
  iteration_id: opt(UlidSchema),
  fingerprint: opt(FingerprintSchema),
  incremental_version: opt(incrementalVersionQuery),
});
export type V2021AncestryQuerystring = Static<typeof V2021AncestryQuerystring>;
