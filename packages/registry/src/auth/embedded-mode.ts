import type { FastifyBaseLogger } from 'fastify';
import type { PrincipalStore } from '../domain/registry-contract';

/** How the server decided its auth mode at start. */
export interface EmbeddedModeStart {
  readonly principals: PrincipalStore;
  /** The listen address, for the log line. */
  readonly host: string;
  /** True when `host` is a loopback address. */
  readonly loopback: boolean;
  /** Principals in the database at start. */
  readonly principalCount: number;
  readonly log: FastifyBaseLogger;
  /** How long a principal count is trusted while anonymous, in ms (default 1000). */
  readonly checkMs?: number;
}

const CREATE_HINT = 'imprint-registry principals create --name ci --role admin';

/**
 * Embedded mode: on a loopback address with no principals, every request is
 * an anonymous admin. It is decided once, at start, and never entered later:
 * deleting every principal of a running server does not open it up. While
 * anonymous, the server looks for principals at most once per `checkMs`
 * (the `principals` CLI may create one behind its back; the HTTP API calls
 * {@link leave} at once), and leaves embedded mode for good when it finds
 * one. Every decision is logged at warn level.
 */
export class EmbeddedMode {
  private anonymous: boolean;
  private checkedAt: number;
  private counting: Promise<boolean> | undefined;
  private readonly principals: PrincipalStore;
  private readonly log: FastifyBaseLogger;
  private readonly checkMs: number;

  constructor(start: EmbeddedModeStart) {
    this.principals = start.principals;
    this.log = start.log;
    this.checkMs = start.checkMs ?? 1000;
    this.anonymous = start.loopback && start.principalCount === 0;
    this.checkedAt = Date.now();
    const { host } = start;
    if (this.anonymous) {
      this.log.warn(
        { mode: 'embedded', host },
        `embedded mode: ${host} is a loopback address and no principals exist, so every request ` +
          `is an anonymous admin; create one (${CREATE_HINT}) to require tokens`,
      );
    } else {
      this.log.warn(
        { mode: 'tokens', host, principals: start.principalCount },
        start.loopback
          ? `tokens required: ${start.principalCount} principal(s) exist, so every request needs a bearer ` +
              `token from POST /oauth2/token; only a loopback server started with no principals is anonymous`
          : `tokens required: ${host} is not a loopback address, so every request needs a bearer token ` +
              `from POST /oauth2/token`,
      );
    }
  }

  /** {@link isAnonymous} without waiting, when it is known (`undefined` otherwise). */
  isAnonymousNow(): boolean | undefined {
    if (!this.anonymous) return false;
    return Date.now() - this.checkedAt < this.checkMs ? true : undefined;
  }

  /** True when requests are anonymous admins right now. */
  async isAnonymous(): Promise<boolean> {
    const known = this.isAnonymousNow();
    if (known !== undefined) return known;
    this.counting ??= this.principals
      .countPrincipals()
      .then((count) => {
        this.checkedAt = Date.now();
        if (count > 0) this.leave(`${count} principal(s) now exist`);
        return this.anonymous;
      })
      .finally(() => {
        this.counting = undefined;
      });
    return this.counting;
  }

  /** Leaves embedded mode for good (a principal exists now); logs once. */
  leave(why: string): void {
    if (!this.anonymous) return;
    this.anonymous = false;
    this.log.warn(
      { mode: 'tokens' },
      `leaving embedded mode for good: ${why}, so every request needs a bearer token from ` +
        `POST /oauth2/token from now on; anonymous access does not come back while the server ` +
        `runs, even if every principal is deleted`,
    );
  }
}
