import {
  Type,
  type Static,
  type TArray,
  type TObject,
  type TProperties,
  type TUnsafe,
} from '@sinclair/typebox';
import { ModelRef, Nullable, type TModel } from './kinds';
import {
  Build,
  Bucket,
  BucketAncestry,
  Channel,
  ChannelAssignment,
  ChannelVulnerabilityCount,
  CriticalityCount,
  ExternalArtifactMatch,
  Operation,
  Organization,
  Package,
  PackageSearchHit,
  PackageVulnerabilityCount,
  Pagination,
  Project,
  Registry,
  Sbom,
  Version,
  VulnerabilityWithImpacts,
} from './models';

/*
 * Response bodies: the list and wrapped shapes around the models. Property
 * order is the order the registry serialises them in.
 */

/** `{ <key>: <Model> }`, the wrapped single-resource response HCP uses. */
export function Wrapped<const Key extends string, Model extends TModel>(
  key: Key,
  model: Model,
): TObject<{ [K in Key]: TUnsafe<Static<Model>> }> {
  return Type.Object({ [key]: ModelRef(model) } as { [K in Key]: TUnsafe<Static<Model>> });
}

const pagination = ModelRef(Pagination);

/** A list response: `{ <key>: <Model>[], pagination, ...extra }`. */
export function ListOf<
  const Key extends string,
  Model extends TModel,
  Extra extends TProperties = Record<never, never>,
>(
  key: Key,
  model: Model,
  extra: Extra = {} as Extra,
): TObject<
  { [K in Key]: TArray<TUnsafe<Static<Model>>> } & { pagination: typeof pagination } & Extra
> {
  const items = { [key]: Type.Array(ModelRef(model)) } as {
    [K in Key]: TArray<TUnsafe<Static<Model>>>;
  };
  return Type.Object({ ...items, pagination, ...extra });
}

/** Response of ListBuckets. */
export const ListBucketsResponse = ListOf('buckets', Bucket);
/** Response of ListVersions. */
export const ListVersionsResponse = ListOf('versions', Version);
/** Response of ListBuilds. */
export const ListBuildsResponse = ListOf('builds', Build);
/** Response of ListChannels. */
export const ListChannelsResponse = ListOf('channels', Channel);
/** Response of ListChannelAssignmentHistory. */
export const ListChannelHistoryResponse = ListOf('history', ChannelAssignment, {
  count: Type.Integer(),
});
/** Response of ListBucketAncestry. */
export const ListBucketAncestryResponse = ListOf('relations', BucketAncestry, {
  total_count: Type.Integer(),
});

/** Response of SearchExternalArtifact. */
export const SearchExternalArtifactResponse = Type.Object({
  artifacts: Type.Array(ModelRef(ExternalArtifactMatch)),
});

/** Response of UpdateVersion: the version, and the operation revoking descendants if any. */
export const UpdateVersionResponse = Type.Object({
  version: ModelRef(Version),
  operation: Type.Optional(ModelRef(Operation)),
});

/** Response of GetRegistry. */
export const GetRegistryResponse = Wrapped('registry', Registry);

/** Response of GetBucket, CreateBucket and UpdateBucket. */
export const BucketResponse = Wrapped('bucket', Bucket);

/** Response of GetVersion and CreateVersion. */
export const VersionResponse = Wrapped('version', Version);

/** Response of GetBuild, CreateBuild and UpdateBuild. */
export const BuildResponse = Wrapped('build', Build);

/** Response of GetChannel, CreateChannel and UpdateChannel. */
export const ChannelResponse = Wrapped('channel', Channel);

/** Response of AssignChannelVersion (all fields optional, as in the API). */
export const AssignChannelVersionResponse = Type.Object({
  /** The version fingerprint that was assigned. */
  fingerprint: Type.Optional(Type.String()),
  source_channel: Type.Optional(ModelRef(Channel)),
  target_channel: Type.Optional(ModelRef(Channel)),
  /** `null` when the target channel is left without a version. */
  version: Type.Optional(Nullable(Version)),
});

/** Response of UploadSbom. */
export const UploadSbomResponse = Wrapped('sbom', Sbom);

/** Response of ListSboms: every SBOM of the build (the operation has no pagination). */
export const ListSbomsResponse = Type.Object({ sboms: Type.Array(ModelRef(Sbom)) });

/**
 * Response of GetSbom: a short-lived signed URL that answers the document as
 * uploaded (zstd-compressed bytes), without a bearer token, as HCP's presigned
 * S3 URL does.
 */
export const GetSbomResponse = Type.Object({
  download_url: Type.String({ description: 'short-lived signed URL of the compressed document' }),
});

/** Response of ListBuildPackages. */
export const ListBuildPackagesResponse = ListOf('packages', Package);
/** Response of ListBucketPackages. */
export const ListBucketPackagesResponse = ListOf('packages', Package);
/** Response of ListBucketPackagesWithVulnerabilities: one entry per vulnerable package, build and channel. */
export const ListBucketPackagesWithVulnerabilitiesResponse = ListOf('packages', Package);
/** Response of ListBucketVulnerabilities, by identifier. */
export const ListBucketVulnerabilitiesResponse = ListOf(
  'vulnerabilities',
  VulnerabilityWithImpacts,
);
/** Response of ListVersionVulnerabilities (Imprint extension: one version's builds), by identifier. */
export const ListVersionVulnerabilitiesResponse = ListOf(
  'vulnerabilities',
  VulnerabilityWithImpacts,
);
/** Response of ListBucketPackagesVulnerabilitySummary: counts by criticality, worst first. */
export const ListBucketPackagesVulnerabilitySummaryResponse = Type.Object({
  total_by_criticality: Type.Array(ModelRef(CriticalityCount)),
  channels_by_criticality: Type.Array(ModelRef(ChannelVulnerabilityCount)),
  packages_by_criticality: Type.Array(ModelRef(PackageVulnerabilityCount)),
});
/** Response of SearchPackages (`GET /packages/search`, an Imprint extension), newest first. */
export const SearchPackagesResponse = ListOf('packages', PackageSearchHit);

/** `{}`: what HCP's Delete operations answer. */
export const EmptyResponse = Type.Object({});

/** Response of `GET /resource-manager/2019-12-10/organizations`. */
export const ListOrganizationsResponse = Type.Object({
  organizations: Type.Array(ModelRef(Organization)),
  pagination: Type.Optional(pagination),
});

/** Response of `GET /resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=…`. */
export const ListProjectsResponse = Type.Object({
  projects: Type.Array(ModelRef(Project)),
  pagination: Type.Optional(pagination),
});

// The static types: what each response body is.
export type ListBucketsResponse = Static<typeof ListBucketsResponse>;
export type ListVersionsResponse = Static<typeof ListVersionsResponse>;
export type ListBuildsResponse = Static<typeof ListBuildsResponse>;
export type ListChannelsResponse = Static<typeof ListChannelsResponse>;
export type ListChannelHistoryResponse = Static<typeof ListChannelHistoryResponse>;
export type ListBucketAncestryResponse = Static<typeof ListBucketAncestryResponse>;
export type SearchExternalArtifactResponse = Static<typeof SearchExternalArtifactResponse>;
export type UpdateVersionResponse = Static<typeof UpdateVersionResponse>;
export type ListBuildPackagesResponse = Static<typeof ListBuildPackagesResponse>;
export type ListBucketPackagesResponse = Static<typeof ListBucketPackagesResponse>;
export type SearchPackagesResponse = Static<typeof SearchPackagesResponse>;
export type ListBucketPackagesWithVulnerabilitiesResponse = Static<
  typeof ListBucketPackagesWithVulnerabilitiesResponse
>;
export type ListBucketVulnerabilitiesResponse = Static<typeof ListBucketVulnerabilitiesResponse>;
export type ListVersionVulnerabilitiesResponse = Static<typeof ListVersionVulnerabilitiesResponse>;
export type ListBucketPackagesVulnerabilitySummaryResponse = Static<
  typeof ListBucketPackagesVulnerabilitySummaryResponse
>;
export type GetRegistryResponse = Static<typeof GetRegistryResponse>;
export type BucketResponse = Static<typeof BucketResponse>;
export type VersionResponse = Static<typeof VersionResponse>;
export type BuildResponse = Static<typeof BuildResponse>;
export type ChannelResponse = Static<typeof ChannelResponse>;
export type AssignChannelVersionResponse = Static<typeof AssignChannelVersionResponse>;
export type EmptyResponse = Static<typeof EmptyResponse>;
export type UploadSbomResponse = Static<typeof UploadSbomResponse>;
export type ListSbomsResponse = Static<typeof ListSbomsResponse>;
export type GetSbomResponse = Static<typeof GetSbomResponse>;
export type ListOrganizationsResponse = Static<typeof ListOrganizationsResponse>;
export type ListProjectsResponse = Static<typeof ListProjectsResponse>;
