/**
 * The `fetch` the client calls: the global one by default. Inject another to
 * add a proxy agent, logging or instrumentation.
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Retry policy. A call is tried at most `attempts` times in all; the wait
 * before retry `n` (1-based) is a random value between half and all of
 * `min(maxDelayMs, baseDelayMs × 2^(n-1))`, or the server's `Retry-After`
 * when it sends one.
 */
export interface RetryOptions {
  /** Total tries per call, first one included (default 4; `1` disables retries). */
  attempts?: number;
  /** Backoff before the first retry, in milliseconds (default 250). */
  baseDelayMs?: number;
  /**
   * Longest wait between tries, in milliseconds (default 30 000). A
   * `Retry-After` longer than this is not waited for: the error is thrown at
   * once with `retryAfterMs` set.
   */
  maxDelayMs?: number;
}

/** Options of {@link RegistryClient}. Only `baseUrl` is required. */
export interface RegistryClientOptions {
  /** Registry root URL, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  baseUrl: string;
  /**
   * Organization id. When absent it is discovered: the credentials must see
   * exactly one organization (as Packer requires).
   */
  organizationId?: string;
  /** Project id. When absent the organization's oldest project is used (as Packer does). */
  projectId?: string;
  /** OAuth client id (service principal); with `clientSecret`, enables client-credentials auth. */
  clientId?: string;
  /** OAuth client secret. Never logged nor put in error messages. */
  clientSecret?: string;
  /** Where `/oauth2/token` lives, when not on `baseUrl` (HCP: `https://auth.idp.hashicorp.com`). */
  authUrl?: string;
  /**
   * `audience` form field of the token request (default
   * `https://api.hashicorp.cloud`, what HCP's own SDK sends; `''` omits it).
   */
  tokenAudience?: string;
  /** A ready access token, sent as `Bearer`; used when no client credentials are given. */
  accessToken?: string;
  /** The `fetch` to use (default: the global one). */
  fetch?: FetchLike;
  /** Retry policy, or `false` for a single try per call. */
  retries?: RetryOptions | false;
  /** Per-attempt timeout in milliseconds, body included (default 30 000; `0` = none). */
  timeoutMs?: number;
  /** `User-Agent` header (default `imprint-client/<version> node/<version>`). */
  userAgent?: string;
}

/** Options every client method accepts as its last argument. */
export interface CallOptions {
  /** Abort the call (and any wait between retries); rejects with `RegistryAbortedError`. */
  signal?: AbortSignal;
  /**
   * Whether the call may be repeated safely, which allows retries on 429/502/503/504
   * and on connection errors after the request was sent. Defaults to true for
   * GET, PUT and DELETE and false for POST and PATCH (except an UpdateBuild
   * heartbeat, whose body only sets `BUILD_RUNNING`).
   */
  idempotent?: boolean;
  /** Per-attempt timeout for this call, overriding the client's `timeoutMs`. */
  timeoutMs?: number;
}
