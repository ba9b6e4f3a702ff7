import type { OperationArgs } from './internal/connection';
import type {
  AssignChannelVersionResponse,
  Bucket,
  Build,
  Channel,
  GetSbomResponse,
  ListBucketAncestryResponse,
  ListBucketPackagesResponse,
  ListBucketPackagesVulnerabilitySummaryResponse,
  ListBucketPackagesWithVulnerabilitiesResponse,
  ListBucketsResponse,
  ListBucketVulnerabilitiesResponse,
  ListBuildPackagesResponse,
  ListBuildsResponse,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  ListSbomsResponse,
  ListVersionsResponse,
  ListVersionVulnerabilitiesResponse,
  Registry,
  Sbom,
  SearchExternalArtifactResponse,
  SearchPackagesResponse,
  TemplateType,
  UpdateVersionResponse,
  Version,
} from './models';
import * as ancestry from './operations/ancestry';
import type { UpsertBucketOptions } from './operations/buckets';
import * as buckets from './operations/buckets';
import * as builds from './operations/builds';
import * as channels from './operations/channels';
import { RegistryClientBase } from './operations/client-base';
import * as packages from './operations/packages';
import type { Paginate, PaginatedMethod } from './operations/pagination';
import { paginateList } from './operations/pagination';
import * as sboms from './operations/sboms';
import type { RevokeVersionOptions } from './operations/versions';
import * as versions from './operations/versions';
import * as vulnerabilities from './operations/vulnerabilities';
import { webhookOperations, type WebhookOperations } from './operations/webhooks';
import type { CallOptions } from './options';

// The public surface: each method documents one operation and hands it to
// operations/<resource>.ts, which defines its arguments (the method takes them
// as OperationArgs) and knows its path, body and response; the connection
// (internal/connection.ts) does credentials, discovery and HTTP. The methods
// outside the Packer API (location, organizations, projects, identity, tokens)
// sit in the base class (operations/client-base.ts), the signatures of
// `paginate` in operations/pagination.ts: this file stays one read.
export { isVersionComplete } from './operations/versions';
export type { DeleteVersionOptions, RevokeVersionOptions } from './operations/versions';
export {
  IAM_CALLER_IDENTITY_PATH,
  PACKER_API_PREFIX,
  RESOURCE_MANAGER_PREFIX,
} from './operations/paths';
export type { IssuedToken, ResolvedLocation } from './internal/connection';
export type { ListCallOptions, Paginate } from './operations/pagination';
export type { ListBucketAncestryOptions } from './operations/ancestry';
export type { ListProjectsOptions } from './operations/resource-manager';
export type { ListPackagesOptions, SearchPackagesOptions } from './operations/packages';
export type {
  ListVulnerabilitiesOptions,
  ListVulnerablePackagesOptions,
} from './operations/vulnerabilities';
export type { UpsertBucketOptions } from './operations/buckets';
export type { ListAuditEventsOptions } from './operations/audit';
export type { WebhookOperations } from './operations/webhooks';
export { WEBHOOKS_PATH } from './operations/webhooks';

/**
 * Typed client for the Imprint registry, or any server speaking the HCP
 * Packer registry API (2023-01-01). One method per operation, each returning
 * the unwrapped resource; errors are {@link RegistryClientError} subclasses.
 *
 * @example
 * ```ts
 * const client = new RegistryClient({
 *   baseUrl: 'http://127.0.0.1:8080',
 *   clientId: process.env.HCP_CLIENT_ID,
 *   clientSecret: process.env.HCP_CLIENT_SECRET,
 * });
 * await client.upsertBucket('ubuntu-base', { description: 'Ubuntu 24.04 base' });
 * const version = await client.ensureVersion('ubuntu-base', fingerprint, 'HCL2');
 * for await (const bucket of client.paginate('listBuckets')) console.log(bucket.name);
 * ```
 */
export class RegistryClient extends RegistryClientBase {
  // ---- registry ---------------------------------------------------------------

  /** The project's registry and its config (GetRegistry, `GET /registry`). */
  getRegistry(...args: OperationArgs<typeof buckets.getRegistry>): Promise<Registry> {
    return buckets.getRegistry(this.connection, ...args);
  }

  // ---- buckets ----------------------------------------------------------------

  /** One page of buckets (ListBuckets, `GET /buckets`). See {@link RegistryClient.paginate}. */
  listBuckets(...args: OperationArgs<typeof buckets.listBuckets>): Promise<ListBucketsResponse> {
    return buckets.listBuckets(this.connection, ...args);
  }

  /**
   * Creates a bucket (CreateBucket, `PUT /buckets`); the registry also creates
   * its managed `latest` channel. A duplicate name fails with code 6
   * ({@link isAlreadyExists}).
   */
  createBucket(...args: OperationArgs<typeof buckets.createBucket>): Promise<Bucket> {
    return buckets.createBucket(this.connection, ...args);
  }

  /** A bucket by name (GetBucket); a missing one fails with code 5 ({@link isNotFound}). */
  getBucket(...args: OperationArgs<typeof buckets.getBucket>): Promise<Bucket> {
    return buckets.getBucket(this.connection, ...args);
  }

  /** Updates description, labels or platforms (UpdateBucket, `PATCH /buckets/{bucket}`). */
  updateBucket(...args: OperationArgs<typeof buckets.updateBucket>): Promise<Bucket> {
    return buckets.updateBucket(this.connection, ...args);
  }

  /** Deletes a bucket with its versions, builds and channels (DeleteBucket). */
  deleteBucket(...args: OperationArgs<typeof buckets.deleteBucket>): Promise<void> {
    return buckets.deleteBucket(this.connection, ...args);
  }

  /**
   * Ancestry relations of a bucket (ListBucketAncestry, `GET /buckets/{bucket}/ancestry`),
   * filtered by `type`, `channel_name` and `version_fingerprint`.
   */
  listBucketAncestry(
    ...args: OperationArgs<typeof ancestry.listBucketAncestry>
  ): Promise<ListBucketAncestryResponse> {
    return ancestry.listBucketAncestry(this.connection, ...args);
  }

  // ---- versions ---------------------------------------------------------------

  /** One page of a bucket's versions (ListVersions). */
  listVersions(
    ...args: OperationArgs<typeof versions.listVersions>
  ): Promise<ListVersionsResponse> {
    return versions.listVersions(this.connection, ...args);
  }

  /** Creates an empty `v0` version for a fingerprint (CreateVersion, `POST …/versions`). */
  createVersion(...args: OperationArgs<typeof versions.createVersion>): Promise<Version> {
    return versions.createVersion(this.connection, ...args);
  }

  /**
   * A version by fingerprint, with its builds (GetVersion). An unknown
   * fingerprint fails with code 10 ({@link isVersionNotFound}), HTTP 409.
   */
  getVersion(...args: OperationArgs<typeof versions.getVersion>): Promise<Version> {
    return versions.getVersion(this.connection, ...args);
  }

  /**
   * Revokes, schedules, restores or completes a version (UpdateVersion,
   * `PATCH …/versions/{fingerprint}`). The response may carry the long-running
   * `operation` that revokes descendants. See also
   * {@link RegistryClient.revokeVersion} and {@link RegistryClient.restoreVersion}.
   */
  updateVersion(
    ...args: OperationArgs<typeof versions.updateVersion>
  ): Promise<UpdateVersionResponse> {
    return versions.updateVersion(this.connection, ...args);
  }

  /**
   * Revokes a version now (default) or at a time, through UpdateVersion.
   *
   * @example
   * ```ts
   * await client.revokeVersion('ubuntu-base', fp, { message: 'CVE-2026-1234' });
   * await client.revokeVersion('ubuntu-base', fp, { revokeIn: '7d' });
   * ```
   */
  async revokeVersion(
    bucketName: string,
    fingerprint: string,
    options: RevokeVersionOptions = {},
  ): Promise<UpdateVersionResponse> {
    const body = versions.revocationBody(options);
    return this.updateVersion(bucketName, fingerprint, body, options);
  }

  /** Clears a version's revocation (UpdateVersion with `restore: true`). */
  restoreVersion(
    bucketName: string,
    fingerprint: string,
    call?: CallOptions,
  ): Promise<UpdateVersionResponse> {
    return this.updateVersion(bucketName, fingerprint, { restore: true }, call);
  }

  /**
   * Deletes a version (DeleteVersion); `rollbackChannels` sends
   * `rollback_channels=true`.
   */
  deleteVersion(...args: OperationArgs<typeof versions.deleteVersion>): Promise<void> {
    return versions.deleteVersion(this.connection, ...args);
  }

  // ---- builds -----------------------------------------------------------------

  /** One page of a version's builds with their artifacts (ListBuilds). */
  listBuilds(...args: OperationArgs<typeof builds.listBuilds>): Promise<ListBuildsResponse> {
    return builds.listBuilds(this.connection, ...args);
  }

  /** Creates a build for one component (CreateBuild); a duplicate component fails with code 6. */
  createBuild(...args: OperationArgs<typeof builds.createBuild>): Promise<Build> {
    return builds.createBuild(this.connection, ...args);
  }

  /** A build with artifacts and metadata (GetBuild). */
  getBuild(...args: OperationArgs<typeof builds.getBuild>): Promise<Build> {
    return builds.getBuild(this.connection, ...args);
  }

  /**
   * Updates a build (UpdateBuild): status, artifacts, labels, parents,
   * metadata. A body that only sets `status: 'BUILD_RUNNING'` is a heartbeat
   * and is retried like an idempotent call; other updates are not, unless
   * `idempotent: true` is passed.
   */
  updateBuild(...args: OperationArgs<typeof builds.updateBuild>): Promise<Build> {
    return builds.updateBuild(this.connection, ...args);
  }

  /** Deletes a build (DeleteBuild). */
  deleteBuild(...args: OperationArgs<typeof builds.deleteBuild>): Promise<void> {
    return builds.deleteBuild(this.connection, ...args);
  }

  /**
   * Stores an SBOM of a build (UploadSbom): `compressed_sbom` is the
   * zstd-compressed CycloneDX/SPDX JSON, base64. A name the build has → code 6.
   */
  uploadSbom(...args: OperationArgs<typeof sboms.uploadSbom>): Promise<Sbom> {
    return sboms.uploadSbom(this.connection, ...args);
  }

  /** Every SBOM of a build (ListSboms; the operation has no pagination). */
  listSboms(...args: OperationArgs<typeof sboms.listSboms>): Promise<ListSbomsResponse> {
    return sboms.listSboms(this.connection, ...args);
  }

  /** A short-lived `download_url` of the compressed document, no token needed (GetSbom). */
  getSbom(...args: OperationArgs<typeof sboms.getSbom>): Promise<GetSbomResponse> {
    return sboms.getSbom(this.connection, ...args);
  }

  /** Packages the SBOMs of a build name, by name (ListBuildPackages; `vuln_details` empty). */
  listBuildPackages(
    ...args: OperationArgs<typeof packages.listBuildPackages>
  ): Promise<ListBuildPackagesResponse> {
    return packages.listBuildPackages(this.connection, ...args);
  }

  /** Packages of the versions a bucket's channels point at (ListBucketPackages). */
  listBucketPackages(
    ...args: OperationArgs<typeof packages.listBucketPackages>
  ): Promise<ListBucketPackagesResponse> {
    return packages.listBucketPackages(this.connection, ...args);
  }

  /**
   * Which versions, across buckets, contain a package: by `name` (and
   * `version`) or `purl` (`GET /packages/search`, an Imprint extension).
   */
  searchPackages(
    ...args: OperationArgs<typeof packages.searchPackages>
  ): Promise<SearchPackagesResponse> {
    return packages.searchPackages(this.connection, ...args);
  }

  /** The webhooks admin API (`/imprint/v1/webhooks`, admin role): create, list, delete, test, deliveries. */
  get webhooks(): WebhookOperations {
    return webhookOperations(this.connection);
  }

  // ---- vulnerabilities --------------------------------------------------------------

  /** Vulnerabilities of the versions a bucket's channels point at, worst first (ListBucketVulnerabilities). */
  listBucketVulnerabilities(
    ...args: OperationArgs<typeof vulnerabilities.listBucketVulnerabilities>
  ): Promise<ListBucketVulnerabilitiesResponse> {
    return vulnerabilities.listBucketVulnerabilities(this.connection, ...args);
  }

  /** Vulnerabilities of one version's builds, worst first (an Imprint extension). */
  listVersionVulnerabilities(
    ...args: OperationArgs<typeof vulnerabilities.listVersionVulnerabilities>
  ): Promise<ListVersionVulnerabilitiesResponse> {
    return vulnerabilities.listVersionVulnerabilities(this.connection, ...args);
  }

  /** Vulnerable packages of a bucket's channel versions, per build and channel (ListBucketPackagesWithVulnerabilities). */
  listBucketPackagesWithVulnerabilities(
    ...args: OperationArgs<typeof vulnerabilities.listBucketPackagesWithVulnerabilities>
  ): Promise<ListBucketPackagesWithVulnerabilitiesResponse> {
    return vulnerabilities.listBucketPackagesWithVulnerabilities(this.connection, ...args);
  }

  /** Vulnerability counts by criticality: total, per channel, per package (ListBucketPackagesVulnerabilitySummary). */
  bucketVulnerabilitySummary(
    ...args: OperationArgs<typeof vulnerabilities.bucketVulnerabilitySummary>
  ): Promise<ListBucketPackagesVulnerabilitySummaryResponse> {
    return vulnerabilities.bucketVulnerabilitySummary(this.connection, ...args);
  }

  // ---- channels -----------------------------------------------------------------

  /** One page of a bucket's channels (ListChannels). */
  listChannels(
    ...args: OperationArgs<typeof channels.listChannels>
  ): Promise<ListChannelsResponse> {
    return channels.listChannels(this.connection, ...args);
  }

  /** Creates a channel, empty or assigned (CreateChannel); a duplicate fails with code 6. */
  createChannel(...args: OperationArgs<typeof channels.createChannel>): Promise<Channel> {
    return channels.createChannel(this.connection, ...args);
  }

  /** A channel with its full assigned version (GetChannel); missing → code 5. */
  getChannel(...args: OperationArgs<typeof channels.getChannel>): Promise<Channel> {
    return channels.getChannel(this.connection, ...args);
  }

  /**
   * Assigns or unassigns a version and/or changes `restricted` (UpdateChannel).
   * `update_mask` is required: `versionFingerprint`, `restricted` or both.
   *
   * @example
   * ```ts
   * await client.updateChannel('ubuntu-base', 'production', {
   *   version_fingerprint: fp,
   *   update_mask: 'versionFingerprint',
   * });
   * ```
   */
  updateChannel(...args: OperationArgs<typeof channels.updateChannel>): Promise<Channel> {
    return channels.updateChannel(this.connection, ...args);
  }

  /** Deletes a channel (DeleteChannel); the managed `latest` is refused. */
  deleteChannel(...args: OperationArgs<typeof channels.deleteChannel>): Promise<void> {
    return channels.deleteChannel(this.connection, ...args);
  }

  /**
   * Copies `source_channel`'s version to `target_channel` (AssignChannelVersion,
   * `POST /buckets/{bucket}/channels/assign`), e.g. promote staging → production.
   */
  assignChannel(
    ...args: OperationArgs<typeof channels.assignChannel>
  ): Promise<AssignChannelVersionResponse> {
    return channels.assignChannel(this.connection, ...args);
  }

  /** One page of a channel's assignment history (ListChannelAssignmentHistory). */
  listChannelHistory(
    ...args: OperationArgs<typeof channels.listChannelHistory>
  ): Promise<ListChannelHistoryResponse> {
    return channels.listChannelHistory(this.connection, ...args);
  }

  // ---- search -------------------------------------------------------------------

  /**
   * Which bucket, version and build produced an external artifact, e.g. an AMI
   * id (SearchExternalArtifact, `POST /_search/external_artifact`). A read, so
   * retried like GET although sent as POST.
   */
  searchExternalArtifact(
    ...args: OperationArgs<typeof ancestry.searchExternalArtifact>
  ): Promise<SearchExternalArtifactResponse> {
    return ancestry.searchExternalArtifact(this.connection, ...args);
  }

  // ---- pagination ---------------------------------------------------------------

  // A property typed by the overload list (operations/pagination.ts): one
  // signature per list method, each with its own doc, kept out of this class.
  /**
   * Iterates over every item of a list operation, following
   * `pagination.next_page_token` until it is empty. Arguments are those of the
   * list method; `nextPageToken` in the options sets the first page. A server
   * that repeats a page token makes the iterator throw
   * `RegistryResponseError` instead of looping forever.
   *
   * @example
   * ```ts
   * for await (const version of client.paginate('listVersions', 'ubuntu-base', { pageSize: 50 })) {
   *   console.log(version.name, version.status);
   * }
   * ```
   */
  readonly paginate: Paginate = ((method: PaginatedMethod, ...args: unknown[]) =>
    paginateList(this, method, args)) as Paginate;

  // ---- lifecycle helpers ----------------------------------------------------------

  /**
   * Makes sure a bucket exists with the given description and labels, as
   * Packer does before a build: GetBucket; on code 5 CreateBucket; otherwise
   * UpdateBucket only when description or labels differ (so users who may
   * write to a bucket but not create buckets can still push). A concurrent
   * create (code 6) is absorbed.
   */
  upsertBucket(bucketName: string, options: UpsertBucketOptions = {}): Promise<Bucket> {
    return buckets.upsertBucket(this, bucketName, options);
  }

  /**
   * Returns the version for a fingerprint, creating it when GetVersion
   * answers code 10 (exactly what Packer does; any other error is thrown). A
   * concurrent create (code 6) is absorbed. The caller decides what to do
   * with a version that is already complete ({@link isVersionComplete}) or
   * has another `template_type`.
   */
  ensureVersion(
    bucketName: string,
    fingerprint: string,
    templateType: TemplateType,
    call?: CallOptions,
  ): Promise<Version> {
    return versions.ensureVersion(this, bucketName, fingerprint, templateType, call);
  }
}
