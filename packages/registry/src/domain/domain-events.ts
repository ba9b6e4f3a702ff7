/**
 * A change the domain committed, told to listeners after the commit (once
 * per change, whichever instance or request made it): what the server's
 * counters count.
 */
export type DomainEvent =
  /** A build reached BUILD_DONE or BUILD_FAILED (created so, or updated to it). */
  | { readonly kind: 'build-finished'; readonly status: 'BUILD_DONE' | 'BUILD_FAILED' }
  /** A version completed (took its `vN`). */
  | { readonly kind: 'version-completed' }
  /**
   * `count` versions' revocations took effect: immediate ones, ones
   * descendants inherit, schedules coming due (each claimed once).
   */
  | { readonly kind: 'revocation-applied'; readonly count: number }
  /**
   * A version was revoked (RevokeVersion, UpdateVersion / UpdateIteration
   * with revoke_at or revoke_in): in effect at once, or scheduled for later.
   * Its taking effect is a `revocation-applied` of its own.
   */
  | { readonly kind: 'version-revoked'; readonly when: 'immediate' | 'scheduled' }
  /** The stale-build sweep cancelled `count` builds whose heartbeats stopped. */
  | { readonly kind: 'builds-cancelled'; readonly count: number };

export type DomainEventListener = (event: DomainEvent) => void;

/** Where committed {@link DomainEvent}s are heard: `OpenedRegistryStorage.domainEvents`. */
export interface DomainEvents {
  /**
   * Calls `listener` for every event committed from now on (synchronously,
   * right after the commit; a listener that throws is ignored). Returns the
   * remover.
   *
   * @example
   * ```ts
   * const stop = storage.domainEvents.subscribe((event) => {
   *   if (event.kind === 'version-completed') completed += 1;
   * });
   * ```
   */
  subscribe(listener: DomainEventListener): () => void;
}

/**
 * Holds each write's events until it commits. A write (`ctx.transaction`,
 * `ctx.singleStatement` on SQLite) runs its function through
 * {@link afterCommit}, which keys a buffer by the handle that function gets
 * (its transaction, or its savepoint when the SQLite group commit runs
 * several writes in one transaction, so they stay apart) and delivers the
 * buffer when the write's promise resolves, i.e. after its COMMIT; a write
 * that fails drops it. {@link record} with any other handle (the shared
 * database: a statement that committed by itself) delivers at once.
 *
 * Keyed by handle rather than by async context on purpose: an
 * AsyncLocalStorage turns on Node's promise hooks for the whole process,
 * which made every request (GetChannel included) measurably slower.
 */
export class DomainEventChannel implements DomainEvents {
  private readonly listeners = new Set<DomainEventListener>();
  private readonly pending = new WeakMap<object, DomainEvent[]>();

  subscribe(listener: DomainEventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Records `event` of the write running on `handle` (the `trx` / `db` the domain code writes with). */
  record(handle: object, event: DomainEvent): void {
    if (this.listeners.size === 0) return;
    const buffer = this.pending.get(handle);
    if (buffer) buffer.push(event);
    else this.deliver([event]);
  }

  /**
   * Runs `fn` through `write` (which commits what `fn` does); events
   * recorded with the handle `fn` is given are delivered once `write`
   * resolves, dropped if it rejects. `shared` is a handle that is not a
   * write of its own (the database itself, which `singleStatement` hands
   * to PostgreSQL statements that commit by themselves): events recorded
   * with it are delivered at once. With no listener, `fn` runs as is (and
   * {@link record} drops events): subscribe before writing.
   */
  async afterCommit<A extends object, T>(
    fn: (arg: A) => Promise<T>,
    write: (fn: (arg: A) => Promise<T>) => Promise<T>,
    shared?: object,
  ): Promise<T> {
    if (this.listeners.size === 0) return write(fn);
    const buffer: DomainEvent[] = [];
    const value = await write((arg) => {
      if (arg !== shared) this.pending.set(arg, buffer);
      return fn(arg);
    });
    this.deliver(buffer);
    return value;
  }

  private deliver(events: readonly DomainEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch {
          // A listener's failure is its own: the write committed regardless.
        }
      }
    }
  }
}
