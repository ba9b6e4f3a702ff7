import type { CompiledQuery } from 'kysely';
import type { Database } from './schema';
import type {
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/**
 * How far the database has changed: a number that moves whenever committed
 * data may have changed, or `undefined` when changes cannot be followed right
 * now (then nothing may be cached). Read caches compare the number they saw
 * before loading with the current one.
 */
export interface ChangeSource {
  generation(): number | undefined;
}

/**
 * Counts committed writes. This process's writes are seen by the wrapped
 * driver ({@link trackChanges}); other processes' writes by an external
 * watcher (SQLite's `data_version`, PostgreSQL notifications).
 */
export class ChangeTracker implements ChangeSource {
  private counter = 0;
  private following = true;
  private externalProbe: (() => number) | undefined;
  private lastExternal: number | undefined;
  private probedAt = 0;
  private trustedUntil = Number.POSITIVE_INFINITY;

  generation(): number | undefined {
    if (!this.following) return undefined;
    if (this.trustedUntil !== Number.POSITIVE_INFINITY && Date.now() > this.trustedUntil) {
      return undefined;
    }
    if (this.externalProbe) {
      // At most one probe per millisecond: reading data_version costs ~5 µs
      // (a WAL-index read), as much as the rest of a cached GetChannel.
      const now = Date.now();
      if (now !== this.probedAt) {
        this.probedAt = now;
        const external = this.externalProbe();
        if (external !== this.lastExternal) {
          this.lastExternal = external;
          this.counter += 1;
        }
      }
    }
    return this.counter;
  }

  /** Something changed (a write here, or a notification from elsewhere). */
  bump(): void {
    this.counter += 1;
  }

  /**
   * Polls `probe` from {@link generation}, at most once per millisecond; a
   * different value means another connection committed (SQLite's `PRAGMA
   * data_version`). Another process's commit is thus seen within about a
   * millisecond; this process's own writes at once.
   */
  pollExternal(probe: () => number): void {
    this.externalProbe = probe;
    this.lastExternal = probe();
  }

  /** False while changes by others cannot be followed (then nothing is cached). */
  isFollowing(): boolean {
    return this.generation() !== undefined;
  }

  /**
   * Other processes' changes are known to have arrived up to `epochMs`
   * (the PostgreSQL listener's last answered ping, plus the staleness
   * bound); after it, nothing is trusted until this moves again.
   */
  trustUntil(epochMs: number): void {
    this.trustedUntil = epochMs;
  }

  /** While false, {@link generation} answers `undefined` (e.g. a lost notification channel). */
  setFollowing(following: boolean): void {
    if (following && !this.following) this.counter += 1; // what happened meanwhile is unknown
    this.following = following;
  }
}

/**
 * The tables a cached read (GetChannel, GetVersion) is made of: only their
 * changes move the generation. Writes elsewhere — the audit entry of every
 * mutating request, each poll of the webhook deliverer, SBOMs, principals —
 * leave the read caches alone. PostgreSQL's change trigger (migration 0002)
 * is on these tables.
 */
export const CACHED_TABLES = [
  'buckets',
  'versions',
  'builds',
  'artifacts',
  'channels',
  'channel_history',
  'version_links',
] as const satisfies readonly (keyof Database)[];

/** Statements that change nothing: plain reads. Everything else counts as a write. */
const READ_ONLY = /^\s*(select|explain)\b/i;
const WITH_READ = /^\s*with\b/i;
const WRITE_KEYWORD = /\b(insert|update|delete|merge)\b/i;
/** A statement naming none of {@link CACHED_TABLES} cannot change them. */
const NAMES_CACHED_TABLE = new RegExp(`\\b(${CACHED_TABLES.join('|')})\\b`, 'i');

export function isWriteStatement(sqlText: string): boolean {
  if (READ_ONLY.test(sqlText)) return false;
  if (WITH_READ.test(sqlText)) return WRITE_KEYWORD.test(sqlText);
  return true;
}

/** Whether `sqlText` may change what a read cache holds: a write that names a cached table. */
export function changesCachedReads(sqlText: string): boolean {
  return isWriteStatement(sqlText) && NAMES_CACHED_TABLE.test(sqlText);
}

class TrackedConnection implements DatabaseConnection {
  inTransaction = false;
  dirty = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly tracker: ChangeTracker,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!changesCachedReads(query.sql)) return this.inner.executeQuery<R>(query);
    this.dirty = true;
    try {
      return await this.inner.executeQuery<R>(query);
    } finally {
      // Counted after the statement ran: a reader that started earlier has an
      // older generation, so what it caches is never taken for current.
      this.tracker.bump();
      if (!this.inTransaction) this.dirty = false;
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (changesCachedReads(query.sql)) {
      this.dirty = true;
      this.tracker.bump();
    }
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class TrackingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly tracker: ChangeTracker,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    return new TrackedConnection(connection, this.tracker);
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const tracked = connection as TrackedConnection;
    await this.inner.beginTransaction(tracked.inner, settings);
    tracked.inTransaction = true;
    tracked.dirty = false;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const tracked = connection as TrackedConnection;
    try {
      await this.inner.commitTransaction(tracked.inner);
    } finally {
      this.endTransaction(tracked);
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const tracked = connection as TrackedConnection;
    try {
      await this.inner.rollbackTransaction(tracked.inner);
    } finally {
      this.endTransaction(tracked);
    }
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.savepoint?.((connection as TrackedConnection).inner, name, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(
      (connection as TrackedConnection).inner,
      name,
      compileQuery,
    );
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(
      (connection as TrackedConnection).inner,
      name,
      compileQuery,
    );
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as TrackedConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private endTransaction(tracked: TrackedConnection): void {
    if (tracked.dirty) this.tracker.bump();
    tracked.inTransaction = false;
    tracked.dirty = false;
  }
}

/**
 * `dialect`, with every write statement and every commit or rollback of a
 * transaction that wrote counted by `tracker` (after it happened). Other
 * processes hear of commits on their own (PostgreSQL: the change trigger's
 * NOTIFY, see migration 0002; SQLite: `PRAGMA data_version`).
 */
export function trackChanges(dialect: Dialect, tracker: ChangeTracker): Dialect {
  return {
    createDriver: (): Driver => new TrackingDriver(dialect.createDriver(), tracker),
    createQueryCompiler: (): QueryCompiler => dialect.createQueryCompiler(),
    createAdapter: (): DialectAdapter => dialect.createAdapter(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector =>
      dialect.createIntrospector(db),
  };
}

/** The PostgreSQL channel registry instances announce their commits on. */
export const CHANGE_CHANNEL = 'imprint_registry_changes';
