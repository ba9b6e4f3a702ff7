import { Type, type Static, type TString } from '@sinclair/typebox';
import { AncestryStatus, FeatureTier, TemplateType } from '../enums';
import { Model, ModelRef, Nullable, StringMap, type TModel } from '../kinds';
import { AncestrySummary, Location } from '../models';
import { V2021BuildStatus, V2021RevocationType } from './enums';

/*
 * Response models of the HCP Packer service 2021-04-30 (hcp-sdk-go v0.36.0's
 * `stable/2021-04-30/models`), as Imprint serves them over the same data as
 * 2023-01-01 (docs/reference/registry-api.md, "The 2021-04-30 API"). Each has
 * a `V2021…` `$id`, so both versions' models sit side by side in OpenAPI.
 * Location, Pagination, AncestrySummary, Operation and RpcStatus are
 * 2023-01-01's: the wire forms are the same.
 *
 * Two wire rules come from Go clients: `revoke_at` is omitted when unset
 * (strfmt parses `""` as 1970, which makes Packer's data sources call every
 * iteration revoked), and ints are JSON numbers except `iteration_count`.
 */

const str = Type.String;
const dateTime = (): TString => Type.String({ format: 'date-time' });
const opt = Type.Optional;
const int32 = (description?: string) =>
  Type.Integer({ format: 'int32', ...(description ? { description } : {}) });

/** The registry of a project (`GET /registry`): 2023-01-01's Registry with the 2021 config fields. */
export const V2021Registry = Model(
  {
    id: str(),
    location: ModelRef(Location),
    created_at: dateTime(),
    updated_at: dateTime(),
    config: Type.Object({ activated: Type.Boolean(), feature_tier: FeatureTier }),
  },
  { $id: 'V2021Registry', description: '2021-04-30: the registry of a project.' },
);
export type V2021Registry = Static<typeof V2021Registry>;

/** An image a build produced (2023-01-01: an artifact; `image_id` is its `external_identifier`). */
export const V2021Image = Model(
  { id: str(), image_id: str(), region: str(), created_at: dateTime() },
  { $id: 'V2021Image', description: '2021-04-30: an image (artifact) a build produced.' },
);
export type V2021Image = Static<typeof V2021Image>;

/**
 * A build (one component of an iteration). `status` and `images` are always
 * sent: Packer v1.9.4 dereferences `status` in CreateBuild and ListBuilds.
 */
export const V2021Build = Model(
  {
    id: str(),
    iteration_id: str(),
    component_type: str(),
    packer_run_uuid: str(),
    cloud_provider: str({ description: '2023-01-01: platform' }),
    status: V2021BuildStatus,
    labels: StringMap(),
    images: Type.Array(ModelRef(V2021Image)),
    source_image_id: str({ description: '2023-01-01: source_external_identifier' }),
    created_at: dateTime(),
    updated_at: dateTime(),
  },
  { $id: 'V2021Build', description: '2021-04-30: a build of an iteration.' },
);
export type V2021Build = Static<typeof V2021Build>;

/** The ancestor iteration an inherited revocation comes from. */
export const V2021RevocationInheritedFrom = Type.Object({
  bucket_slug: str(),
  href: str(),
  iteration_id: str(),
  iteration_fingerprint: str(),
  iteration_incremental_version: int32(),
});
export type V2021RevocationInheritedFrom = Static<typeof V2021RevocationInheritedFrom>;

/** The fields every iteration form shares (Iteration, BucketLatestIteration, IterationforList). */
const ITERATION_FIELDS = {
  id: str(),
  bucket_slug: str(),
  fingerprint: str(),
  incremental_version: int32('N of the 2023-01-01 name vN; 0 while incomplete'),
  complete: Type.Boolean({ description: 'true once every build is DONE (set by the registry)' }),
  author_id: str(),
  created_at: dateTime(),
  updated_at: dateTime(),
  revoke_at: opt(dateTime()),
  revocation_message: opt(str()),
  revocation_author: opt(str()),
  revocation_type: opt(V2021RevocationType),
  revocation_inherited_from: opt(V2021RevocationInheritedFrom),
};

/** An iteration (2023-01-01: a version, the same id and fingerprint), with its builds. */
export const V2021Iteration = Model(
  {
    ...ITERATION_FIELDS,
    builds: Type.Array(ModelRef(V2021Build)),
    has_descendants: Type.Boolean(),
    template_type: TemplateType,
  },
  { $id: 'V2021Iteration', description: '2021-04-30: an iteration (a version).' },
);
export type V2021Iteration = Static<typeof V2021Iteration>;

/** A bucket's latest iteration: an iteration without `has_descendants` and `template_type`. */
export const V2021BucketLatestIteration = Model(
  { ...ITERATION_FIELDS, builds: Type.Array(ModelRef(V2021Build)) },
  { $id: 'V2021BucketLatestIteration', description: "2021-04-30: a bucket's latest iteration." },
);
export type V2021BucketLatestIteration = Static<typeof V2021BucketLatestIteration>;

/** An iteration in ListIterations: no builds, their statuses by component type instead. */
export const V2021IterationforList = Model(
  {
    ...ITERATION_FIELDS,
    build_statuses: StringMap({ description: 'component_type → build status' }),
  },
  { $id: 'V2021IterationforList', description: '2021-04-30: an iteration in a list.' },
);
export type V2021IterationforList = Static<typeof V2021IterationforList>;

/** A bucket (2023-01-01: the same bucket; `slug` is its `name`). */
export const V2021Bucket = Model(
  {
    id: str(),
    slug: str(),
    description: str(),
    labels: StringMap(),
    location: ModelRef(Location),
    created_at: dateTime(),
    updated_at: dateTime(),
    latest_version: int32('incremental version of the iteration on the latest channel'),
    latest_iteration: opt(ModelRef(V2021BucketLatestIteration)),
    iteration_count: str({ description: 'a decimal number, as in the HCP API' }),
    platforms: Type.Array(str()),
    parents: ModelRef(AncestrySummary),
    children: ModelRef(AncestrySummary),
  },
  { $id: 'V2021Bucket', description: '2021-04-30: a bucket (an image lineage).' },
);
export type V2021Bucket = Static<typeof V2021Bucket>;

/** A channel (2023-01-01: the same channel; `slug` is its `name`) with its full iteration. */
export const V2021Channel = Model(
  {
    id: str(),
    slug: str(),
    bucket_slug: str(),
    author_id: str(),
    created_at: dateTime(),
    updated_at: dateTime(),
    managed: Type.Boolean(),
    restricted: Type.Boolean(),
    iteration: Nullable(V2021Iteration),
  },
  { $id: 'V2021Channel', description: '2021-04-30: a channel and the iteration it points at.' },
);
export type V2021Channel = Static<typeof V2021Channel>;

/** The compact iteration of channel history and ancestry. */
export const V2021ChannelIteration = Model(
  { id: str(), fingerprint: str(), incremental_version: int32() },
  { $id: 'V2021ChannelIteration', description: '2021-04-30: an iteration, compact form.' },
);
export type V2021ChannelIteration = Static<typeof V2021ChannelIteration>;

/** One entry of a channel's history (current spec; v0.36.0 has no ListChannelHistory). */
export const V2021ChannelAssignment = Model(
  {
    author_id: str(),
    promoted_at: dateTime(),
    iteration: Nullable(V2021ChannelIteration),
  },
  { $id: 'V2021ChannelAssignment', description: '2021-04-30: a channel history entry.' },
);
export type V2021ChannelAssignment = Static<typeof V2021ChannelAssignment>;

/** One parent → child relation of ListBucketAncestry. */
export const V2021BucketAncestry = Model(
  {
    parent: opt(
      Type.Object({
        bucket_slug: str(),
        channel: str(),
        channel_iteration: Nullable(V2021ChannelIteration),
        iteration_id: str(),
        iteration_fingerprint: str(),
        iteration_incremental_version: int32(),
      }),
    ),
    child: opt(
      Type.Object({
        bucket_slug: str(),
        iteration_id: str(),
        iteration_fingerprint: str(),
        iteration_incremental_version: int32(),
      }),
    ),
    status: AncestryStatus,
  },
  { $id: 'V2021BucketAncestry', description: '2021-04-30: a parent-child relation.' },
);
export type V2021BucketAncestry = Static<typeof V2021BucketAncestry>;

/** Every 2021-04-30 response model, each after the models it references (2023's first). */
export const V2021_RESPONSE_MODELS: readonly TModel[] = [
  V2021Registry,
  V2021Image,
  V2021Build,
  V2021Iteration,
  V2021BucketLatestIteration,
  V2021IterationforList,
  V2021Bucket,
  V2021Channel,
  V2021ChannelIteration,
  V2021ChannelAssignment,
  V2021BucketAncestry,
];
