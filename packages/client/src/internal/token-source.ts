import { RegistryAbortedError, RegistryAuthError } from '../errors/client.errors';
import { raceAbort } from './race-abort';
import type { Transport } from './transport';

/** Settings of the OAuth client-credentials exchange. */
export interface TokenSourceConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** `audience` form field; empty = not sent. */
  audience: string;
  userAgent: string;
  timeoutMs: number;
  now?: () => number;
}

interface CachedToken {
  value: string;
  /** Epoch ms after which the token is not used any more (already shortened by the margin). */
  refreshAt: number;
}

/**
 * Gets access tokens with the OAuth 2.0 client-credentials grant (RFC 6749
 * §4.4): credentials in an HTTP Basic header, each form-urlencoded first as
 * §2.3.1 asks (and as Go's oauth2 package, which Packer uses, does). Tokens are
 * cached until shortly before `expires_in`; concurrent callers share one
 * request.
 */
export class TokenSource {
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly config: TokenSourceConfig,
    private readonly transport: Transport,
  ) {
    this.now = config.now ?? Date.now;
  }

  /** A valid token, from the cache when it is fresh enough. */
  async token(signal?: AbortSignal): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.refreshAt) return this.cached.value;
    const abortError = (): RegistryAbortedError =>
      new RegistryAbortedError('POST', this.config.tokenUrl, signal?.reason);
    if (signal?.aborted) throw abortError();
    // Share the request in flight, but don't let one caller's abort fail the others.
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return raceAbort(this.pending, signal, abortError);
  }

  /** A valid token and when it stops being used ({@link token}, with its refresh time). */
  async issued(signal?: AbortSignal): Promise<{ value: string; refreshAt: number }> {
    const value = await this.token(signal);
    const refreshAt =
      this.cached?.value === value ? this.cached.refreshAt : Number.POSITIVE_INFINITY;
    return { value, refreshAt };
  }

  /** Forget `token` (rejected by the registry) so the next call fetches a new one. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { tokenUrl, clientId, clientSecret, audience } = this.config;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (audience !== '') form.set('audience', audience);
    const basic = base64(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
    const startedAt = this.now();
    const response = await this.transport.send({
      method: 'POST',
      url: tokenUrl,
      headers: {
        Accept: 'application/json',
        Authorization: `Basic ${basic}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'User-Agent': this.config.userAgent,
      },
      body: form.toString(),
      // Asking twice for a token has no effect beyond a spare token.
      idempotent: true,
      timeoutMs: this.config.timeoutMs,
    });

    const body = parseJson(response.text);
    if (response.status < 200 || response.status >= 300) {
      const oauthError = stringField(body, 'error');
      const description = stringField(body, 'error_description') ?? stringField(body, 'message');
      const detail = [oauthError, description].filter((part) => part !== undefined).join(': ');
      throw new RegistryAuthError({
        tokenUrl,
        httpStatus: response.status,
        oauthError,
        description,
        problem: `HTTP ${response.status}${detail === '' ? '' : ` ${detail}`}`,
      });
    }
    const accessToken = stringField(body, 'access_token');
    if (accessToken === undefined || accessToken === '') {
      throw new RegistryAuthError({
        tokenUrl,
        httpStatus: response.status,
        problem: 'the response has no access_token',
      });
    }
    const expiresIn = Number((body as { expires_in?: unknown }).expires_in);
    this.cached = {
      value: accessToken,
      // No expires_in: keep the token until the registry rejects it (401 → refresh).
      refreshAt:
        Number.isFinite(expiresIn) && expiresIn > 0
          ? startedAt + expiresIn * 1000 - Math.min(60_000, expiresIn * 100)
          : Number.POSITIVE_INFINITY,
    };
    return accessToken;
  }
}

/** Base64 of `text`'s UTF-8 bytes, with what browsers and Node both have (no `Buffer`). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}
