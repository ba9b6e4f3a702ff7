/**
 * Wire types of the HCP Packer registry API, 2023-01-01 (as Imprint's registry
 * serves it). Field names, enum values and shapes are exactly those of the
 * public API; see ../../../../shared/reference/hcp-packer-registry.md §1.
 * Timestamps are RFC 3339 strings; ids are ULIDs.
 */

import type { Role } from './roles';

/** `google.rpc.Status`: the body of every error response. */
export interface RpcStatus {
  code: number;
  message: string;
  details: unknown[];
}

/** Page tokens of a list response; an empty or absent `next_page_token` means last page. */
export interface Pagination {
  next_page_token?: string;
  previous_page_token?: string;
}

/** Client-side list parameters, sent as `pagination.*` / `sorting.order_by` query parameters. */
export interface ListOptions {
  /** `pagination.page_size` */
  pageSize?: number;
  /** `pagination.next_page_token` from the previous page. */
  nextPageToken?: string;
  /** `pagination.previous_page_token`, to page backwards. */
  previousPageToken?: string;
  /** `sorting.order_by`, e.g. `['name', 'created_at desc']`. */
  orderBy?: string[];
}

/** Where a resource lives: `location` of registries and buckets. */
export interface Location {
  organization_id: string;
  project_id: string;
  region?: { provider: string; region: string };
}

/** `config.feature_tier` of a registry. */
export type FeatureTier = 'UNSET' | 'STANDARD' | 'PLUS';

/** The registry of a project (`GET /registry`). */
export interface Registry {
  id: string;
  location: Location;
  created_at: string;
  updated_at: string;
  config: { activated: boolean; feature_tier: FeatureTier };
}

/** Whether a child was built from the version currently on its parent channel. */
export type AncestryStatus = 'UNDETERMINED' | 'UP_TO_DATE' | 'OUT_OF_DATE';

/** `parents` / `children` summary of a bucket or version: worst status of its relations. */
export interface AncestrySummary {
  href: string;
  status: AncestryStatus;
}

/** A bucket: one image (artifact) lineage, e.g. `ubuntu-base`. */
export interface Bucket {
  id: string;
  name: string;
  description: string;
  labels: Record<string, string>;
  location: Location;
  /** `packer/project/<project-id>/bucket/<bucket-name>` */
  resource_name: string;
  created_at: string;
  updated_at: string;
  /** The version currently on the managed `latest` channel, if any. */
  latest_version: Version | null;
  platforms: string[];
  /** A string, as in the API. */
  version_count: string;
  parents: AncestrySummary;
  children: AncestrySummary;
}

/** `status` of a version. */
export type VersionStatus =
  | 'VERSION_UNSET'
  | 'VERSION_RUNNING'
  | 'VERSION_CANCELLED'
  | 'VERSION_FAILED'
  | 'VERSION_REVOKED'
  | 'VERSION_REVOCATION_SCHEDULED'
  | 'VERSION_ACTIVE'
  | 'VERSION_INCOMPLETE';

/** `template_type` of a version: the kind of Packer template that created it. */
export type TemplateType = 'TEMPLATE_TYPE_UNSET' | 'HCL2' | 'JSON';

/** `revocation_type`: revoked by hand, or inherited from a revoked ancestor. */
export type RevocationType = 'REVOCATION_TYPE_UNSET' | 'MANUAL' | 'INHERITED';

/** The ancestor version an inherited revocation comes from. */
export interface RevocationInheritedFrom {
  bucket_name: string;
  href: string;
  version_fingerprint: string;
  version_id: string;
  version_name: string;
}

/** A version of a bucket (formerly *iteration*), identified by its fingerprint. */
export interface Version {
  id: string;
  bucket_name: string;
  fingerprint: string;
  /** `v0` until every build is `BUILD_DONE`, then `v1`, `v2`, … */
  name: string;
  status: VersionStatus;
  template_type: TemplateType;
  author_id: string;
  builds: Build[];
  created_at: string;
  updated_at: string;
  has_descendants: boolean;
  parents: AncestrySummary;
  revoke_at?: string;
  revocation_message?: string;
  revocation_author?: string;
  revocation_type?: RevocationType;
  revocation_inherited_from?: RevocationInheritedFrom;
}

/** `status` of a build. */
export type BuildStatus =
  'BUILD_UNSET' | 'BUILD_RUNNING' | 'BUILD_DONE' | 'BUILD_CANCELLED' | 'BUILD_FAILED';

/** One produced image (formerly *image*): e.g. an AMI id in a region. */
export interface Artifact {
  id: string;
  external_identifier: string;
  region: string;
  created_at: string;
}

/** Free-form `metadata` of a build (`packer`, `vcs`, `cicd`, …). */
export interface BuildMetadata {
  packer?: Record<string, unknown>;
  vcs?: Record<string, unknown>;
  cicd?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One build (one Packer source) of a version, with its artifacts. */
export interface Build {
  id: string;
  version_id: string;
  component_type: string;
  platform: string;
  status: BuildStatus;
  packer_run_uuid: string;
  labels: Record<string, string>;
  source_external_identifier: string;
  artifacts: Artifact[];
  metadata: BuildMetadata;
  created_at: string;
  updated_at: string;
}

/** Compact version reference used in channel history and ancestry. */
export interface ChannelVersion {
  fingerprint: string;
  id: string;
  name: string;
}

/** A named pointer to a version of a bucket (`latest` is managed by the registry). */
export interface Channel {
  id: string;
  name: string;
  bucket_name: string;
  author_id: string;
  created_at: string;
  updated_at: string;
  managed: boolean;
  restricted: boolean;
  version: Version | null;
}

/** One entry of a channel's assignment history. */
export interface ChannelAssignment {
  assigned_at: string;
  author_id: string;
  version: ChannelVersion | null;
}

/** The parent side of an ancestry relation. */
export interface AncestryParent {
  bucket_name: string;
  channel_name: string;
  channel_version: ChannelVersion | null;
  version_fingerprint: string;
  version_id: string;
  version_name: string;
}

/** The child side of an ancestry relation. */
export interface AncestryChild {
  bucket_name: string;
  version_fingerprint: string;
  version_id: string;
  version_name: string;
}

/** One parent → child relation. `inferred` is Imprint's: the link came from a source image id. */
export interface BucketAncestry {
  parent?: AncestryParent;
  child?: AncestryChild;
  status: AncestryStatus;
  inferred?: boolean;
}

/** `type` filter of ListBucketAncestry. */
export type AncestryType =
  'ANCESTRY_TYPE_UNSET' | 'ANCESTRY_TYPE_PARENTS' | 'ANCESTRY_TYPE_CHILDREN';

/** One hit of SearchExternalArtifact: where an external id (e.g. an AMI) came from. */
export interface ExternalArtifactMatch {
  bucket: { id: string; name: string; labels: Record<string, string> };
  build: Build;
  version: Pick<
    Version,
    | 'id'
    | 'name'
    | 'fingerprint'
    | 'author_id'
    | 'status'
    | 'revoke_at'
    | 'revocation_message'
    | 'revocation_author'
    | 'revocation_type'
    | 'revocation_inherited_from'
  >;
}

/** Response of `GET /iam/2019-12-10/caller-identity`: who the credentials are. */
export interface CallerIdentity {
  principal: {
    /** Principal id (ULID), or `anonymous` in the registry's embedded loopback mode. */
    id: string;
    type: 'PRINCIPAL_TYPE_SERVICE';
    service: { id: string; name: string; role: Role };
  };
}

/** A resource-manager organization (`/resource-manager/2019-12-10/organizations`). */
export interface Organization {
  id: string;
  name: string;
  state: string;
  created_at: string;
}

/** A resource-manager project (`/resource-manager/2019-12-10/projects`). */
export interface Project {
  id: string;
  name: string;
  description: string;
  parent: { type: 'ORGANIZATION'; id: string };
  state: string;
  created_at: string;
}

// ---- request bodies -------------------------------------------------------

/** Body of CreateBucket (`PUT /buckets`). */
export interface CreateBucketBody {
  name: string;
  description?: string;
  labels?: Record<string, string>;
}

/** Body of UpdateBucket (`PATCH /buckets/{bucket}`). */
export interface UpdateBucketBody {
  description?: string;
  labels?: Record<string, string>;
  platforms?: string[];
}

/** Body of CreateVersion (`POST /buckets/{bucket}/versions`). */
export interface CreateVersionBody {
  fingerprint: string;
  template_type?: TemplateType;
}

/** Body of UpdateVersion: revoke, schedule, restore or complete. Send `revoke_at` or `revoke_in`, not both. */
export interface UpdateVersionBody {
  complete?: boolean;
  /** RFC 3339; now or past = immediate, future = scheduled. */
  revoke_at?: string;
  /** Signed duration: `0s`, `90m`, `12h`, `7d`. */
  revoke_in?: string;
  revocation_message?: string;
  skip_descendants_revocation?: boolean;
  disable_rollback_channels?: boolean;
  restore?: boolean;
}

/** An artifact as sent in CreateBuild / UpdateBuild. */
export interface ArtifactInput {
  external_identifier: string;
  region: string;
}

/** Body of CreateBuild (`POST …/versions/{fingerprint}/builds`). */
export interface CreateBuildBody {
  component_type: string;
  status?: BuildStatus;
  platform?: string;
  packer_run_uuid?: string;
  labels?: Record<string, string>;
  source_external_identifier?: string;
  artifacts?: ArtifactInput[];
  parent_version_id?: string;
  parent_channel_id?: string;
}

/** Body of UpdateBuild (`PATCH …/builds/{build_id}`): status, heartbeat, artifacts, parents, metadata. */
export interface UpdateBuildBody {
  status?: BuildStatus;
  platform?: string;
  packer_run_uuid?: string;
  labels?: Record<string, string>;
  source_external_identifier?: string;
  artifacts?: ArtifactInput[];
  parent_version_id?: string;
  parent_channel_id?: string;
  metadata?: BuildMetadata;
}

/** Body of CreateChannel (`POST /buckets/{bucket}/channels`). */
export interface CreateChannelBody {
  name: string;
  restricted?: boolean;
  version_fingerprint?: string;
}

/** Body of UpdateChannel (`PATCH /buckets/{bucket}/channels/{channel}`). */
export interface UpdateChannelBody {
  restricted?: boolean;
  /** Empty string unassigns. */
  version_fingerprint?: string;
  /** `versionFingerprint`, `restricted`, or both comma-separated (lower camel). */
  update_mask: string;
}

/** Body of AssignChannelVersion: copy `source_channel`'s version to `target_channel`. */
export interface AssignChannelBody {
  source_channel: string;
  target_channel: string;
}

/** Body of SearchExternalArtifact (`POST /_search/external_artifact`). */
export interface SearchExternalArtifactBody {
  external_identifier: string;
  platform?: string;
  region?: string;
}

// ---- responses -------------------------------------------------------------

/** Response of ListBuckets. */
export interface ListBucketsResponse {
  buckets: Bucket[];
  pagination: Pagination;
}
/** Response of ListVersions. */
export interface ListVersionsResponse {
  versions: Version[];
  pagination: Pagination;
}
/** Response of ListBuilds. */
export interface ListBuildsResponse {
  builds: Build[];
  pagination: Pagination;
}
/** Response of ListChannels. */
export interface ListChannelsResponse {
  channels: Channel[];
  pagination: Pagination;
}
/** Response of ListChannelAssignmentHistory. */
export interface ListChannelHistoryResponse {
  count: number;
  history: ChannelAssignment[];
  pagination: Pagination;
}
/** Response of ListBucketAncestry. */
export interface ListBucketAncestryResponse {
  relations: BucketAncestry[];
  total_count: number;
  pagination: Pagination;
}
/** Response of SearchExternalArtifact. */
export interface SearchExternalArtifactResponse {
  artifacts: ExternalArtifactMatch[];
}
/** The long-running operation UpdateVersion returns. */
export interface Operation {
  id: string;
  state: 'PENDING' | 'RUNNING' | 'DONE';
}
/** Response of UpdateVersion: the version, and the operation revoking descendants if any. */
export interface UpdateVersionResponse {
  version: Version;
  operation?: Operation;
}
/** Response of `POST /oauth2/token` (client-credentials grant). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

// ---- responses of single-resource operations ---------------------------------

/** Response of GetRegistry. */
export interface GetRegistryResponse {
  registry: Registry;
}
/** Response of GetBucket, CreateBucket and UpdateBucket. */
export interface BucketResponse {
  bucket: Bucket;
}
/** Response of GetVersion and CreateVersion. */
export interface VersionResponse {
  version: Version;
}
/** Response of GetBuild, CreateBuild and UpdateBuild. */
export interface BuildResponse {
  build: Build;
}
/** Response of GetChannel, CreateChannel and UpdateChannel. */
export interface ChannelResponse {
  channel: Channel;
}
/** Response of AssignChannelVersion (all fields optional, as in the API). */
export interface AssignChannelVersionResponse {
  /** The version fingerprint that was assigned. */
  fingerprint?: string;
  source_channel?: Channel;
  target_channel?: Channel;
  version?: Version;
}

// ---- resource manager 2019-12-10 ------------------------------------------------

/** Response of `GET /resource-manager/2019-12-10/organizations`. */
export interface ListOrganizationsResponse {
  organizations: Organization[];
  pagination?: Pagination;
}
/** Response of `GET /resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=…`. */
export interface ListProjectsResponse {
  projects: Project[];
  pagination?: Pagination;
}
