import type { FastifyBaseLogger } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RegistryError } from '../errors/registry-error';
import { RegistryErrors } from '../errors/registry-errors';

export {
  DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT,
  DEFAULT_TOKEN_RATE_LIMIT_GLOBAL,
} from '../config/defaults';
/** Length of the rate-limit window, in seconds (default). */
export const DEFAULT_TOKEN_RATE_LIMIT_WINDOW_SECONDS = 60;

/**
 * Limits on failed `POST /oauth2/token` requests (wrong or missing
 * credentials, a bad grant type, an oversized or invalid body). Successful
 * requests do not count. `0` turns a limit off.
 */
export interface TokenRateLimitOptions {
  /** Failed requests one client IP address may make per window before 429 (default 10). */
  readonly perClient?: number;
  /** Failed requests from all clients together per window before everyone gets 429 (default 300). */
  readonly global?: number;
  /** Window length in seconds (default 60). */
  readonly windowSeconds?: number;
}

/** {@link TokenRateLimitOptions} with every default filled in. */
export type TokenRateLimitSettings = Required<TokenRateLimitOptions>;

/** The key of the global counter (client keys are IP addresses, which never look like this). */
const GLOBAL_KEY = 'all-clients';

function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * Counts failed token requests per client address and in total, with
 * rate-limiter-flexible's in-memory fixed windows.
 *
 * Each request takes a point from its client's and the global budget before
 * any work is done ({@link admit}), so a burst of concurrent attempts is
 * bounded too, and gets both back when it succeeds ({@link settle}). A
 * client over its own budget is refused without touching the global one, so
 * it cannot exhaust the budget other clients share.
 */
export class TokenFailureLimiter {
  private readonly perClient: RateLimiterMemory | undefined;
  private readonly global: RateLimiterMemory | undefined;

  constructor(
    readonly settings: TokenRateLimitSettings,
    private readonly log: FastifyBaseLogger,
  ) {
    const duration = settings.windowSeconds;
    this.perClient =
      settings.perClient > 0
        ? new RateLimiterMemory({ points: settings.perClient, duration })
        : undefined;
    this.global =
      settings.global > 0
        ? new RateLimiterMemory({ points: settings.global, duration })
        : undefined;
  }

  /**
   * Takes a point from `client`'s and the global budget. Resolves with the
   * 429 to answer when either is spent, `undefined` when the request may go on.
   */
  async admit(client: string): Promise<RegistryError | undefined> {
    if (this.global) {
      const spent = await this.global.get(GLOBAL_KEY);
      if (spent && spent.consumedPoints >= this.settings.global) return this.globalError(spent);
    }
    if (this.perClient) {
      try {
        await this.perClient.consume(client);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        if (rejection.consumedPoints === this.settings.perClient + 1) {
          this.log.warn(
            { client, limit: this.settings.perClient, window_seconds: this.settings.windowSeconds },
            `token endpoint: ${client} made ${this.settings.perClient} failed token requests within ` +
              `${this.settings.windowSeconds} s; refusing its token requests for ${retryAfterSeconds(rejection)} s`,
          );
        }
        return this.clientError(client, rejection);
      }
    }
    if (this.global) {
      try {
        await this.global.consume(GLOBAL_KEY);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        await this.perClient?.reward(client);
        if (rejection.consumedPoints === this.settings.global + 1) {
          this.log.warn(
            { limit: this.settings.global, window_seconds: this.settings.windowSeconds },
            `token endpoint: ${this.settings.global} failed token requests within ` +
              `${this.settings.windowSeconds} s from all clients; refusing every token request for ` +
              `${retryAfterSeconds(rejection)} s`,
          );
        }
        return this.globalError(rejection);
      }
    }
    return undefined;
  }

  /** Gives an admitted request's points back when it succeeded; a failure keeps them. */
  async settle(client: string, succeeded: boolean): Promise<void> {
    if (!succeeded) return;
    await this.perClient?.reward(client);
    await this.global?.reward(GLOBAL_KEY);
  }

  private clientError(client: string, res: RateLimiterRes): RegistryError {
    return new RegistryErrors.TokenRateLimitedClient({
      client,
      limit: this.settings.perClient,
      windowSeconds: this.settings.windowSeconds,
      retryAfterSeconds: retryAfterSeconds(res),
    });
  }

  private globalError(res: RateLimiterRes): RegistryError {
    return new RegistryErrors.TokenRateLimitedGlobal({
      limit: this.settings.global,
      windowSeconds: this.settings.windowSeconds,
      retryAfterSeconds: retryAfterSeconds(res),
    });
  }
}
