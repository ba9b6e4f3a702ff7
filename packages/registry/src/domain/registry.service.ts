import type {
  Bucket,
  Build,
  Channel,
  ListBucketAncestryResponse,
  ListBucketsResponse,
  ListBuildsResponse,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  ListOptions,
  ListBucketPackagesResponse,
  ListBucketPackagesVulnerabilitySummaryResponse,
  ListBucketPackagesWithVulnerabilitiesResponse,
  ListBucketVulnerabilitiesResponse,
  ListVersionVulnerabilitiesResponse,
  ListBuildPackagesResponse,
  ListSbomsResponse,
  ListVersionsResponse,
  Location,
  Registry,
  Sbom,
  SearchPackagesResponse,
  SearchExternalArtifactResponse,
  UpdateVersionResponse,
  UploadSbomBody,
  Version,
} from '@imprint/client';
import { listBucketAncestry } from '../resources/ancestry/ancestry.service';
import {
  createBucket,
  deleteBucket,
  getBucket,
  listBuckets,
  updateBucket,
} from '../resources/buckets/buckets.service';
import {
  cancelStaleBuilds,
  createBuild,
  deleteBuild,
  getBuild,
  listBuilds,
  locateBuild,
} from '../resources/builds/builds.service';
import { updateBuild } from '../resources/builds/update-build.service';
import {
  assignChannel,
  createChannel,
  deleteChannel,
  getChannel,
  listChannelHistory,
  listChannels,
  updateChannel,
} from '../resources/channels/channels.service';
import { processDueRevocations, updateVersion } from '../resources/revocation/revocation.service';
import { searchExternalArtifact } from '../resources/search/search.service';
import {
  createVersion,
  deleteVersion,
  findVersion,
  getVersion,
  listVersions,
} from '../resources/versions/versions.service';
import type { ServiceContext } from './context';
import { ReadCache } from './read-cache';
import type {
  Actor,
  AncestryQuery,
  BuildLocation,
  BuildRef,
  PackageQuery,
  PackageSearchQuery,
  VulnerabilityQuery,
  RegistryService,
  SbomDownload,
  VersionSelector,
} from './registry-contract';
import { toIso } from './time';
import { getSbomLink, listSboms, readSbomLink, uploadSbom } from '../resources/sboms/sboms.service';
import {
  listBucketPackages,
  listBuildPackages,
  searchPackages,
} from '../resources/packages/packages.service';
import {
  bucketVulnerabilitySummary,
  listBucketPackagesWithVulnerabilities,
  listBucketVulnerabilities,
  listVersionVulnerabilities,
} from '../resources/vulnerabilities/vulnerabilities.service';

/**
 * The registry service over one Kysely database (SQLite or PostgreSQL).
 * Obtain it from `openRegistryStorage()`; see {@link RegistryService} for
 * the operations. Each resource's operations live in `resources/<resource>/`
 * (this class only hands them the context); domain rules live there and in
 * the modules they call (completion, revocation, channel assignment), not in
 * SQL constraints, which only back them up against races.
 */
export class SqlRegistryService implements RegistryService {
  private readonly reads: ReadCache;

  constructor(private readonly ctx: ServiceContext) {
    this.reads = new ReadCache(ctx.changes, ctx.nowMs);
  }

  /** The registry's organization and project ids (for discovery endpoints). */
  location(): Location {
    return {
      organization_id: this.ctx.location.organization_id,
      project_id: this.ctx.location.project_id,
    };
  }

  // ---- registry -------------------------------------------------------------

  async getRegistry(): Promise<Registry> {
    const row = await this.ctx.db.selectFrom('registry').selectAll().executeTakeFirstOrThrow();
    return {
      id: row.id,
      location: this.location(),
      created_at: toIso(Number(row.created_at)),
      updated_at: toIso(Number(row.updated_at)),
      // Self-hosted: always active, every feature (scheduled revocation, history) on.
      config: { activated: true, feature_tier: 'PLUS' },
    };
  }

  // ---- buckets --------------------------------------------------------------

  listBuckets(options?: ListOptions): Promise<ListBucketsResponse> {
    return listBuckets(this.ctx, options);
  }

  createBucket(actor: Actor, body: unknown): Promise<Bucket> {
    return createBucket(this.ctx, actor, body);
  }

  getBucket(name: string): Promise<Bucket> {
    return getBucket(this.ctx, name);
  }

  updateBucket(actor: Actor, name: string, body: unknown): Promise<Bucket> {
    return updateBucket(this.ctx, actor, name, body);
  }

  deleteBucket(actor: Actor, name: string): Promise<void> {
    return deleteBucket(this.ctx, actor, name);
  }

  // ---- versions -------------------------------------------------------------

  listVersions(bucket: string, options?: ListOptions): Promise<ListVersionsResponse> {
    return listVersions(this.ctx, bucket, options);
  }

  createVersion(actor: Actor, bucket: string, body: unknown): Promise<Version> {
    return createVersion(this.ctx, actor, bucket, body);
  }

  getVersion(bucket: string, fingerprint: string): Promise<Version> {
    return getVersion(this.ctx, this.reads, bucket, fingerprint);
  }

  findVersion(selector: VersionSelector): Promise<Version> {
    return findVersion(this.ctx, selector);
  }

  /** Revoke, restore or complete a version: see {@link updateVersion}. */
  updateVersion(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    body: unknown,
  ): Promise<UpdateVersionResponse> {
    return updateVersion(this.ctx, actor, bucket, fingerprint, body);
  }

  deleteVersion(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    options?: { rollbackChannels?: boolean },
  ): Promise<void> {
    return deleteVersion(this.ctx, actor, bucket, fingerprint, options);
  }

  // ---- builds ---------------------------------------------------------------

  listBuilds(
    bucket: string,
    fingerprint: string,
    options?: ListOptions,
  ): Promise<ListBuildsResponse> {
    return listBuilds(this.ctx, bucket, fingerprint, options);
  }

  createBuild(actor: Actor, bucket: string, fingerprint: string, body: unknown): Promise<Build> {
    return createBuild(this.ctx, actor, bucket, fingerprint, body);
  }

  getBuild(bucket: string, fingerprint: string, buildId: string): Promise<Build> {
    return getBuild(this.ctx, bucket, fingerprint, buildId);
  }

  locateBuild(buildId: string): Promise<BuildLocation> {
    return locateBuild(this.ctx, buildId);
  }

  /** See {@link updateBuild} for the rules. */
  updateBuild(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    buildId: string,
    body: unknown,
  ): Promise<Build> {
    return updateBuild(this.ctx, actor, bucket, fingerprint, buildId, body);
  }

  deleteBuild(actor: Actor, bucket: string, fingerprint: string, buildId: string): Promise<void> {
    return deleteBuild(this.ctx, actor, bucket, fingerprint, buildId);
  }

  // ---- SBOMs ----------------------------------------------------------------

  uploadSbom(actor: Actor, build: BuildRef, body: UploadSbomBody): Promise<Sbom> {
    return uploadSbom(this.ctx, actor, build, body);
  }

  listSboms(build: BuildRef): Promise<ListSbomsResponse> {
    return listSboms(this.ctx, build);
  }

  getSbomLink(build: BuildRef, name: string): Promise<string> {
    return getSbomLink(this.ctx, build, name);
  }

  readSbomLink(sbomId: string, expires: string, signature: string): Promise<SbomDownload> {
    return readSbomLink(this.ctx, sbomId, expires, signature);
  }

  // ---- packages ---------------------------------------------------------------

  listBuildPackages(build: BuildRef, query?: PackageQuery): Promise<ListBuildPackagesResponse> {
    return listBuildPackages(this.ctx, build, query);
  }

  listBucketPackages(
    bucket: string,
    query?: PackageQuery,
    actor?: Actor,
  ): Promise<ListBucketPackagesResponse> {
    return listBucketPackages(this.ctx, bucket, query, actor);
  }

  searchPackages(query: PackageSearchQuery): Promise<SearchPackagesResponse> {
    return searchPackages(this.ctx, query);
  }

  // ---- vulnerabilities --------------------------------------------------------

  listBucketVulnerabilities(
    bucket: string,
    query?: VulnerabilityQuery,
    actor?: Actor,
  ): Promise<ListBucketVulnerabilitiesResponse> {
    return listBucketVulnerabilities(this.ctx, bucket, query, actor);
  }

  listVersionVulnerabilities(
    bucket: string,
    fingerprint: string,
    query?: VulnerabilityQuery,
    actor?: Actor,
  ): Promise<ListVersionVulnerabilitiesResponse> {
    return listVersionVulnerabilities(this.ctx, bucket, fingerprint, query, actor);
  }

  listBucketPackagesWithVulnerabilities(
    bucket: string,
    query?: VulnerabilityQuery,
    actor?: Actor,
  ): Promise<ListBucketPackagesWithVulnerabilitiesResponse> {
    return listBucketPackagesWithVulnerabilities(this.ctx, bucket, query, actor);
  }

  bucketVulnerabilitySummary(
    bucket: string,
    actor?: Actor,
  ): Promise<ListBucketPackagesVulnerabilitySummaryResponse> {
    return bucketVulnerabilitySummary(this.ctx, bucket, actor);
  }

  // ---- channels -------------------------------------------------------------

  listChannels(
    bucket: string,
    options?: ListOptions,
    actor?: Actor,
  ): Promise<ListChannelsResponse> {
    return listChannels(this.ctx, bucket, options, actor);
  }

  createChannel(actor: Actor, bucket: string, body: unknown): Promise<Channel> {
    return createChannel(this.ctx, actor, bucket, body);
  }

  getChannel(bucket: string, name: string, actor?: Actor): Promise<Channel> {
    return getChannel(this.ctx, this.reads, bucket, name, actor);
  }

  /** See {@link updateChannel} for `update_mask`. */
  updateChannel(actor: Actor, bucket: string, name: string, body: unknown): Promise<Channel> {
    return updateChannel(this.ctx, actor, bucket, name, body);
  }

  deleteChannel(actor: Actor, bucket: string, name: string): Promise<void> {
    return deleteChannel(this.ctx, actor, bucket, name);
  }

  assignChannel(actor: Actor, bucket: string, body: unknown): Promise<Channel> {
    return assignChannel(this.ctx, actor, bucket, body);
  }

  listChannelHistory(
    bucket: string,
    name: string,
    options?: ListOptions,
    actor?: Actor,
  ): Promise<ListChannelHistoryResponse> {
    return listChannelHistory(this.ctx, bucket, name, options, actor);
  }

  // ---- ancestry & search ----------------------------------------------------

  /** See {@link listBucketAncestry}. */
  listBucketAncestry(
    bucket: string,
    query?: AncestryQuery,
    actor?: Actor,
  ): Promise<ListBucketAncestryResponse> {
    return listBucketAncestry(this.ctx, bucket, query, actor);
  }

  searchExternalArtifact(body: unknown): Promise<SearchExternalArtifactResponse> {
    return searchExternalArtifact(this.ctx, body);
  }

  // ---- maintenance ----------------------------------------------------------

  cancelStaleBuilds(now?: Date): Promise<number> {
    return cancelStaleBuilds(this.ctx, now);
  }

  /** See {@link processDueRevocations}. */
  processDueRevocations(now?: Date): Promise<number> {
    return processDueRevocations(this.ctx, now);
  }

  close(): Promise<void> {
    return this.ctx.close();
  }
}
