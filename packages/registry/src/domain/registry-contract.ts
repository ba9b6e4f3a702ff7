import type {
  AncestryType,
  AssignChannelBody,
  Bucket,
  Build,
  Channel,
  CreateBucketBody,
  CreateBuildBody,
  CreateChannelBody,
  CreateVersionBody,
  ListBucketAncestryResponse,
  ListBucketsResponse,
  ListBuildsResponse,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  ListBucketPackagesResponse,
  ListBucketPackagesVulnerabilitySummaryResponse,
  ListBucketPackagesWithVulnerabilitiesResponse,
  ListBucketVulnerabilitiesResponse,
  ListVersionVulnerabilitiesResponse,
  ListBuildPackagesResponse,
  ListOptions,
  ListSbomsResponse,
  ListVersionsResponse,
  Registry,
  Sbom,
  SearchExternalArtifactBody,
  SearchExternalArtifactResponse,
  SearchPackagesResponse,
  UpdateBucketBody,
  UpdateBuildBody,
  UpdateChannelBody,
  UpdateVersionBody,
  UpdateVersionResponse,
  UploadSbomBody,
  Role,
  Version,
} from '@imprint/client';
import type { AuditStore } from '../audit/audit-store';
import type { VulnerabilityStore } from '../resources/vulnerabilities/vulnerability-store';
import type { WebhookStore } from '../resources/webhooks/webhook-store';

/** A build as the API addresses it: bucket name, version fingerprint, build id. */
export interface BuildRef {
  readonly bucket: string;
  readonly fingerprint: string;
  readonly buildId: string;
}

/** What an SBOM download URL answers: the document as uploaded (zstd). */
export interface SbomDownload {
  readonly name: string;
  readonly format: Sbom['format'];
  readonly compressed: Buffer;
}

/** Who performs an operation: recorded as author ids and revocation authors. */
export interface Actor {
  /** Principal id (ULID), or `anonymous` in the embedded loopback mode. */
  readonly principalId: string;
  /** Principal name, recorded as `author_id` / `revocation_author`. */
  readonly name: string;
  readonly role: Role;
}

/** Options of {@link RegistryService.listBucketAncestry}. */
export interface AncestryQuery extends ListOptions {
  readonly type?: AncestryType;
  readonly channelName?: string;
  readonly versionFingerprint?: string;
  /**
   * Generations to follow (an Imprint extension): 1, the default, gives the
   * direct relations as HCP does; up to {@link MAX_ANCESTRY_DEPTH}; `'all'`
   * gives every relation on the way to all ancestors and/or descendants.
   */
  readonly depth?: number | 'all';
}

/** Filters of ListBuildPackages / ListBucketPackages (HCP's query parameters). */
export interface PackageQuery extends ListOptions {
  /** `package_name`: exactly this name, compared case-insensitively. */
  readonly packageName?: string;
  /** `package_name_starts_with`, case-insensitive. */
  readonly packageNameStartsWith?: string;
  /** `package_version`: exactly this version. */
  readonly packageVersion?: string;
}

/** Filters of the vulnerability lists (HCP's query parameters, plus the package filters where HCP has them). */
export interface VulnerabilityQuery extends PackageQuery {
  /** `criticality`: any of these (case-insensitive). */
  readonly criticality?: string | readonly string[];
  /** `identifier`: the OSV id or one of its aliases (case-insensitive). */
  readonly identifier?: string;
  /** `identifier_starts_with` (case-insensitive, ids and aliases). */
  readonly identifierStartsWith?: string;
}

/** Query of {@link RegistryService.searchPackages}: `name` or `purl` is required. */
export interface PackageSearchQuery extends ListOptions {
  /** A package name, compared case-insensitively. */
  readonly name?: string;
  /** With `name`: exactly this version. */
  readonly version?: string;
  /** A package URL, exactly. */
  readonly purl?: string;
}

/**
 * How the 2021-04-30 API names a version (an iteration) besides its
 * fingerprint: by id (optionally only within `bucket`), or by incremental
 * version N, the number of a complete version's name `vN`.
 */
export type VersionSelector =
  | { readonly id: string; readonly bucket?: string }
  | { readonly bucket: string; readonly incrementalVersion: number };

/** A build found by id alone, with the bucket and version it belongs to. */
export interface BuildLocation {
  readonly bucket_name: string;
  readonly fingerprint: string;
  readonly build: Build;
}

/** Largest numeric {@link AncestryQuery.depth}; beyond it, ask for `'all'`. */
export const MAX_ANCESTRY_DEPTH = 100;

/**
 * Every registry operation, with the domain rules of docs/reference/registry-api.md
 * (Status rules) enforced here (not in routes).
 * Methods return wire models and throw {@link RegistryError} with the gRPC
 * code clients expect. Every multi-row change runs in one transaction.
 * Role checks happen in the HTTP layer; `actor` is for authorship, and on
 * reads for what a viewer may see (restricted channels).
 * Text neither engine can store the same way (a NUL character, a lone
 * UTF-16 surrogate) is code 3 naming the field wherever it is sent; a name
 * looked up that holds such text is simply not found.
 */
export interface RegistryService {
  getRegistry(): Promise<Registry>;

  listBuckets(options?: ListOptions): Promise<ListBucketsResponse>;
  /** Creates the bucket and its managed `latest` channel. Duplicate → 6. Bad name → 3. */
  createBucket(actor: Actor, body: CreateBucketBody): Promise<Bucket>;
  /** Unknown → 5. */
  getBucket(name: string): Promise<Bucket>;
  updateBucket(actor: Actor, name: string, body: UpdateBucketBody): Promise<Bucket>;
  /** Cascades versions, builds, artifacts, channels, history. */
  deleteBucket(actor: Actor, name: string): Promise<void>;

  listVersions(bucket: string, options?: ListOptions): Promise<ListVersionsResponse>;
  /** New `v0` version for a fingerprint. Duplicate fingerprint → 6. Bad fingerprint → 3. Unknown bucket → 5. */
  createVersion(actor: Actor, bucket: string, body: CreateVersionBody): Promise<Version>;
  /** Unknown fingerprint → 10 (ABORTED), as Packer expects. */
  getVersion(bucket: string, fingerprint: string): Promise<Version>;
  /** Revoke (immediate/scheduled), restore, complete. See the reference §4. */
  updateVersion(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    body: UpdateVersionBody,
  ): Promise<UpdateVersionResponse>;
  /** A version by id or incremental version ({@link VersionSelector}). Unknown → 5. */
  findVersion(selector: VersionSelector): Promise<Version>;
  /** Refused (9) while assigned to a user channel unless `rollbackChannels`. */
  deleteVersion(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    options?: { rollbackChannels?: boolean },
  ): Promise<void>;

  listBuilds(
    bucket: string,
    fingerprint: string,
    options?: ListOptions,
  ): Promise<ListBuildsResponse>;
  /** One build per component_type per version (duplicate → 6). */
  createBuild(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    body: CreateBuildBody,
  ): Promise<Build>;
  getBuild(bucket: string, fingerprint: string, buildId: string): Promise<Build>;
  /** A build by id alone (the 2021-04-30 API's `/builds/{id}`). Unknown → 5. */
  locateBuild(buildId: string): Promise<BuildLocation>;
  /**
   * Status transitions checked; BUILD_DONE needs ≥1 artifact and is then
   * immutable; parent ids set once; heartbeat = RUNNING → RUNNING. When the
   * last build of a version becomes DONE: version gets the next vN,
   * VERSION_ACTIVE, `latest` moves to it, ancestry links are made
   * (declared parents, and inferred from source_external_identifier).
   */
  updateBuild(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    buildId: string,
    body: UpdateBuildBody,
  ): Promise<Build>;
  deleteBuild(actor: Actor, bucket: string, fingerprint: string, buildId: string): Promise<void>;

  /**
   * Stores an SBOM of a build (contributor): checked (base64, zstd, size
   * limits, JSON of the declared format → 3), stored once per distinct
   * document. Complete version → 9; a name the build has → 6.
   */
  uploadSbom(actor: Actor, build: BuildRef, body: UploadSbomBody): Promise<Sbom>;
  /** Every SBOM of a build. */
  listSboms(build: BuildRef): Promise<ListSbomsResponse>;
  /** GetSbom: the path + signed query of a short-lived download URL. Unknown name → 5. */
  getSbomLink(build: BuildRef, name: string): Promise<string>;
  /** The compressed document behind a download URL; a bad or expired signature → 7. */
  readSbomLink(sbomId: string, expires: string, signature: string): Promise<SbomDownload>;

  /** The packages the SBOMs of a build name, one per name/version/purl, by name. */
  listBuildPackages(build: BuildRef, query?: PackageQuery): Promise<ListBuildPackagesResponse>;
  /**
   * The packages of the versions the bucket's channels point at. With an
   * `actor` who is a viewer, restricted channels are left out.
   */
  listBucketPackages(
    bucket: string,
    query?: PackageQuery,
    actor?: Actor,
  ): Promise<ListBucketPackagesResponse>;
  /** Which builds, across buckets, have a package (name [+ version], or purl); newest first. */
  searchPackages(query: PackageSearchQuery): Promise<SearchPackagesResponse>;

  /** The vulnerabilities of the versions the bucket's channels point at, worst first. */
  listBucketVulnerabilities(
    bucket: string,
    query?: VulnerabilityQuery,
    actor?: Actor,
  ): Promise<ListBucketVulnerabilitiesResponse>;
  /** The vulnerabilities of one version's builds (Imprint extension), worst first. */
  listVersionVulnerabilities(
    bucket: string,
    fingerprint: string,
    query?: VulnerabilityQuery,
    actor?: Actor,
  ): Promise<ListVersionVulnerabilitiesResponse>;
  /** Each vulnerable package of the bucket's channel versions, per build and channel. */
  listBucketPackagesWithVulnerabilities(
    bucket: string,
    query?: VulnerabilityQuery,
    actor?: Actor,
  ): Promise<ListBucketPackagesWithVulnerabilitiesResponse>;
  /** Vulnerability counts of the bucket's channel versions by criticality: total, per channel, per package. */
  bucketVulnerabilitySummary(
    bucket: string,
    actor?: Actor,
  ): Promise<ListBucketPackagesVulnerabilitySummaryResponse>;

  /** With an `actor` who is a viewer, restricted channels are left out. */
  listChannels(bucket: string, options?: ListOptions, actor?: Actor): Promise<ListChannelsResponse>;
  createChannel(actor: Actor, bucket: string, body: CreateChannelBody): Promise<Channel>;
  /** Unknown → 5; restricted, with an `actor` who is a viewer → 7. */
  getChannel(bucket: string, name: string, actor?: Actor): Promise<Channel>;
  /** `latest` → 9. Only complete, unrevoked versions can be assigned (9). Records history. */
  updateChannel(
    actor: Actor,
    bucket: string,
    name: string,
    body: UpdateChannelBody,
  ): Promise<Channel>;
  /** `latest` → 3. */
  deleteChannel(actor: Actor, bucket: string, name: string): Promise<void>;
  /** Copies source channel's version to target (`latest` as target → 9). */
  assignChannel(actor: Actor, bucket: string, body: AssignChannelBody): Promise<Channel>;
  /** Restricted channel, with an `actor` who is a viewer → 7. */
  listChannelHistory(
    bucket: string,
    name: string,
    options?: ListOptions,
    actor?: Actor,
  ): Promise<ListChannelHistoryResponse>;

  /**
   * With an `actor` who is a viewer, a relation recorded through a restricted
   * channel shows `channel_name` "" and `channel_version` null (the relation
   * and its status stay), and `channelName` only matches unrestricted channels.
   */
  listBucketAncestry(
    bucket: string,
    query?: AncestryQuery,
    actor?: Actor,
  ): Promise<ListBucketAncestryResponse>;
  searchExternalArtifact(body: SearchExternalArtifactBody): Promise<SearchExternalArtifactResponse>;

  /** Marks RUNNING builds whose last heartbeat is older than the timeout as BUILD_CANCELLED. Returns how many. */
  cancelStaleBuilds(now?: Date): Promise<number>;
  /**
   * Rolls channels back from versions whose scheduled revocation has come
   * due (their status already reads VERSION_REVOKED without this; moving
   * channels needs a write). Call it periodically next to
   * {@link cancelStaleBuilds}. Returns how many versions were processed.
   */
  processDueRevocations(now?: Date): Promise<number>;
  /** Closes the database. */
  close(): Promise<void>;
}

/** A service principal: a client id/secret pair with a role. */
export interface Principal {
  /** ULID; also the OAuth client id. */
  readonly id: string;
  readonly name: string;
  readonly role: Actor['role'];
  readonly createdAt: string;
}

/** Options of {@link PrincipalStore.deletePrincipal}. */
export interface DeletePrincipalOptions {
  /**
   * Delete the principal even when it is the last admin (default false). The
   * CLI sets it: its user is at the machine and can create another admin;
   * the HTTP API never does.
   */
  readonly allowLastAdmin?: boolean;
}

/** What {@link PrincipalStore.deletePrincipal} removed, and what is left. */
export interface DeletedPrincipal {
  readonly principal: Principal;
  /** Admin principals left after the delete. */
  readonly adminsLeft: number;
  /** Principals of any role left after the delete. */
  readonly principalsLeft: number;
}

/**
 * Service principals and their bearer tokens. Secrets and tokens are stored
 * hashed; comparisons are constant-time.
 */
export interface PrincipalStore {
  /** Creates a principal; the secret is returned once and never stored in clear. Duplicate name → 6. */
  createPrincipal(
    name: string,
    role: Actor['role'],
  ): Promise<{ principal: Principal; clientSecret: string }>;
  listPrincipals(): Promise<Principal[]>;
  /**
   * Deletes a principal and revokes its tokens. Unknown → 5. The last admin
   * → 9 (`REGISTRY_ERR_LAST_ADMIN`) unless `options.allowLastAdmin`; the check
   * and the delete are one transaction, so concurrent deletes cannot remove
   * the last two admins at once.
   */
  deletePrincipal(id: string, options?: DeletePrincipalOptions): Promise<DeletedPrincipal>;
  countPrincipals(): Promise<number>;
  /** The principal, when the id and secret match. */
  verifyClientCredentials(clientId: string, clientSecret: string): Promise<Principal | undefined>;
  /** A new opaque bearer token for the principal. */
  issueToken(
    principal: Principal,
    ttlSeconds: number,
  ): Promise<{ accessToken: string; expiresIn: number }>;
  /** The principal a token belongs to, when it is known and not expired. */
  verifyToken(accessToken: string): Promise<Principal | undefined>;
}

/** Where the registry keeps its data. */
export interface StorageOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite is used. */
  readonly databaseUrl?: string;
  /** SQLite: directory holding `imprint-registry.db` (created if missing). Ignored for PostgreSQL. */
  readonly dataDir?: string;
  /** Builds whose heartbeats stop for longer are cancelled by `cancelStaleBuilds`. Default 5 minutes. */
  readonly heartbeatTimeoutMs?: number;
  /** The clock, for tests. Default `() => new Date()`. */
  readonly now?: () => Date;
  /**
   * Answer GetChannel and GetVersion from memory while the database has not
   * changed (default true). Writes by this process invalidate at once;
   * commits by other processes within about a millisecond (SQLite's
   * data_version); on PostgreSQL,
   * other instances' commits arrive by LISTEN/NOTIFY a moment after they
   * commit, and nothing is cached while that channel is down.
   */
  readonly readCache?: boolean;
  /**
   * PostgreSQL: how long opening waits for the database to answer (down,
   * starting, unreachable), retrying with backoff, before it fails with
   * `REGISTRY_ERR_DATABASE_UNAVAILABLE`. Default 30 s; 0 fails at once.
   * Other failures (authentication, a missing database) fail at once.
   */
  readonly databaseWaitMs?: number;
  /** Called before each retry while opening waits for the database (the CLI logs a line). */
  readonly onDatabaseWait?: (wait: DatabaseWait) => void;
  /**
   * Called with the SQL text of every statement sent to the database,
   * `begin`/`commit`/`rollback` included (one call per round trip on
   * PostgreSQL). For diagnostics and benchmarks; it must be cheap.
   */
  readonly onStatement?: (sqlText: string) => void;
}

/** One retry of {@link StorageOptions.databaseWaitMs}. */
export interface DatabaseWait {
  /** 1 for the first failed attempt. */
  readonly attempt: number;
  /** `host:port/database` (never credentials). */
  readonly where: string;
  /** Why the last attempt failed, e.g. `connect ECONNREFUSED 127.0.0.1:5432`. */
  readonly cause: string;
  readonly retryInMs: number;
  /** How much of the wait is left. */
  readonly remainingMs: number;
}

/** Whether the database answered the last time it was asked, and since when. */
export interface DatabaseState {
  readonly available: boolean;
  /** Epoch ms of the last change of `available`. */
  readonly since: number;
  /** While unavailable: why, e.g. `connect ECONNREFUSED 127.0.0.1:5432`. */
  readonly cause?: string;
}

/** Follows {@link DatabaseState} from the outcome of every statement. */
export interface DatabaseHealthSource {
  current(): DatabaseState;
  /** Calls `listener` on every change of `available`; returns a function that stops it. */
  onChange(listener: (state: DatabaseState) => void): () => void;
}

/**
 * Whether GetChannel/GetVersion are answered from memory right now:
 * `on`; `off` (`readCache: false`); `bypassed` — PostgreSQL only, while the
 * LISTEN connection that hears other instances' writes is down or missed its
 * last ping, every read goes to the database.
 */
export type ReadCacheState = 'on' | 'off' | 'bypassed';

/** An opened registry store: the domain service and the principal store over one database. */
export interface RegistryStorage {
  readonly service: RegistryService;
  readonly principals: PrincipalStore;
  /** Imports of OSV data and their history (`imprint-registry vulns`). */
  readonly vulnerabilities: VulnerabilityStore;
  /** The audit log (append-only; the HTTP server writes it, `GET /imprint/v1/audit` reads it). */
  readonly audit: AuditStore;
  /** Webhook subscriptions and their outbox (`/imprint/v1/webhooks`, the deliverer). */
  readonly webhooks: WebhookStore;
  /** `sqlite` or `postgres`. */
  readonly engine: 'sqlite' | 'postgres';
  /** Whether the database answers (for `/readyz` and the server's log). */
  readonly health: DatabaseHealthSource;
  readCacheState(): ReadCacheState;
  /** Closes the database connections. */
  close(): Promise<void>;
}
