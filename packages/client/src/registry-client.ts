import {
  RegistryAbortedError,
  RegistryArgumentError,
  RegistryConfigError,
  RegistryDiscoveryError,
  RegistryResponseError,
  isAlreadyExists,
  isNotFound,
  isVersionNotFound,
} from './errors/client.errors';
import { toApiError } from './internal/api-error';
import { raceAbort } from './internal/race-abort';
import type { Query } from './internal/request-path';
import { listQuery, queryString, segment } from './internal/request-path';
import { TokenSource } from './internal/token-source';
import type { RetryPolicy } from './internal/transport';
import { Transport } from './internal/transport';
import type {
  AncestryType,
  AssignChannelBody,
  AssignChannelVersionResponse,
  Bucket,
  BucketAncestry,
  Build,
  CallerIdentity,
  Channel,
  ChannelAssignment,
  CreateBucketBody,
  CreateBuildBody,
  CreateChannelBody,
  CreateVersionBody,
  ListBucketAncestryResponse,
  ListBucketsResponse,
  ListBuildsResponse,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  ListOptions,
  ListOrganizationsResponse,
  ListProjectsResponse,
  ListVersionsResponse,
  Organization,
  Pagination,
  Project,
  Registry,
  SearchExternalArtifactBody,
  SearchExternalArtifactResponse,
  TemplateType,
  UpdateBucketBody,
  UpdateBuildBody,
  UpdateChannelBody,
  UpdateVersionBody,
  UpdateVersionResponse,
  Version,
} from './models';
import type { CallOptions, FetchLike, RegistryClientOptions } from './options';
import { CLIENT_VERSION } from './version';

/** Path prefix of the packer service. */
export const PACKER_API_PREFIX = '/packer/2023-01-01';
/** Path prefix of the resource-manager service (organization/project discovery). */
export const RESOURCE_MANAGER_PREFIX = '/resource-manager/2019-12-10';
/** Path of the caller-identity call (HCP IAM). */
export const IAM_CALLER_IDENTITY_PATH = '/iam/2019-12-10/caller-identity';

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 30_000 };
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_AUDIENCE = 'https://api.hashicorp.cloud';
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** Organization and project every packer path is scoped to. */
export interface ResolvedLocation {
  organizationId: string;
  projectId: string;
}

/** List options plus per-call options, the last argument of every list method. */
export type ListCallOptions = ListOptions & CallOptions;

/** Options of {@link RegistryClient.listBucketAncestry}. */
export interface ListBucketAncestryOptions extends ListCallOptions {
  /** `type`: parents, children, or both (`ANCESTRY_TYPE_UNSET`, the server default). */
  type?: AncestryType;
  /** `channel_name`: only children built from versions that were on this channel. */
  channelName?: string;
  /** `version_fingerprint`: relations of this version instead of the bucket's latest. */
  versionFingerprint?: string;
  /**
   * `depth` (an Imprint extension; HCP answers direct relations only):
   * generations to walk, 1 (the default) to 100, or `'all'`.
   */
  depth?: number | 'all';
}

/** What {@link RegistryClient.requestAccessToken} returns. */
export interface IssuedToken {
  readonly accessToken: string;
  /** Epoch ms after which not to use it (a margin before `expires_in`); absent: until rejected. */
  readonly expiresAt?: number;
}

/** Options of {@link RegistryClient.listProjects}. */
export interface ListProjectsOptions extends ListCallOptions {
  /** Organization to list (default: the client's organization, discovered if needed). */
  organizationId?: string;
}

/** Options of {@link RegistryClient.deleteVersion}. */
export interface DeleteVersionOptions extends CallOptions {
  /** `rollback_channels`: move channels on this version back to their previous valid version. */
  rollbackChannels?: boolean;
}

/**
 * Options of {@link RegistryClient.revokeVersion}. Without `revokeAt` or
 * `revokeIn` the revocation is immediate (`revoke_in: "0s"`, which uses the
 * server's clock, not this machine's).
 */
export interface RevokeVersionOptions extends CallOptions {
  /** When to revoke: a future date schedules the revocation. */
  revokeAt?: Date | string;
  /** Revoke after this signed duration (`90m`, `12h`, `7d`; `0s` = now). */
  revokeIn?: string;
  /** `revocation_message`: why. */
  message?: string;
  /** `skip_descendants_revocation`: do not cascade to child versions. */
  skipDescendantsRevocation?: boolean;
  /** `disable_rollback_channels`: leave channels pointing at the revoked version. */
  disableRollbackChannels?: boolean;
}

/**
 * Options of {@link RegistryClient.upsertBucket}. A field left out is not
 * compared and keeps its stored value.
 */
export interface UpsertBucketOptions extends CallOptions {
  description?: string;
  labels?: Record<string, string>;
}

type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

interface RequestInitOptions {
  query?: Query;
  body?: unknown;
  call?: CallOptions;
  /** Overrides the method-based default when the caller says nothing. */
  idempotent?: boolean;
  /** Key of the object the response must carry (and that is returned), e.g. `bucket`. */
  unwrap?: string;
}

interface PageShape {
  pagination?: Pagination;
}

/**
 * Whether a version is complete: the registry renames it from `v0` to `v<N>`
 * once every build is `BUILD_DONE` (Packer's `IsVersionComplete`).
 */
export function isVersionComplete(version: Pick<Version, 'name'>): boolean {
  return version.name !== '' && version.name !== 'v0';
}

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
export class RegistryClient {
  private readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly transport: Transport;
  private readonly tokens: TokenSource | undefined;
  private readonly accessToken: string | undefined;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly fixedOrganizationId: string | undefined;
  private readonly fixedProjectId: string | undefined;
  private location: Promise<ResolvedLocation> | undefined;

  constructor(options: RegistryClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new RegistryConfigError('options', 'pass an object with at least baseUrl');
    }
    this.baseUrl = checkUrl('baseUrl', options.baseUrl);
    const fetchFn = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (typeof fetchFn !== 'function') {
      throw new RegistryConfigError('fetch', 'no global fetch in this runtime; pass one');
    }
    this.fetchFn = fetchFn;
    this.timeoutMs = checkNumber('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 0);
    this.userAgent = options.userAgent ?? defaultUserAgent();
    this.fixedOrganizationId = optionalId('organizationId', options.organizationId);
    this.fixedProjectId = optionalId('projectId', options.projectId);
    this.transport = new Transport(this.fetchFn, retryPolicy(options.retries));

    const { clientId, clientSecret } = options;
    if ((clientId === undefined) !== (clientSecret === undefined)) {
      throw new RegistryConfigError(
        clientId === undefined ? 'clientId' : 'clientSecret',
        'clientId and clientSecret go together; pass both or neither',
      );
    }
    if (clientId !== undefined && clientSecret !== undefined) {
      if (clientId === '' || clientSecret === '') {
        throw new RegistryConfigError('clientId', 'clientId and clientSecret must not be empty');
      }
      const authBase =
        options.authUrl === undefined ? this.baseUrl : checkUrl('authUrl', options.authUrl);
      this.tokens = new TokenSource(
        {
          tokenUrl: `${authBase}/oauth2/token`,
          clientId,
          clientSecret,
          audience: options.tokenAudience ?? DEFAULT_AUDIENCE,
          userAgent: this.userAgent,
          timeoutMs: this.timeoutMs,
        },
        this.transport,
      );
    } else if (options.accessToken !== undefined && options.accessToken !== '') {
      this.accessToken = options.accessToken;
    }
  }

  // ---- location -----------------------------------------------------------

  /**
   * The organization and project this client works in. Ids given to the
   * constructor are used as they are; a missing organization is discovered
   * (the credentials must see exactly one), then a missing project (the
   * organization's oldest, as Packer picks). Discovery runs once; a failed
   * discovery is retried on the next call.
   */
  async resolveLocation(call?: CallOptions): Promise<ResolvedLocation> {
    const { fixedOrganizationId, fixedProjectId } = this;
    if (fixedOrganizationId !== undefined && fixedProjectId !== undefined) {
      return { organizationId: fixedOrganizationId, projectId: fixedProjectId };
    }
    const abortError = (): RegistryAbortedError =>
      new RegistryAbortedError(
        'GET',
        `${this.baseUrl}${RESOURCE_MANAGER_PREFIX}`,
        call?.signal?.reason,
      );
    if (call?.signal?.aborted) throw abortError();
    if (this.location === undefined) {
      // Shared by every caller, so it runs without any one caller's signal.
      const pending = this.discover(call?.timeoutMs);
      this.location = pending;
      pending.catch(() => {
        if (this.location === pending) this.location = undefined;
      });
    }
    return raceAbort(this.location, call?.signal, abortError);
  }

  private async discover(timeoutMs: number | undefined): Promise<ResolvedLocation> {
    const call: CallOptions = { timeoutMs };
    let organizationId = this.fixedOrganizationId;
    if (organizationId === undefined) {
      const organizations: Organization[] = [];
      for await (const organization of this.iterate(
        (token) => this.fetchOrganizations({ ...call, nextPageToken: token }),
        (page) => page.organizations ?? [],
      )) {
        organizations.push(organization);
      }
      if (organizations.length !== 1) {
        const ids = organizations.map((organization) => organization.id);
        throw new RegistryDiscoveryError(
          organizations.length === 0
            ? 'No organization is visible to these credentials; pass organizationId, or check the credentials.'
            : `These credentials see ${organizations.length} organizations (${ids.join(', ')}); pass organizationId to choose one.`,
          ids,
        );
      }
      organizationId = organizations[0]!.id;
    }
    let projectId = this.fixedProjectId;
    if (projectId === undefined) {
      const projects: Project[] = [];
      for await (const project of this.iterate(
        (token) => this.fetchProjects(organizationId, { ...call, nextPageToken: token }),
        (page) => page.projects ?? [],
      )) {
        projects.push(project);
      }
      const oldest = oldestProject(projects);
      if (oldest === undefined) {
        throw new RegistryDiscoveryError(
          `Organization ${organizationId} has no project; create one or pass projectId.`,
        );
      }
      projectId = oldest.id;
    }
    return { organizationId, projectId };
  }

  // ---- resource manager -----------------------------------------------------

  /** Organizations visible to the credentials (`GET /resource-manager/2019-12-10/organizations`). */
  listOrganizations(options?: ListCallOptions): Promise<ListOrganizationsResponse> {
    return this.fetchOrganizations(options);
  }

  /**
   * Projects of an organization (`GET /resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=…`).
   */
  async listProjects(options?: ListProjectsOptions): Promise<ListProjectsResponse> {
    const organizationId =
      options?.organizationId ?? (await this.resolveOrganizationOnly(options)).organizationId;
    return this.fetchProjects(organizationId, options);
  }

  private async resolveOrganizationOnly(call?: CallOptions): Promise<{ organizationId: string }> {
    if (this.fixedOrganizationId !== undefined) return { organizationId: this.fixedOrganizationId };
    return this.resolveLocation(call);
  }

  private fetchOrganizations(options?: ListCallOptions): Promise<ListOrganizationsResponse> {
    return this.request<ListOrganizationsResponse>(
      'GET',
      `${RESOURCE_MANAGER_PREFIX}/organizations`,
      {
        query: listQuery(options),
        call: options,
      },
    );
  }

  private fetchProjects(
    organizationId: string,
    options?: ListCallOptions,
  ): Promise<ListProjectsResponse> {
    segment('organizationId', organizationId);
    return this.request<ListProjectsResponse>('GET', `${RESOURCE_MANAGER_PREFIX}/projects`, {
      query: { 'scope.type': 'ORGANIZATION', 'scope.id': organizationId, ...listQuery(options) },
      call: options,
    });
  }

  // ---- identity -------------------------------------------------------------

  /** Who the credentials are (`GET /iam/2019-12-10/caller-identity`): principal id, name and role. */
  getCallerIdentity(call?: CallOptions): Promise<CallerIdentity> {
    return this.request<CallerIdentity>('GET', IAM_CALLER_IDENTITY_PATH, { call });
  }

  /**
   * A fresh access token for the client credentials, and the epoch ms after
   * which it should not be used any more (`undefined`: until rejected), for
   * a caller that keeps the token rather than the secret (the console keeps
   * it in `sessionStorage` and builds a client with `accessToken`).
   */
  async requestAccessToken(call?: CallOptions): Promise<IssuedToken> {
    if (this.tokens === undefined) {
      throw new RegistryConfigError(
        'clientId',
        'requestAccessToken needs client credentials; pass clientId and clientSecret',
      );
    }
    const { value, refreshAt } = await this.tokens.issued(call?.signal);
    return Number.isFinite(refreshAt)
      ? { accessToken: value, expiresAt: refreshAt }
      : { accessToken: value };
  }

  // ---- registry ---------------------------------------------------------------

  /** The project's registry and its config (GetRegistry, `GET /registry`). */
  async getRegistry(call?: CallOptions): Promise<Registry> {
    return this.packer('GET', '/registry', { call, unwrap: 'registry' });
  }

  // ---- buckets ----------------------------------------------------------------

  /** One page of buckets (ListBuckets, `GET /buckets`). See {@link RegistryClient.paginate}. */
  async listBuckets(options?: ListCallOptions): Promise<ListBucketsResponse> {
    return this.packer('GET', '/buckets', { query: listQuery(options), call: options });
  }

  /**
   * Creates a bucket (CreateBucket, `PUT /buckets`); the registry also creates
   * its managed `latest` channel. A duplicate name fails with code 6
   * ({@link isAlreadyExists}).
   */
  async createBucket(body: CreateBucketBody, call?: CallOptions): Promise<Bucket> {
    segment('body.name', body?.name);
    return this.packer('PUT', '/buckets', { body, call, unwrap: 'bucket' });
  }

  /** A bucket by name (GetBucket); a missing one fails with code 5 ({@link isNotFound}). */
  async getBucket(bucketName: string, call?: CallOptions): Promise<Bucket> {
    const path = bucketPath(bucketName);
    return this.packer('GET', path, { call, unwrap: 'bucket' });
  }

  /** Updates description, labels or platforms (UpdateBucket, `PATCH /buckets/{bucket}`). */
  async updateBucket(
    bucketName: string,
    body: UpdateBucketBody,
    call?: CallOptions,
  ): Promise<Bucket> {
    const path = bucketPath(bucketName);
    return this.packer('PATCH', path, { body, call, unwrap: 'bucket' });
  }

  /** Deletes a bucket with its versions, builds and channels (DeleteBucket). */
  async deleteBucket(bucketName: string, call?: CallOptions): Promise<void> {
    await this.packer('DELETE', bucketPath(bucketName), { call });
  }

  /**
   * Ancestry relations of a bucket (ListBucketAncestry, `GET /buckets/{bucket}/ancestry`),
   * filtered by `type`, `channel_name` and `version_fingerprint`.
   */
  async listBucketAncestry(
    bucketName: string,
    options?: ListBucketAncestryOptions,
  ): Promise<ListBucketAncestryResponse> {
    return this.packer('GET', `${bucketPath(bucketName)}/ancestry`, {
      query: {
        type: options?.type,
        channel_name: options?.channelName || undefined,
        version_fingerprint: options?.versionFingerprint || undefined,
        depth: options?.depth === undefined ? undefined : String(options.depth),
        ...listQuery(options),
      },
      call: options,
    });
  }

  // ---- versions ---------------------------------------------------------------

  /** One page of a bucket's versions (ListVersions). */
  async listVersions(bucketName: string, options?: ListCallOptions): Promise<ListVersionsResponse> {
    return this.packer('GET', `${bucketPath(bucketName)}/versions`, {
      query: listQuery(options),
      call: options,
    });
  }

  /** Creates an empty `v0` version for a fingerprint (CreateVersion, `POST …/versions`). */
  async createVersion(
    bucketName: string,
    body: CreateVersionBody,
    call?: CallOptions,
  ): Promise<Version> {
    segment('body.fingerprint', body?.fingerprint);
    const path = `${bucketPath(bucketName)}/versions`;
    return this.packer('POST', path, { body, call, unwrap: 'version' });
  }

  /**
   * A version by fingerprint, with its builds (GetVersion). An unknown
   * fingerprint fails with code 10 ({@link isVersionNotFound}), HTTP 409.
   */
  async getVersion(bucketName: string, fingerprint: string, call?: CallOptions): Promise<Version> {
    const path = versionPath(bucketName, fingerprint);
    return this.packer('GET', path, { call, unwrap: 'version' });
  }

  /**
   * Revokes, schedules, restores or completes a version (UpdateVersion,
   * `PATCH …/versions/{fingerprint}`). The response may carry the long-running
   * `operation` that revokes descendants. See also
   * {@link RegistryClient.revokeVersion} and {@link RegistryClient.restoreVersion}.
   */
  async updateVersion(
    bucketName: string,
    fingerprint: string,
    body: UpdateVersionBody,
    call?: CallOptions,
  ): Promise<UpdateVersionResponse> {
    const path = versionPath(bucketName, fingerprint);
    const response = await this.packer<UpdateVersionResponse>('PATCH', path, { body, call });
    expectObject(response, 'version', 'PATCH', path);
    return response;
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
    if (options.revokeAt !== undefined && options.revokeIn !== undefined) {
      throw new RegistryArgumentError('options', 'pass revokeAt or revokeIn, not both');
    }
    const revokeAt =
      options.revokeAt instanceof Date ? options.revokeAt.toISOString() : options.revokeAt;
    const body: UpdateVersionBody = {
      ...(revokeAt === undefined
        ? { revoke_in: options.revokeIn ?? '0s' }
        : { revoke_at: revokeAt }),
      revocation_message: options.message,
      skip_descendants_revocation: options.skipDescendantsRevocation,
      disable_rollback_channels: options.disableRollbackChannels,
    };
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
  async deleteVersion(
    bucketName: string,
    fingerprint: string,
    options?: DeleteVersionOptions,
  ): Promise<void> {
    await this.packer('DELETE', versionPath(bucketName, fingerprint), {
      query: { rollback_channels: options?.rollbackChannels },
      call: options,
    });
  }

  // ---- builds -----------------------------------------------------------------

  /** One page of a version's builds with their artifacts (ListBuilds). */
  async listBuilds(
    bucketName: string,
    fingerprint: string,
    options?: ListCallOptions,
  ): Promise<ListBuildsResponse> {
    return this.packer('GET', `${versionPath(bucketName, fingerprint)}/builds`, {
      query: listQuery(options),
      call: options,
    });
  }

  /** Creates a build for one component (CreateBuild); a duplicate component fails with code 6. */
  async createBuild(
    bucketName: string,
    fingerprint: string,
    body: CreateBuildBody,
    call?: CallOptions,
  ): Promise<Build> {
    const path = `${versionPath(bucketName, fingerprint)}/builds`;
    return this.packer('POST', path, { body, call, unwrap: 'build' });
  }

  /** A build with artifacts and metadata (GetBuild). */
  async getBuild(
    bucketName: string,
    fingerprint: string,
    buildId: string,
    call?: CallOptions,
  ): Promise<Build> {
    const path = buildPath(bucketName, fingerprint, buildId);
    return this.packer('GET', path, { call, unwrap: 'build' });
  }

  /**
   * Updates a build (UpdateBuild): status, artifacts, labels, parents,
   * metadata. A body that only sets `status: 'BUILD_RUNNING'` is a heartbeat
   * and is retried like an idempotent call; other updates are not, unless
   * `idempotent: true` is passed.
   */
  async updateBuild(
    bucketName: string,
    fingerprint: string,
    buildId: string,
    body: UpdateBuildBody,
    call?: CallOptions,
  ): Promise<Build> {
    return this.packer('PATCH', buildPath(bucketName, fingerprint, buildId), {
      body,
      call,
      idempotent: isHeartbeat(body) ? true : undefined,
      unwrap: 'build',
    });
  }

  /** Deletes a build (DeleteBuild). */
  async deleteBuild(
    bucketName: string,
    fingerprint: string,
    buildId: string,
    call?: CallOptions,
  ): Promise<void> {
    await this.packer('DELETE', buildPath(bucketName, fingerprint, buildId), { call });
  }

  // ---- channels -----------------------------------------------------------------

  /** One page of a bucket's channels (ListChannels). */
  async listChannels(bucketName: string, options?: ListCallOptions): Promise<ListChannelsResponse> {
    return this.packer('GET', `${bucketPath(bucketName)}/channels`, {
      query: listQuery(options),
      call: options,
    });
  }

  /** Creates a channel, empty or assigned (CreateChannel); a duplicate fails with code 6. */
  async createChannel(
    bucketName: string,
    body: CreateChannelBody,
    call?: CallOptions,
  ): Promise<Channel> {
    segment('body.name', body?.name);
    const path = `${bucketPath(bucketName)}/channels`;
    return this.packer('POST', path, { body, call, unwrap: 'channel' });
  }

  /** A channel with its full assigned version (GetChannel); missing → code 5. */
  async getChannel(bucketName: string, channelName: string, call?: CallOptions): Promise<Channel> {
    const path = channelPath(bucketName, channelName);
    return this.packer('GET', path, { call, unwrap: 'channel' });
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
  async updateChannel(
    bucketName: string,
    channelName: string,
    body: UpdateChannelBody,
    call?: CallOptions,
  ): Promise<Channel> {
    const path = channelPath(bucketName, channelName);
    return this.packer('PATCH', path, { body, call, unwrap: 'channel' });
  }

  /** Deletes a channel (DeleteChannel); the managed `latest` is refused. */
  async deleteChannel(bucketName: string, channelName: string, call?: CallOptions): Promise<void> {
    await this.packer('DELETE', channelPath(bucketName, channelName), { call });
  }

  /**
   * Copies `source_channel`'s version to `target_channel` (AssignChannelVersion,
   * `POST /buckets/{bucket}/channels/assign`), e.g. promote staging → production.
   */
  async assignChannel(
    bucketName: string,
    body: AssignChannelBody,
    call?: CallOptions,
  ): Promise<AssignChannelVersionResponse> {
    return this.packer('POST', `${bucketPath(bucketName)}/channels/assign`, { body, call });
  }

  /** One page of a channel's assignment history (ListChannelAssignmentHistory). */
  async listChannelHistory(
    bucketName: string,
    channelName: string,
    options?: ListCallOptions,
  ): Promise<ListChannelHistoryResponse> {
    return this.packer('GET', `${channelPath(bucketName, channelName)}/history`, {
      query: listQuery(options),
      call: options,
    });
  }

  // ---- search -------------------------------------------------------------------

  /**
   * Which bucket, version and build produced an external artifact, e.g. an AMI
   * id (SearchExternalArtifact, `POST /_search/external_artifact`). A read, so
   * retried like GET although sent as POST.
   */
  async searchExternalArtifact(
    body: SearchExternalArtifactBody,
    call?: CallOptions,
  ): Promise<SearchExternalArtifactResponse> {
    return this.packer('POST', '/_search/external_artifact', { body, call, idempotent: true });
  }

  // ---- pagination ---------------------------------------------------------------

  /** Every bucket, page after page. */
  paginate(method: 'listBuckets', options?: ListCallOptions): AsyncIterableIterator<Bucket>;
  /** Every version of a bucket. */
  paginate(
    method: 'listVersions',
    bucketName: string,
    options?: ListCallOptions,
  ): AsyncIterableIterator<Version>;
  /** Every build of a version. */
  paginate(
    method: 'listBuilds',
    bucketName: string,
    fingerprint: string,
    options?: ListCallOptions,
  ): AsyncIterableIterator<Build>;
  /** Every channel of a bucket. */
  paginate(
    method: 'listChannels',
    bucketName: string,
    options?: ListCallOptions,
  ): AsyncIterableIterator<Channel>;
  /** Every assignment in a channel's history. */
  paginate(
    method: 'listChannelHistory',
    bucketName: string,
    channelName: string,
    options?: ListCallOptions,
  ): AsyncIterableIterator<ChannelAssignment>;
  /** Every ancestry relation of a bucket. */
  paginate(
    method: 'listBucketAncestry',
    bucketName: string,
    options?: ListBucketAncestryOptions,
  ): AsyncIterableIterator<BucketAncestry>;
  /** Every organization visible to the credentials. */
  paginate(
    method: 'listOrganizations',
    options?: ListCallOptions,
  ): AsyncIterableIterator<Organization>;
  /** Every project of an organization. */
  paginate(method: 'listProjects', options?: ListProjectsOptions): AsyncIterableIterator<Project>;
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
  paginate(method: PaginatedMethod, ...args: unknown[]): AsyncIterableIterator<unknown> {
    const spec = PAGINATED[method];
    if (spec === undefined) {
      throw new RegistryArgumentError('method', `${String(method)} is not a list method`);
    }
    const positional = args.slice(0, spec.positional);
    const options = (args[spec.positional] ?? {}) as ListCallOptions;
    const list = this[method] as unknown as (...callArgs: unknown[]) => Promise<object>;
    return this.iterate(
      (token) => list.call(this, ...positional, { ...options, nextPageToken: token }),
      (page) => ((page as Record<string, unknown>)[spec.items] as unknown[] | undefined) ?? [],
      options.nextPageToken,
    );
  }

  private async *iterate<P extends PageShape, T>(
    fetchPage: (token: string | undefined) => Promise<P>,
    items: (page: P) => readonly T[],
    firstToken?: string,
  ): AsyncIterableIterator<T> {
    const seen = new Set<string>();
    let token = firstToken || undefined;
    for (;;) {
      const page = await fetchPage(token);
      yield* items(page);
      const next = page.pagination?.next_page_token;
      if (next === undefined || next === '') return;
      if (seen.has(next)) {
        throw new RegistryResponseError(
          'GET',
          '(pagination)',
          `the server returned page token ${JSON.stringify(next)} twice; stopping to avoid an endless loop`,
        );
      }
      seen.add(next);
      token = next;
    }
  }

  // ---- lifecycle helpers ----------------------------------------------------------

  /**
   * Makes sure a bucket exists with the given description and labels, as
   * Packer does before a build: GetBucket; on code 5 CreateBucket; otherwise
   * UpdateBucket only when description or labels differ (so users who may
   * write to a bucket but not create buckets can still push). A concurrent
   * create (code 6) is absorbed.
   */
  async upsertBucket(bucketName: string, options: UpsertBucketOptions = {}): Promise<Bucket> {
    const { description, labels } = options;
    let bucket: Bucket;
    try {
      bucket = await this.getBucket(bucketName, options);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        return await this.createBucket({ name: bucketName, description, labels }, options);
      } catch (createError) {
        if (!isAlreadyExists(createError)) throw createError;
        bucket = await this.getBucket(bucketName, options);
      }
    }
    const descriptionDiffers =
      description !== undefined && description !== (bucket.description ?? '');
    const labelsDiffer = labels !== undefined && !sameLabels(labels, bucket.labels ?? {});
    if (!descriptionDiffers && !labelsDiffer) return bucket;
    // Send both fields: a PATCH without update_mask may reset what it leaves out.
    return this.updateBucket(
      bucketName,
      {
        description: description ?? bucket.description ?? '',
        labels: labels ?? bucket.labels ?? {},
      },
      options,
    );
  }

  /**
   * Returns the version for a fingerprint, creating it when GetVersion
   * answers code 10 (exactly what Packer does; any other error is thrown). A
   * concurrent create (code 6) is absorbed. The caller decides what to do
   * with a version that is already complete ({@link isVersionComplete}) or
   * has another `template_type`.
   */
  async ensureVersion(
    bucketName: string,
    fingerprint: string,
    templateType: TemplateType,
    call?: CallOptions,
  ): Promise<Version> {
    try {
      return await this.getVersion(bucketName, fingerprint, call);
    } catch (error) {
      if (!isVersionNotFound(error)) throw error;
    }
    try {
      return await this.createVersion(
        bucketName,
        { fingerprint, template_type: templateType },
        call,
      );
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      return this.getVersion(bucketName, fingerprint, call);
    }
  }

  // ---- plumbing -------------------------------------------------------------------

  private async packer<T>(
    method: HttpMethod,
    suffix: string,
    init: RequestInitOptions,
  ): Promise<T> {
    const { organizationId, projectId } = await this.resolveLocation(init.call);
    const scope =
      `${PACKER_API_PREFIX}/organizations/${segment('organizationId', organizationId)}` +
      `/projects/${segment('projectId', projectId)}`;
    return this.request<T>(method, `${scope}${suffix}`, init);
  }

  private async request<T>(method: HttpMethod, path: string, init: RequestInitOptions): Promise<T> {
    const { call } = init;
    const pathAndQuery = `${path}${queryString(init.query)}`;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.userAgent,
    };
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const idempotent = call?.idempotent ?? init.idempotent ?? IDEMPOTENT_METHODS.has(method);

    let response;
    for (let refreshed = false; ; refreshed = true) {
      const token =
        this.tokens === undefined ? this.accessToken : await this.tokens.token(call?.signal);
      if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
      response = await this.transport.send({
        method,
        url: `${this.baseUrl}${pathAndQuery}`,
        headers,
        body,
        idempotent,
        signal: call?.signal,
        timeoutMs: callTimeout(call?.timeoutMs, this.timeoutMs),
      });
      // An expired or revoked token: fetch a fresh one and try once more. The
      // registry did not process the request, so this is safe for any method.
      if (
        response.status !== 401 ||
        this.tokens === undefined ||
        refreshed ||
        token === undefined
      ) {
        break;
      }
      this.tokens.invalidate(token);
    }

    if (response.status < 200 || response.status >= 300) {
      throw toApiError(method, pathAndQuery, response);
    }
    let parsed: unknown = {};
    if (response.text.trim() !== '') {
      try {
        parsed = JSON.parse(response.text) as unknown;
      } catch {
        throw new RegistryResponseError(
          method,
          pathAndQuery,
          `HTTP ${response.status} with a body that is not JSON: ${response.text.slice(0, 200)}`,
        );
      }
    }
    if (init.unwrap === undefined) return parsed as T;
    return expectObject(parsed, init.unwrap, method, pathAndQuery) as T;
  }
}

type PaginatedMethod =
  | 'listBuckets'
  | 'listVersions'
  | 'listBuilds'
  | 'listChannels'
  | 'listChannelHistory'
  | 'listBucketAncestry'
  | 'listOrganizations'
  | 'listProjects';

/** For each list method: how many positional arguments precede its options, and the items key. */
const PAGINATED: Readonly<Record<PaginatedMethod, { positional: number; items: string }>> = {
  listBuckets: { positional: 0, items: 'buckets' },
  listVersions: { positional: 1, items: 'versions' },
  listBuilds: { positional: 2, items: 'builds' },
  listChannels: { positional: 1, items: 'channels' },
  listChannelHistory: { positional: 2, items: 'history' },
  listBucketAncestry: { positional: 1, items: 'relations' },
  listOrganizations: { positional: 0, items: 'organizations' },
  listProjects: { positional: 0, items: 'projects' },
};

/** `body[key]` when it is an object; otherwise a RegistryResponseError. */
function expectObject(body: unknown, key: string, method: string, path: string): unknown {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'object' || value === null) {
    throw new RegistryResponseError(method, path, `the response has no "${key}" object`);
  }
  return value;
}

function bucketPath(bucketName: string): string {
  return `/buckets/${segment('bucketName', bucketName)}`;
}

function versionPath(bucketName: string, fingerprint: string): string {
  return `${bucketPath(bucketName)}/versions/${segment('fingerprint', fingerprint)}`;
}

function buildPath(bucketName: string, fingerprint: string, buildId: string): string {
  return `${versionPath(bucketName, fingerprint)}/builds/${segment('buildId', buildId)}`;
}

function channelPath(bucketName: string, channelName: string): string {
  return `${bucketPath(bucketName)}/channels/${segment('channelName', channelName)}`;
}

function isHeartbeat(body: UpdateBuildBody | undefined): boolean {
  if (body === undefined || body === null) return false;
  const keys = Object.entries(body)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
  return keys.length === 1 && keys[0] === 'status' && body.status === 'BUILD_RUNNING';
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}

function oldestProject(projects: readonly Project[]): Project | undefined {
  let oldest: Project | undefined;
  let oldestTime = Number.POSITIVE_INFINITY;
  for (const project of projects) {
    const parsed = Date.parse(project.created_at);
    const time = Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
    if (oldest === undefined || time < oldestTime) {
      oldest = project;
      oldestTime = time;
    }
  }
  return oldest;
}

function checkUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new RegistryConfigError(option, 'must be a URL such as http://127.0.0.1:8080');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RegistryConfigError(
      option,
      `${JSON.stringify(value)} is not a URL (include http:// or https://)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RegistryConfigError(option, `must use http or https, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new RegistryConfigError(option, 'must not carry credentials; use clientId/clientSecret');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new RegistryConfigError(option, 'must not have a query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function checkNumber(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RegistryConfigError(option, `must be a finite number ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

function callTimeout(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RegistryArgumentError(
      'timeoutMs',
      `must be a finite number ≥ 0, got ${String(value)}`,
    );
  }
  return value;
}

function optionalId(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new RegistryConfigError(option, 'must be a non-empty id when given');
  }
  return value;
}

function retryPolicy(retries: RegistryClientOptions['retries']): RetryPolicy {
  if (retries === false) return { ...DEFAULT_RETRY, attempts: 1 };
  const policy: RetryPolicy = {
    attempts: retries?.attempts ?? DEFAULT_RETRY.attempts,
    baseDelayMs: retries?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: retries?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  checkNumber('retries.attempts', policy.attempts, 1);
  if (!Number.isInteger(policy.attempts)) {
    throw new RegistryConfigError('retries.attempts', 'must be a whole number');
  }
  checkNumber('retries.baseDelayMs', policy.baseDelayMs, 0);
  checkNumber('retries.maxDelayMs', policy.maxDelayMs, 0);
  return policy;
}

/**
 * `imprint-client/<version> node/<version>` under Node; elsewhere (a browser)
 * `imprint-client/<version>`, since there is no `process` to ask.
 */
function defaultUserAgent(): string {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node;
  return node === undefined
    ? `imprint-client/${CLIENT_VERSION}`
    : `imprint-client/${CLIENT_VERSION} node/v${node}`;
}
