import {
  RegistryApiError,
  RegistryAuthError,
  RegistryClient,
  type FetchLike,
} from '@imprint/client';

const TOKEN_KEY = 'imprint.console.token';
/** The registry's largest page (`MAX_PAGE_SIZE`): lists in the fewest round trips. */
export const PAGE_SIZE = 1000;
/** Assumed lifetime of a token whose response gave none. */
const DEFAULT_TOKEN_TTL_MS = 3_600_000;

interface StoredToken {
  accessToken: string;
  expiresAt: number;
}

/**
 * No cookies, no HTTP cache: the registry authenticates by bearer token
 * only, and its answers reflect the latest write.
 */
const consoleFetch: FetchLike = (url, init) =>
  fetch(url, { ...init, credentials: 'omit', cache: 'no-store' });

/**
 * The console's way to the registry: `@imprint/client` (the same client the
 * CLI and the runner use) on this page's origin, with the bearer token kept
 * in `sessionStorage`. Only the token is kept, never the client secret, and
 * it travels only in the `Authorization` header: never in a URL or a log.
 */
export class RegistrySession {
  /** The client for the current token (a new one after sign-in and sign-out). */
  registry: RegistryClient;

  constructor(private readonly origin = location.origin) {
    this.registry = this.connect();
  }

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

  private connect(): RegistryClient {
    return new RegistryClient({
      baseUrl: this.origin,
      accessToken: this.token(),
      fetch: consoleFetch,
    });
  }

  get hasToken(): boolean {
    return this.token() !== undefined;
  }

  /** Exchanges client credentials for a token (client-credentials grant) and keeps the token. */
  async signIn(clientId: string, clientSecret: string): Promise<void> {
    const exchange = new RegistryClient({
      baseUrl: this.origin,
      clientId,
      clientSecret,
      // The registry ignores audience; HCP's would not apply here.
      tokenAudience: '',
      fetch: consoleFetch,
      // A refused secret is not worth asking again.
      retries: false,
    });
    const issued = await exchange.requestAccessToken();
    const stored: StoredToken = {
      accessToken: issued.accessToken,
      expiresAt: issued.expiresAt ?? Date.now() + DEFAULT_TOKEN_TTL_MS,
    };
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify(stored));
    this.registry = this.connect();
  }

  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    this.registry = this.connect();
  }
}

/** Every item of an async iteration (the client's `paginate`), in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** True when the registry refused the call for want of (valid) credentials. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof RegistryApiError && error.httpStatus === 401;
}

/** What to tell the person at the console: the registry's own words where there are some. */
export function messageOf(error: unknown): string {
  if (error instanceof RegistryApiError) return error.serverMessage || error.message;
  if (error instanceof RegistryAuthError) return error.description ?? error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
