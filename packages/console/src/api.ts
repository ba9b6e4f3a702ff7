import type {
  AncestryType,
  Bucket,
  BucketAncestry,
  Channel,
  ChannelAssignment,
  ExternalArtifactMatch,
  Pagination,
  RpcStatus,
  Version,
} from '@imprint/client';

/** A role of the caller, weakest first. */
export type Role = 'viewer' | 'contributor' | 'admin';

/** Response of `GET /iam/2019-12-10/caller-identity`. */
export interface CallerIdentity {
  principal: {
    id: string;
    type: string;
    service: { id: string; name: string; role: Role };
  };
}

/** An API call that failed: the HTTP status and the registry's `google.rpc.Status`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'imprint.console.token';
const PACKER = '/packer/2023-01-01';
const RESOURCE_MANAGER = '/resource-manager/2019-12-10';
/** The registry's largest page (`MAX_PAGE_SIZE`): fewest round trips. */
const PAGE_SIZE = '1000';

interface StoredToken {
  accessToken: string;
  expiresAt: number;
}

/** Base64 of a string, UTF-8 safe. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** One page of a list: its items, the list's `total_count` when it has one, and whether more follow. */
export interface ListPage<T> {
  items: T[];
  totalCount?: number;
  more: boolean;
}

/** What `revokeVersion` sends: immediately, or at a time (scheduled). */
export interface RevokeOptions {
  /** RFC 3339; absent = now. */
  revokeAt?: string;
  message: string;
  skipDescendants: boolean;
}

/**
 * The console's only way to the registry: the same public HTTP API as the CLI
 * (HCP Packer 2023-01-01, resource-manager discovery, `POST /oauth2/token`).
 * The bearer token lives in `sessionStorage` and only in the `Authorization`
 * header; it never goes into a URL or a log.
 */
export class RegistryApi {
  private project: Promise<string> | undefined;

  constructor(private readonly origin = '') {}

  /** The stored token, unless it has expired. */
  private token(): string | undefined {
    const raw = sessionStorage.getItem(TOKEN_KEY);
    if (!raw) return undefined;
    try {
      const stored = JSON.parse(raw) as StoredToken;
      if (typeof stored.accessToken === 'string' && stored.expiresAt > Date.now()) {
        return stored.accessToken;
      }
    } catch {
      // A damaged entry is dropped below.
    }
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }

  get hasToken(): boolean {
    return this.token() !== undefined;
  }

  /** Exchanges client credentials for a token (client-credentials grant, HTTP Basic). */
  async signIn(clientId: string, clientSecret: string): Promise<void> {
    const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
    const response = await fetch(`${this.origin}/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${base64(credentials)}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      credentials: 'omit',
      cache: 'no-store',
    });
    const body = await readBody(response);
    if (!response.ok) throw toError(response, body);
    const token = body as { access_token?: unknown; expires_in?: unknown };
    if (typeof token.access_token !== 'string') {
      throw new ApiError(response.status, undefined, 'the token response has no access_token');
    }
    const ttl = typeof token.expires_in === 'number' ? token.expires_in : 3600;
    const stored: StoredToken = {
      accessToken: token.access_token,
      expiresAt: Date.now() + Math.max(ttl - 30, 1) * 1000,
    };
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify(stored));
    this.project = undefined;
  }

  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    this.project = undefined;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
    const parsed = await readBody(response);
    if (!response.ok) throw toError(response, parsed);
    return parsed as T;
  }

  /** Yields a list's pages, following `next_page_token`; stops early when the caller does. */
  private async *pages<K extends string, T>(
    path: string,
    key: K,
    query: Record<string, string> = {},
  ): AsyncGenerator<ListPage<T>> {
    let next: string | undefined;
    do {
      const params = new URLSearchParams({ ...query, 'pagination.page_size': PAGE_SIZE });
      if (next) params.set('pagination.next_page_token', next);
      const page = await this.request<
        Record<K, T[]> & { pagination?: Pagination; total_count?: number }
      >('GET', `${path}?${params.toString()}`);
      next = page.pagination?.next_page_token || undefined;
      yield { items: page[key] ?? [], totalCount: page.total_count, more: next !== undefined };
    } while (next);
  }

  /** Every item of a list, page after page. */
  private async all<K extends string, T>(
    path: string,
    key: K,
    query: Record<string, string> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.pages<K, T>(path, key, query)) items.push(...page.items);
    return items;
  }

  callerIdentity(): Promise<CallerIdentity> {
    return this.request('GET', '/iam/2019-12-10/caller-identity');
  }

  /** `/packer/2023-01-01/organizations/{org}/projects/{project}`, discovered once. */
  private base(): Promise<string> {
    this.project ??= (async () => {
      const { organizations } = await this.request<{ organizations: { id: string }[] }>(
        'GET',
        `${RESOURCE_MANAGER}/organizations`,
      );
      const organization = organizations[0];
      if (!organization) throw new ApiError(404, 5, 'the registry lists no organization');
      const scope = new URLSearchParams({
        'scope.type': 'ORGANIZATION',
        'scope.id': organization.id,
      });
      const { projects } = await this.request<{ projects: { id: string }[] }>(
        'GET',
        `${RESOURCE_MANAGER}/projects?${scope.toString()}`,
      );
      const project = projects[0];
      if (!project) throw new ApiError(404, 5, 'the registry lists no project');
      return `${PACKER}/organizations/${encodeURIComponent(organization.id)}/projects/${encodeURIComponent(project.id)}`;
    })();
    this.project.catch(() => (this.project = undefined));
    return this.project;
  }

  private async bucketPath(bucket: string, rest = ''): Promise<string> {
    return `${await this.base()}/buckets/${encodeURIComponent(bucket)}${rest}`;
  }

  async listBuckets(): Promise<Bucket[]> {
    return this.all(`${await this.base()}/buckets`, 'buckets');
  }

  async getBucket(bucket: string): Promise<Bucket> {
    return (await this.request<{ bucket: Bucket }>('GET', await this.bucketPath(bucket))).bucket;
  }

  async listVersions(bucket: string): Promise<Version[]> {
    return this.all(await this.bucketPath(bucket, '/versions'), 'versions', {
      'sorting.order_by': 'created_at desc',
    });
  }

  async getVersion(bucket: string, fingerprint: string): Promise<Version> {
    const path = await this.bucketPath(bucket, `/versions/${encodeURIComponent(fingerprint)}`);
    return (await this.request<{ version: Version }>('GET', path)).version;
  }

  async listChannels(bucket: string): Promise<Channel[]> {
    return this.all(await this.bucketPath(bucket, '/channels'), 'channels');
  }

  async channelHistory(bucket: string, channel: string): Promise<ChannelAssignment[]> {
    const path = await this.bucketPath(bucket, `/channels/${encodeURIComponent(channel)}/history`);
    return this.all(path, 'history');
  }

  /**
   * The pages of every relation on the way to all ancestors
   * (`ANCESTRY_TYPE_PARENTS`) or all descendants (`ANCESTRY_TYPE_CHILDREN`)
   * of a version, across buckets: `GET …/ancestry` with the Imprint extension
   * `depth=all`. Nearest generations come first: parent links newest first,
   * child links oldest first (a link is made when its child is built).
   * Stop iterating to stop fetching.
   */
  async *ancestryPages(
    bucket: string,
    fingerprint: string,
    type: Exclude<AncestryType, 'ANCESTRY_TYPE_UNSET'>,
  ): AsyncGenerator<ListPage<BucketAncestry>> {
    yield* this.pages<'relations', BucketAncestry>(
      await this.bucketPath(bucket, '/ancestry'),
      'relations',
      {
        type,
        version_fingerprint: fingerprint,
        depth: 'all',
        'sorting.order_by': type === 'ANCESTRY_TYPE_PARENTS' ? 'created_at desc' : 'created_at asc',
      },
    );
  }

  async searchArtifact(externalIdentifier: string): Promise<ExternalArtifactMatch[]> {
    const { artifacts } = await this.request<{ artifacts: ExternalArtifactMatch[] }>(
      'POST',
      `${await this.base()}/_search/external_artifact`,
      { external_identifier: externalIdentifier },
    );
    return artifacts;
  }

  async revokeVersion(
    bucket: string,
    fingerprint: string,
    options: RevokeOptions,
  ): Promise<Version> {
    const path = await this.bucketPath(bucket, `/versions/${encodeURIComponent(fingerprint)}`);
    const body = {
      ...(options.revokeAt ? { revoke_at: options.revokeAt } : { revoke_in: '0s' }),
      ...(options.message ? { revocation_message: options.message } : {}),
      ...(options.skipDescendants ? { skip_descendants_revocation: true } : {}),
    };
    return (await this.request<{ version: Version }>('PATCH', path, body)).version;
  }

  async restoreVersion(bucket: string, fingerprint: string): Promise<Version> {
    const path = await this.bucketPath(bucket, `/versions/${encodeURIComponent(fingerprint)}`);
    return (await this.request<{ version: Version }>('PATCH', path, { restore: true })).version;
  }

  /** Points an existing channel at a version (`UpdateChannel`). */
  async assignChannel(bucket: string, channel: string, fingerprint: string): Promise<Channel> {
    const path = await this.bucketPath(bucket, `/channels/${encodeURIComponent(channel)}`);
    const body = { version_fingerprint: fingerprint, update_mask: 'versionFingerprint' };
    return (await this.request<{ channel: Channel }>('PATCH', path, body)).channel;
  }

  /** Creates a channel on a version (`CreateChannel`). */
  async createChannel(bucket: string, channel: string, fingerprint: string): Promise<Channel> {
    const path = await this.bucketPath(bucket, '/channels');
    const body = { name: channel, version_fingerprint: fingerprint };
    return (await this.request<{ channel: Channel }>('POST', path, body)).channel;
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toError(response: Response, body: unknown): ApiError {
  const status = body as Partial<RpcStatus> | undefined;
  if (status && typeof status === 'object' && typeof status.message === 'string') {
    return new ApiError(response.status, status.code, status.message);
  }
  return new ApiError(
    response.status,
    undefined,
    `${response.status} ${response.statusText || 'error'} from the registry`,
  );
}
