import { Type, type Static, type TString } from '@sinclair/typebox';
import { ROLES } from '../roles';
import { AuditEvent } from './audit-event';
import {
  AncestryStatus,
  BuildStatus,
  FeatureTier,
  OperationState,
  RevocationType,
  RoleSchema,
  TemplateType,
  VersionStatus,
} from './enums';
import {
  FreeObject,
  Model,
  ModelRef,
  Nullable,
  StringEnum,
  StringMap,
  Typed,
  type TModel,
} from './kinds';
import { Webhook, WebhookDelivery } from './webhooks';
import {
  ChannelVulnerabilityCount,
  CriticalityCount,
  ImpactedBuild,
  ImpactedChannel,
  ImpactedPackage,
  Package,
  PackageSearchHit,
  PackageVulnerabilityCount,
  Sbom,
  Vulnerability,
  VulnerabilityDetails,
  VulnerabilityWithImpacts,
} from './supply-chain-models';

export * from './supply-chain-models';

/*
 * Response models of the HCP Packer registry API, 2023-01-01, as Imprint's
 * registry serves them (docs/reference/registry-api.md). Each has
 * an `$id`: the registry registers it once and references it, and it is a
 * component of the OpenAPI document. Required and optional fields are those
 * of the static types; the registry serialises every field as optional.
 * Timestamps are RFC 3339 strings; ids are ULIDs.
 */

const str = Type.String;
const dateTime = (): TString => Type.String({ format: 'date-time' });
const opt = Type.Optional;

/** `google.rpc.Status`: the body of every error response. */
export const RpcStatus = Model(
  {
    code: Type.Integer({ description: 'gRPC status code (3, 5, 6, 7, 9, 10, 13, 16, ...)' }),
    message: str(),
    details: Typed<unknown[]>(
      Type.Array(
        Type.Object({ '@type': opt(str()), reason: opt(str()) }, { additionalProperties: true }),
      ),
    ),
  },
  { $id: 'RpcStatus', description: 'google.rpc.Status: the body of every error response.' },
);
export type RpcStatus = Static<typeof RpcStatus>;

/** Page tokens of a list response; an empty or absent `next_page_token` means last page. */
export const Pagination = Model(
  { next_page_token: opt(str()), previous_page_token: opt(str()) },
  { $id: 'Pagination', description: 'Page tokens of a list response.' },
);
export type Pagination = Static<typeof Pagination>;

/** Where a resource lives: `location` of registries and buckets. */
export const Location = Model(
  {
    organization_id: str(),
    project_id: str(),
    region: opt(Type.Object({ provider: str(), region: str() })),
  },
  { $id: 'Location', description: 'Where a resource lives.' },
);
export type Location = Static<typeof Location>;

/** `parents` / `children` summary of a bucket or version: worst status of its relations. */
export const AncestrySummary = Model(
  {
    href: str(),
    status: AncestryStatus,
    /**
     * Imprint extension: whether there is any relation at all. Without one the
     * status is UNDETERMINED as on HCP, which a person would read as "unknown"
     * rather than "none"; HCP does not send it.
     */
    has_relations: Type.Optional(
      Type.Boolean({
        description:
          'Imprint extension: false when there is no relation (the status is then UNDETERMINED)',
      }),
    ),
  },
  { $id: 'AncestrySummary', description: 'Ancestry status of parents or children.' },
);
export type AncestrySummary = Static<typeof AncestrySummary>;

/** The registry of a project (`GET /registry`). */
export const Registry = Model(
  {
    id: str(),
    location: ModelRef(Location),
    created_at: dateTime(),
    updated_at: dateTime(),
    config: Type.Object({ activated: Type.Boolean(), feature_tier: FeatureTier }),
  },
  { $id: 'Registry', description: 'The registry of a project.' },
);
export type Registry = Static<typeof Registry>;

/** One produced image (formerly *image*): e.g. an AMI id in a region. */
export const Artifact = Model(
  { id: str(), external_identifier: str(), region: str(), created_at: dateTime() },
  { $id: 'Artifact', description: 'An artifact (image) a build produced.' },
);
export type Artifact = Static<typeof Artifact>;

/** Free-form `metadata` of a build (`packer`, `vcs`, `cicd`, …). */
export interface BuildMetadata {
  packer?: Record<string, unknown>;
  vcs?: Record<string, unknown>;
  cicd?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One build (one Packer source) of a version, with its artifacts. */
export const Build = Model(
  {
    id: str(),
    version_id: str(),
    component_type: str(),
    platform: str(),
    status: BuildStatus,
    packer_run_uuid: str(),
    labels: StringMap(),
    source_external_identifier: str(),
    artifacts: Type.Array(ModelRef(Artifact)),
    metadata: FreeObject<BuildMetadata>({ additionalProperties: true }),
    created_at: dateTime(),
    updated_at: dateTime(),
  },
  { $id: 'Build', description: 'One component of a version.' },
);
export type Build = Static<typeof Build>;

/** The ancestor version an inherited revocation comes from. */
export const RevocationInheritedFrom = Type.Object({
  bucket_name: str(),
  href: str(),
  version_fingerprint: str(),
  version_id: str(),
  version_name: str(),
});
export type RevocationInheritedFrom = Static<typeof RevocationInheritedFrom>;

/** The revocation fields of a version, also shown in search hits. */
const REVOCATION_FIELDS = {
  revoke_at: opt(dateTime()),
  revocation_message: opt(str()),
  revocation_author: opt(str()),
  revocation_type: opt(RevocationType),
  revocation_inherited_from: opt(RevocationInheritedFrom),
};

const VERSION_FIELDS = {
  id: str(),
  bucket_name: str(),
  fingerprint: str(),
  /** `v0` until every build is `BUILD_DONE`, then `v1`, `v2`, … */
  name: str(),
  status: VersionStatus,
  template_type: TemplateType,
  author_id: str(),
  builds: Type.Array(ModelRef(Build)),
  created_at: dateTime(),
  updated_at: dateTime(),
  has_descendants: Type.Boolean(),
  parents: ModelRef(AncestrySummary),
  ...REVOCATION_FIELDS,
};

/** A version of a bucket (formerly *iteration*), identified by its fingerprint. */
export const Version = Model(VERSION_FIELDS, {
  $id: 'Version',
  description: 'A version (formerly iteration): v0 until every build is done.',
});
export type Version = Static<typeof Version>;

/** A bucket: one image (artifact) lineage, e.g. `ubuntu-base`. */
export const Bucket = Model(
  {
    id: str(),
    name: str(),
    description: str(),
    labels: StringMap(),
    location: ModelRef(Location),
    /** `packer/project/<project-id>/bucket/<bucket-name>` */
    resource_name: str(),
    created_at: dateTime(),
    updated_at: dateTime(),
    /** The version currently on the managed `latest` channel, if any. */
    latest_version: Nullable(Version),
    platforms: Type.Array(str()),
    /** A string, as in the API. */
    version_count: str({ description: 'a decimal number, as in the HCP API' }),
    parents: ModelRef(AncestrySummary),
    children: ModelRef(AncestrySummary),
  },
  { $id: 'Bucket', description: 'A bucket of versions.' },
);
export type Bucket = Static<typeof Bucket>;

/** Compact version reference used in channel history and ancestry. */
export const ChannelVersion = Model(
  { fingerprint: str(), id: str(), name: str() },
  {
    $id: 'ChannelVersion',
    description: 'The compact version form used by history and ancestry.',
  },
);
export type ChannelVersion = Static<typeof ChannelVersion>;

/** A named pointer to a version of a bucket (`latest` is managed by the registry). */
export const Channel = Model(
  {
    id: str(),
    name: str(),
    bucket_name: str(),
    author_id: str(),
    created_at: dateTime(),
    updated_at: dateTime(),
    managed: Type.Boolean(),
    restricted: Type.Boolean(),
    version: Nullable(Version),
  },
  { $id: 'Channel', description: 'A named pointer to a version.' },
);
export type Channel = Static<typeof Channel>;

/** One entry of a channel's assignment history. */
export const ChannelAssignment = Model(
  { assigned_at: dateTime(), author_id: str(), version: Nullable(ChannelVersion) },
  { $id: 'ChannelAssignment', description: 'One entry of a channel assignment history.' },
);
export type ChannelAssignment = Static<typeof ChannelAssignment>;

/** The parent side of an ancestry relation. */
export const AncestryParent = Model(
  {
    bucket_name: str(),
    channel_name: str(),
    channel_version: Nullable(ChannelVersion),
    version_fingerprint: str(),
    version_id: str(),
    version_name: str(),
  },
  { $id: 'AncestryParent', description: 'The parent side of an ancestry relation.' },
);
export type AncestryParent = Static<typeof AncestryParent>;

/** The child side of an ancestry relation. */
export const AncestryChild = Model(
  { bucket_name: str(), version_fingerprint: str(), version_id: str(), version_name: str() },
  { $id: 'AncestryChild', description: 'The child side of an ancestry relation.' },
);
export type AncestryChild = Static<typeof AncestryChild>;

/** One parent → child relation. `inferred` is Imprint's: the link came from a source image id. */
export const BucketAncestry = Model(
  {
    parent: opt(ModelRef(AncestryParent)),
    child: opt(ModelRef(AncestryChild)),
    status: AncestryStatus,
    inferred: opt(
      Type.Boolean({
        description: 'Imprint extension: the link was inferred from a source image id',
      }),
    ),
  },
  { $id: 'BucketAncestry', description: 'A parent-child relation.' },
);
export type BucketAncestry = Static<typeof BucketAncestry>;

/** One hit of SearchExternalArtifact: where an external id (e.g. an AMI) came from. */
export const ExternalArtifactMatch = Model(
  {
    bucket: Type.Object({ id: str(), name: str(), labels: StringMap() }),
    build: ModelRef(Build),
    version: Type.Object({
      id: VERSION_FIELDS.id,
      name: VERSION_FIELDS.name,
      fingerprint: VERSION_FIELDS.fingerprint,
      author_id: VERSION_FIELDS.author_id,
      status: VERSION_FIELDS.status,
      ...REVOCATION_FIELDS,
    }),
  },
  {
    $id: 'ExternalArtifactMatch',
    description: 'A search hit: which bucket/version/build made an artifact.',
  },
);
export type ExternalArtifactMatch = Static<typeof ExternalArtifactMatch>;

/** The long-running operation UpdateVersion returns. */
export const Operation = Model(
  { id: str(), state: OperationState },
  { $id: 'Operation', description: 'A long-running operation (descendant revocation).' },
);
export type Operation = Static<typeof Operation>;

/** A resource-manager organization (`/resource-manager/2019-12-10/organizations`). */
export const Organization = Model(
  { id: str(), name: str(), state: str(), created_at: dateTime() },
  {
    $id: 'Organization',
    description: 'Resource manager: the organization this registry serves.',
  },
);
export type Organization = Static<typeof Organization>;

/** A resource-manager project (`/resource-manager/2019-12-10/projects`). */
export const Project = Model(
  {
    id: str(),
    name: str(),
    description: str(),
    parent: Type.Object({ type: Typed<'ORGANIZATION'>(str()), id: str() }),
    state: str(),
    created_at: dateTime(),
  },
  { $id: 'Project', description: 'Resource manager: the project this registry serves.' },
);
export type Project = Static<typeof Project>;

/** A service principal as the admin API shows it (`/imprint/v1/principals`). */
export const Principal = Model(
  {
    id: str({ description: 'ULID; also the OAuth client id' }),
    name: str(),
    role: RoleSchema,
    created_at: dateTime(),
  },
  {
    $id: 'Principal',
    description: 'A service principal (client credentials with a role).',
  },
);
export type Principal = Static<typeof Principal>;

/** Response of `GET /iam/2019-12-10/caller-identity`: who the credentials are. */
export const CallerIdentity = Model(
  {
    principal: Type.Object({
      /** Principal id (ULID), or `anonymous` in the registry's embedded loopback mode. */
      id: str(),
      type: StringEnum(['PRINCIPAL_TYPE_SERVICE']),
      service: Type.Object({ id: str(), name: str(), role: StringEnum(ROLES) }),
    }),
  },
  { $id: 'CallerIdentity' },
);
export type CallerIdentity = Static<typeof CallerIdentity>;

/** Response of `POST /oauth2/token` (client-credentials grant). */
export const TokenResponse = Model(
  {
    access_token: str(),
    token_type: StringEnum(['Bearer']),
    expires_in: Type.Integer({ description: 'seconds' }),
  },
  { $id: 'TokenResponse' },
);
export type TokenResponse = Static<typeof TokenResponse>;

/** Every response model, each after the models it references. */
export const RESPONSE_MODELS: readonly TModel[] = [
  RpcStatus,
  Pagination,
  Location,
  AncestrySummary,
  Registry,
  Artifact,
  Build,
  Sbom,
  Vulnerability,
  VulnerabilityDetails,
  Package,
  PackageSearchHit,
  ImpactedBuild,
  ImpactedChannel,
  ImpactedPackage,
  VulnerabilityWithImpacts,
  CriticalityCount,
  ChannelVulnerabilityCount,
  PackageVulnerabilityCount,
  Version,
  Bucket,
  ChannelVersion,
  Channel,
  ChannelAssignment,
  AncestryParent,
  AncestryChild,
  BucketAncestry,
  ExternalArtifactMatch,
  Operation,
  Organization,
  Project,
  Principal,
  CallerIdentity,
  TokenResponse,
  AuditEvent,
  Webhook,
  WebhookDelivery,
];
