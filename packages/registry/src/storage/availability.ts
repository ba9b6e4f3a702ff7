import type {
  CompiledQuery,
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
import { RegistryErrors } from '../errors/registry-errors';
import { REGISTRY_ERROR_TABLE } from '../errors/registry-error-table';
import type { DatabaseHealthSource, DatabaseState } from '../domain/registry-contract';
import { isStalePlan } from './postgres-prepared';
import type { Engine } from './sql-helpers';

/** Seconds a client is told to wait (`Retry-After`) while the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/** Node's codes for a peer that cannot be reached or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "not this": class 08
 * (connection exception), shutdowns and restarts (57P01–57P03), too many
 * connections (53300), and a transaction the server aborted because it
 * conflicted with a concurrent one (deadlock 40P01, serialization 40001):
 * running the request again succeeds.
 */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300' ||
    code === '40P01' ||
    code === '40001'
  );
}

/** What pg says when a connection dies under it (it sets no code on these). */
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /not queryable/,
  /timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
  /Client has encountered a connection error/,
];

/** SQLite: another process holds the write lock past the busy timeout. */
const SQLITE_BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);

/**
 * Why `error` means the database cannot serve right now (a short text for
 * messages and logs), or `undefined` when it is any other failure.
 */
export function unavailableCause(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    if (typeof e !== 'object') break;
    const { code, message } = e as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : '';
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || SQLITE_BUSY_CODES.has(code)) return text || code;
      if (/^[0-9A-Z]{5}$/.test(code) && isTransientSqlState(code)) return `${text} (${code})`;
    }
    if (PG_CONNECTION_MESSAGES.some((pattern) => pattern.test(text))) return text;
    if (isStalePlan(e)) return `${text} (another instance changed the schema)`;
    // AggregateError (several addresses refused) and wrapped causes.
    const inner = (e as { errors?: unknown[] }).errors?.[0] ?? (e as { cause?: unknown }).cause;
    e = inner;
  }
  return undefined;
}

function engineLabel(engine: Engine): string {
  return engine === 'postgres' ? 'PostgreSQL' : 'SQLite';
}

/**
 * The database cannot serve the request right now (down, restarting,
 * unreachable, or locked by another process): gRPC 14 UNAVAILABLE, HTTP 503
 * with `Retry-After`. Clients retry these; nothing was changed unless the
 * failure hit a COMMIT, whose outcome is then unknown (retries of creates
 * may answer "already exists").
 */
export class DatabaseUnavailableError extends RegistryErrors.DatabaseUnavailable {
  constructor(
    readonly engine: Engine,
    /** Why, e.g. `connect ECONNREFUSED 127.0.0.1:5432`. */
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    super(
      {
        engine: engineLabel(engine),
        why,
        retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
      },
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}

/**
 * Opening gave up: the database did not answer within
 * `StorageOptions.databaseWaitMs`. Same reason and code as
 * {@link DatabaseUnavailableError}; the message says what to do at start.
 */
export class DatabaseWaitExpiredError extends DatabaseUnavailableError {
  constructor(engine: Engine, where: string, waitedMs: number, why: string, cause: unknown) {
    super(engine, why, { cause });
    // Its own row's message and details on the class that callers already catch.
    const row = REGISTRY_ERROR_TABLE.DatabaseWaitExpired;
    const params = { engine: engineLabel(engine), where, waitedMs, why };
    (this as { message: string }).message = row.message(params);
    Object.assign(this.details, row.details?.(params));
  }
}

/**
 * Follows whether the database is answering, from the outcome of every
 * statement. Listeners hear each change (the server logs them).
 */
export class DatabaseHealth implements DatabaseHealthSource {
  private state: DatabaseState = { available: true, since: Date.now() };
  private readonly listeners = new Set<(state: DatabaseState) => void>();

  current(): DatabaseState {
    return this.state;
  }

  /** Calls `listener` on every change; returns a function that stops it. */
  onChange(listener: (state: DatabaseState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  up(): void {
    if (this.state.available) return;
    this.set({ available: true, since: Date.now() });
  }

  down(cause: string): void {
    if (!this.state.available) return;
    this.set({ available: false, since: Date.now(), cause });
  }

  private set(state: DatabaseState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** Runs `fn`, turning an "unavailable" failure into a {@link DatabaseUnavailableError}. */
async function guarded<T>(
  engine: Engine,
  health: DatabaseHealth,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    const result = await fn();
    health.up();
    return result;
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) throw error;
    const cause = unavailableCause(error);
    if (cause === undefined) throw error;
    health.down(cause);
    throw new DatabaseUnavailableError(engine, cause, { cause: error });
  }
}

/** Called with the SQL of every statement sent to the database (StorageOptions.onStatement). */
export type StatementObserver = (sqlText: string) => void;

class GuardedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly engine: Engine,
    private readonly health: DatabaseHealth,
    private readonly observe: StatementObserver | undefined,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.observe?.(query.sql);
    return guarded(this.engine, this.health, () => this.inner.executeQuery<R>(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class GuardedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly engine: Engine,
    private readonly health: DatabaseHealth,
    private readonly observe: StatementObserver | undefined,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return guarded(this.engine, this.health, async () => {
      const connection = await this.inner.acquireConnection();
      return new GuardedConnection(connection, this.engine, this.health, this.observe);
    });
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return (connection as GuardedConnection).inner;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    this.observe?.('begin');
    return guarded(this.engine, this.health, () =>
      this.inner.beginTransaction(this.unwrap(connection), settings),
    );
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.observe?.('commit');
    return guarded(this.engine, this.health, () =>
      this.inner.commitTransaction(this.unwrap(connection)),
    );
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.observe?.('rollback');
    return guarded(this.engine, this.health, () =>
      this.inner.rollbackTransaction(this.unwrap(connection)),
    );
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.savepoint?.(this.unwrap(connection), name, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(this.unwrap(connection), name, compileQuery);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(this.unwrap(connection), name, compileQuery);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/**
 * `dialect`, with every failure that means "the database cannot serve right
 * now" raised as a {@link DatabaseUnavailableError} and recorded in `health`,
 * and every statement shown to `observe` (when given).
 */
export function guardAvailability(
  dialect: Dialect,
  engine: Engine,
  health: DatabaseHealth,
  observe?: StatementObserver,
): Dialect {
  return {
    createDriver: (): Driver => new GuardedDriver(dialect.createDriver(), engine, health, observe),
    createQueryCompiler: (): QueryCompiler => dialect.createQueryCompiler(),
    createAdapter: (): DialectAdapter => dialect.createAdapter(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector =>
      dialect.createIntrospector(db),
  };
}
