import type { PrincipalStore } from '../domain/registry-service';

/**
 * Embedded mode: on a loopback address with no principals, every request is
 * an anonymous admin. The principal count is cached briefly, because the
 * `principals` CLI may change it behind the server's back; the HTTP
 * principals API invalidates the cache at once.
 */
export class EmbeddedMode {
  private cached: { anonymous: boolean; at: number } | undefined;

  constructor(
    private readonly principals: PrincipalStore,
    /** True when the server is bound to a loopback address. */
    readonly loopback: boolean,
    private readonly cacheMs = 1000,
  ) {}

  /** {@link isAnonymous} without waiting, when it is known (`undefined` otherwise). */
  isAnonymousNow(): boolean | undefined {
    if (!this.loopback) return false;
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.anonymous;
    return undefined;
  }

  /** True when requests are anonymous admins right now. */
  async isAnonymous(): Promise<boolean> {
    const known = this.isAnonymousNow();
    if (known !== undefined) return known;
    const now = Date.now();
    const anonymous = (await this.principals.countPrincipals()) === 0;
    this.cached = { anonymous, at: now };
    return anonymous;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
