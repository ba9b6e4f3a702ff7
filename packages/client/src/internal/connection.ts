import {
  RegistryAbortedError,
  RegistryConfigError,
  RegistryResponseError,
} from '../errors/client.errors';
import { discoverLocation } from '../operations/resource-manager';
import { RESOURCE_MANAGER_PREFIX, packerScopePath } from '../operations/paths';
import type { CallOptions, FetchLike, RegistryClientOptions } from '../options';
import { toApiError } from './api-error';
import {
  DEFAULT_AUDIENCE,
  DEFAULT_TIMEOUT_MS,
  callTimeout,
  checkNumber,
  checkUrl,
  defaultUserAgent,
  optionalId,
  retryPolicy,
} from './client-settings';
import { raceAbort } from './race-abort';
import type { Query } from './request-path';
import { queryString } from './request-path';
import { TokenSource } from './token-source';
import { Transport } from './transport';

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** Organization and project every packer path is scoped to. */
export interface ResolvedLocation {
  organizationId: string;
  projectId: string;
}

/** What {@link RegistryClient.requestAccessToken} returns. */
export interface IssuedToken {
  readonly accessToken: string;
  /** Epoch ms after which not to use it (a margin before `expires_in`); absent: until rejected. */
  readonly expiresAt?: number;
}

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface RequestInitOptions {
  query?: Query;
  body?: unknown;
  call?: CallOptions;
  /** Overrides the method-based default when the caller says nothing. */
  idempotent?: boolean;
  /** Key of the object the response must carry (and that is returned), e.g. `bucket`. */
  unwrap?: string;
}

/**
 * The arguments of an operation of `operations/*` after the connection, which the client
 * supplies: {@link RegistryClient}'s methods take these, so each signature is written once.
 */
export type OperationArgs<Operation> = Operation extends (
  connection: RegistryConnection,
  ...args: infer Args
) => unknown
  ? Args
  : never;

/**
 * What every operation goes through: the checked options, credentials,
 * organization/project discovery, and one HTTP exchange turned into a parsed
 * body or a typed error. One per {@link RegistryClient}.
 */
export class RegistryConnection {
  readonly baseUrl: string;
  private readonly transport: Transport;
  private readonly tokens: TokenSource | undefined;
  private readonly accessToken: string | undefined;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  readonly fixedOrganizationId: string | undefined;
  readonly fixedProjectId: string | undefined;
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
    this.timeoutMs = checkNumber('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 0);
    this.userAgent = options.userAgent ?? defaultUserAgent();
    this.fixedOrganizationId = optionalId('organizationId', options.organizationId);
    this.fixedProjectId = optionalId('projectId', options.projectId);
    this.transport = new Transport(fetchFn, retryPolicy(options.retries));

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

  /** See {@link RegistryClient.resolveLocation}. */
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
      const pending = discoverLocation(this, call?.timeoutMs);
      this.location = pending;
      pending.catch(() => {
        if (this.location === pending) this.location = undefined;
      });
    }
    return raceAbort(this.location, call?.signal, abortError);
  }

  /** The organization alone: a fixed one is used without discovering the project. */
  async resolveOrganizationOnly(call?: CallOptions): Promise<{ organizationId: string }> {
    if (this.fixedOrganizationId !== undefined) return { organizationId: this.fixedOrganizationId };
    return this.resolveLocation(call);
  }

  /** See {@link RegistryClient.requestAccessToken}. */
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

  /** A call below the project scope: `suffix` is e.g. `/buckets/x`. */
  async packer<T>(method: HttpMethod, suffix: string, init: RequestInitOptions): Promise<T> {
    const { organizationId, projectId } = await this.resolveLocation(init.call);
    return this.request<T>(method, `${packerScopePath(organizationId, projectId)}${suffix}`, init);
  }

  async request<T>(method: HttpMethod, path: string, init: RequestInitOptions): Promise<T> {
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

/** `body[key]` when it is an object; otherwise a RegistryResponseError. */
export function expectObject(body: unknown, key: string, method: string, path: string): unknown {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'object' || value === null) {
    throw new RegistryResponseError(method, path, `the response has no "${key}" object`);
  }
  return value;
}
