/**
 * Wire types of the HCP Packer registry API, 2023-01-01 (as Imprint's registry
 * serves it). Field names, enum values and shapes are exactly those of the
 * public API; see ../../../../shared/reference/hcp-packer-registry.md §1.
 * Timestamps are RFC 3339 strings; ids are ULIDs.
 */

/** `google.rpc.Status`: the body of every error response. */
export interface RpcStatus {
  code: number;
  message: string;
  details: unknown[];
}

export interface Pagination {
  next_page_token?: string;
  previous_page_token?: string;
}

export interface ListOptions {
  /** `pagination.page_size` */
  pageSize?: number;
  /** `pagination.next_page_token` from the previous page. */
  nextPageToken?: string;
  /** `sorting.order_by`, e.g. `['name', 'created_at desc']`. */
  orderBy?: string[];
}

export interface Location {
  organization_id: string;
  project_id: string;
  region?: { provider: string; region: string };
}

export type FeatureTier = 'UNSET' | 'STANDARD' | 'PLUS';

export interface Registry {
  id: string;
  location: Location;
  created_at: string;
  updated_at: string;
  config: { activated: boolean; feature_tier: FeatureTier };
}

export type AncestryStatus = 'UNDETERMINED' | 'UP_TO_DATE' | 'OUT_OF_DATE';

export interface AncestrySummary {
  href: string;
  status: AncestryStatus;
}

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

export type VersionStatus =
  | 'VERSION_UNSET'
  | 'VERSION_RUNNING'
  | 'VERSION_CANCELLED'
  | 'VERSION_FAILED'
  | 'VERSION_REVOKED'
  | 'VERSION_REVOCATION_SCHEDULED'
  | 'VERSION_ACTIVE'
  | 'VERSION_INCOMPLETE';

export type TemplateType = 'TEMPLATE_TYPE_UNSET' | 'HCL2' | 'JSON';

export type RevocationType = 'REVOCATION_TYPE_UNSET' | 'MANUAL' | 'INHERITED';

export interface RevocationInheritedFrom {
  bucket_name: string;
  href: string;
  version_fingerprint: string;
  version_id: string;
  version_name: string;
}

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

export type BuildStatus = 'BUILD_UNSET' | 'BUILD_RUNNING' | 'BUILD_DONE' | 'BUILD_CANCELLED' | 'BUILD_FAILED';

export interface Artifact {
  id: string;
  external_identifier: string;
  region: string;
  created_at: string;
}

export interface BuildMetadata {
  packer?: Record<string, unknown>;
  vcs?: Record<string, unknown>;
  cicd?: Record<string, unknown>;
  [key: string]: unknown;
}

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

export interface ChannelVersion {
  fingerprint: string;
  id: string;
  name: string;
}

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

export interface ChannelAssignment {
  assigned_at: string;
  author_id: string;
  version: ChannelVersion | null;
}

export interface AncestryParent {
  bucket_name: string;
  channel_name: string;
  channel_version: ChannelVersion | null;
  version_fingerprint: string;
  version_id: string;
  version_name: string;
}

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

export type AncestryType = 'ANCESTRY_TYPE_UNSET' | 'ANCESTRY_TYPE_PARENTS' | 'ANCESTRY_TYPE_CHILDREN';

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

export interface Organization {
  id: string;
  name: string;
  state: string;
  created_at: string;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  parent: { type: 'ORGANIZATION'; id: string };
  state: string;
  created_at: string;
}

// ---- request bodies -------------------------------------------------------

export interface CreateBucketBody {
  name: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface UpdateBucketBody {
  description?: string;
  labels?: Record<string, string>;
  platforms?: string[];
}

export interface CreateVersionBody {
  fingerprint: string;
  template_type?: TemplateType;
}

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

export interface ArtifactInput {
  external_identifier: string;
  region: string;
}

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

export interface CreateChannelBody {
  name: string;
  restricted?: boolean;
  version_fingerprint?: string;
}

export interface UpdateChannelBody {
  restricted?: boolean;
  /** Empty string unassigns. */
  version_fingerprint?: string;
  /** `versionFingerprint`, `restricted`, or both comma-separated (lower camel). */
  update_mask: string;
}

export interface AssignChannelBody {
  source_channel: string;
  target_channel: string;
}

export interface SearchExternalArtifactBody {
  external_identifier: string;
  platform?: string;
  region?: string;
}

// ---- responses -------------------------------------------------------------

export interface ListBucketsResponse {
  buckets: Bucket[];
  pagination: Pagination;
}
export interface ListVersionsResponse {
  versions: Version[];
  pagination: Pagination;
}
export interface ListBuildsResponse {
  builds: Build[];
  pagination: Pagination;
}
export interface ListChannelsResponse {
  channels: Channel[];
  pagination: Pagination;
}
export interface ListChannelHistoryResponse {
  count: number;
  history: ChannelAssignment[];
  pagination: Pagination;
}
export interface ListBucketAncestryResponse {
  relations: BucketAncestry[];
  total_count: number;
  pagination: Pagination;
}
export interface SearchExternalArtifactResponse {
  artifacts: ExternalArtifactMatch[];
}
/** The long-running operation UpdateVersion returns. */
export interface Operation {
  id: string;
  state: 'PENDING' | 'RUNNING' | 'DONE';
}
export interface UpdateVersionResponse {
  version: Version;
  operation?: Operation;
}
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}
