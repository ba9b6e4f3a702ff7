import { randomBytes, randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { monotonicFactory } from 'ulid';
import type { Location } from '@imprint/client';
import type { ServiceContext } from '../domain/context';
import { DomainEventChannel, type DomainEvents } from '../domain/domain-events';
import { SqlPrincipalStore } from '../domain/principal.store';
import { readCacheStats, type ReadCacheStats } from '../domain/read-cache';
import { SqlRegistryService } from '../domain/registry.service';
import type { RegistryStorage, StorageOptions } from '../domain/registry-contract';
import { DatabaseHealth, DatabaseUnavailableError, DatabaseWaitExpiredError } from './availability';
import { ChangeTracker, type ChangeSource } from './change-tracking';
import { migrationProvider } from './migrations';
import type { Database } from './schema';
import type { Engine } from './sql-helpers';
import { DEFAULT_DATABASE_WAIT_MS, DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../config/defaults';
import { SbomBlobStore } from '../resources/sboms/sbom-blobs';
import { deriveOsvIdentities, indexPendingSboms } from '../resources/packages/package-rows';
import { SqlVulnerabilityStore } from '../resources/vulnerabilities/vulnerability-store';
import { SqlAuditStore } from '../audit/audit-store';
import { SqlWebhookStore } from '../resources/webhooks/webhook-store';
import { openDatabase, optionsError } from './open-database';

export { DEFAULT_DATABASE_WAIT_MS, DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../config/defaults';
export {
  POSTGRES_CONNECT_TIMEOUT_MS,
  SQLITE_BUSY_TIMEOUT_MS,
  SQLITE_FILE_NAME,
} from './open-database';

/**
 * An opened store, with the extras the HTTP layer needs besides the
 * {@link RegistryStorage} interface: the registry's fixed location (for the
 * resource-manager discovery endpoints) and the concrete service type (which
 * also has `processDueRevocations`).
 */
export interface OpenedRegistryStorage extends RegistryStorage {
  readonly service: SqlRegistryService;
  readonly principals: SqlPrincipalStore;
  /** Organization and project ids, generated on first open and stable afterwards. */
  readonly location: Location;
  /** The registry record's id (a ULID). */
  readonly registryId: string;
  readonly health: DatabaseHealth;
  /** What /metrics reads of the storage; see {@link StorageInstrumentation}. */
  readonly instrumentation: StorageInstrumentation;
  /** What the domain committed (builds finished, versions completed, revocations), told after each commit. */
  readonly domainEvents: DomainEvents;
}

/** Statement timings, pool occupancy and read-cache counts, for the server's metrics. */
export interface StorageInstrumentation {
  /** Calls `listener` after every statement (seconds; `failed` when it threw); returns the remover. */
  onQuery(listener: QueryListener): () => void;
  /** PostgreSQL's pool (`pg` Pool counts); `undefined` on SQLite. */
  pool(): { readonly total: number; readonly idle: number; readonly waiting: number } | undefined;
  readonly readCache: Readonly<ReadCacheStats>;
}
export type QueryListener = (seconds: number, failed: boolean) => void;

/**
 * ULID randomness from a pooled buffer: `ulid`'s default PRNG calls
 * `crypto.randomBytes` once per character, which dominated write latency.
 * Still a CSPRNG, just fetched 4 KiB at a time.
 */
function bufferedPrng(): () => number {
  let pool = randomBytes(4096);
  let offset = 0;
  return () => {
    if (offset + 4 > pool.length) {
      pool = randomBytes(4096);
      offset = 0;
    }
    const value = pool.readUInt32BE(offset) / 0x1_0000_0000;
    offset += 4;
    return value;
  };
}

/** `expected` says what `option` takes (`a string`, `true or false`). */
/** Never changes: read caching off. */
const NOT_FOLLOWED: ChangeSource = { generation: () => undefined };

/** First wait before asking an unavailable database again at start, and the longest. */
const WAIT_RETRY_MIN_MS = 250;
const WAIT_RETRY_MAX_MS = 5_000;

/**
 * Asks the database `select 1` until it answers, retrying "unavailable"
 * failures (down, starting, unreachable) with backoff for up to `waitMs`;
 * other failures (wrong password, no such database) fail at once.
 */
async function waitForDatabase(
  db: Kysely<Database>,
  engine: Engine,
  where: string,
  waitMs: number,
  onWait: StorageOptions['onDatabaseWait'],
): Promise<void> {
  const started = Date.now();
  let delay = WAIT_RETRY_MIN_MS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sql`select 1`.execute(db);
      return;
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      const cause = error.why;
      const remainingMs = started + waitMs - Date.now();
      if (remainingMs <= 0) throw new DatabaseWaitExpiredError(engine, where, waitMs, cause, error);
      const retryInMs = Math.min(delay, remainingMs);
      onWait?.({ attempt, where, cause, retryInMs, remainingMs });
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
      delay = Math.min(delay * 2, WAIT_RETRY_MAX_MS);
    }
  }
}

/** Runs pending migrations (forward-only). Safe to call on every open; concurrent openers wait on Kysely's lock. */
export async function migrateToLatest(db: Kysely<Database>, engine: Engine): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(engine) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    if (error instanceof DatabaseUnavailableError) throw error;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `Registry schema migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? []).map((r) => r.migrationName);
}

async function ensureRegistryRecord(db: Kysely<Database>, now: number, newId: () => string) {
  await db
    .insertInto('registry')
    .values({
      singleton: 1,
      id: newId(),
      organization_id: randomUUID(),
      project_id: randomUUID(),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('singleton').doNothing())
    .execute();
  // Databases from before migration 0004 get their key here, once.
  await db
    .updateTable('registry')
    .set({ url_signing_key: randomBytes(32).toString('hex') })
    .where('url_signing_key', 'is', null)
    .execute();
  return db.selectFrom('registry').selectAll().executeTakeFirstOrThrow();
}

/**
 * Opens (creating and migrating as needed) the registry database and returns
 * the domain service and principal store over it.
 *
 * - `databaseUrl: 'postgres://…'` → PostgreSQL (a `pg` Pool);
 * - otherwise SQLite at `<dataDir>/imprint-registry.db` (WAL, foreign keys,
 *   busy timeout; `dataDir: ':memory:'` for a throwaway in-memory store).
 *
 * The first open generates the registry record (organization and project
 * UUIDs); later opens reuse it.
 *
 * @example
 * ```ts
 * const storage = await openRegistryStorage({ dataDir: '/var/lib/imprint' });
 * const bucket = await storage.service.createBucket(actor, { name: 'ubuntu-base' });
 * setInterval(() => void storage.service.cancelStaleBuilds(), 60_000);
 * await storage.close();
 * ```
 */
export async function openRegistryStorage(options: StorageOptions): Promise<OpenedRegistryStorage> {
  if (typeof options !== 'object' || options === null) throw optionsError('options', 'an object');
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
  if (
    typeof heartbeatTimeoutMs !== 'number' ||
    !Number.isFinite(heartbeatTimeoutMs) ||
    heartbeatTimeoutMs <= 0
  ) {
    throw optionsError('heartbeatTimeoutMs', 'a positive number of milliseconds');
  }
  const clock = options.now ?? (() => new Date());
  if (typeof clock !== 'function') throw optionsError('now', 'a function returning a Date');
  const nowMs = () => clock().getTime();
  const ulid = monotonicFactory(bufferedPrng());
  const newId = () => ulid();

  const readCache = options.readCache ?? true;
  if (typeof readCache !== 'boolean') throw optionsError('readCache', 'true or false');

  const databaseWaitMs = options.databaseWaitMs ?? DEFAULT_DATABASE_WAIT_MS;
  if (
    typeof databaseWaitMs !== 'number' ||
    !Number.isFinite(databaseWaitMs) ||
    databaseWaitMs < 0
  ) {
    throw optionsError('databaseWaitMs', 'a number of milliseconds, 0 or more');
  }
  if (options.onDatabaseWait !== undefined && typeof options.onDatabaseWait !== 'function')
    throw optionsError('onDatabaseWait', 'a function');
  if (options.onStatement !== undefined && typeof options.onStatement !== 'function')
    throw optionsError('onStatement', 'a function');

  const tracker = new ChangeTracker();
  const health = new DatabaseHealth();
  // Kysely's `log` hook times every statement; listeners come and go with servers.
  const queryListeners = new Set<QueryListener>();
  const { db, engine, where, batcher, followOthers, destroy, pool } = openDatabase(
    options,
    tracker,
    health,
    (event) => {
      for (const listener of queryListeners) {
        listener(event.queryDurationMillis / 1000, event.level === 'error');
      }
    },
  );
  const instrumentation: StorageInstrumentation = {
    onQuery: (listener) => {
      queryListeners.add(listener);
      return () => queryListeners.delete(listener);
    },
    pool: () =>
      pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount },
    readCache: readCacheStats(readCache ? tracker : NOT_FOLLOWED),
  };
  let stopFollowing: () => Promise<void> = async () => undefined;
  try {
    await waitForDatabase(db, engine, where, databaseWaitMs, options.onDatabaseWait);
    await migrateToLatest(db, engine);
    if (readCache) stopFollowing = await followOthers();
    const registry = await ensureRegistryRecord(db, nowMs(), newId);
    const location: Location = {
      organization_id: registry.organization_id,
      project_id: registry.project_id,
    };
    let closing: Promise<void> | undefined;
    // One once-only shutdown shared by storage.close() and service.close().
    const close = () => (closing ??= stopFollowing().then(destroy));
    const events = new DomainEventChannel();
    const transaction: ServiceContext['transaction'] = (fn) =>
      events.afterCommit(fn, (run) => (batcher ? batcher.run(run) : db.transaction().execute(run)));
    const sbomBlobs = SbomBlobStore.open(engine, options.dataDir, transaction);
    // Files of uploads or deletes a crash cut short.
    await sbomBlobs.sweep();
    const ctx: ServiceContext = {
      db,
      engine,
      transaction,
      singleStatement: (fn) =>
        events.afterCommit(fn, (run) => (batcher ? batcher.run(run) : run(db)), db),
      record: (handle, event) => events.record(handle, event),
      location,
      registryId: registry.id,
      nowMs,
      newId,
      heartbeatTimeoutMs,
      sbomBlobs,
      urlSigningKey: registry.url_signing_key ?? '',
      changes: readCache ? tracker : NOT_FOLLOWED,
      close,
    };
    // Packages of SBOMs stored before migration 0005 (or by an older registry).
    await indexPendingSboms(ctx);
    // OSV identities of packages stored before migration 0006.
    await deriveOsvIdentities(ctx);
    const service = new SqlRegistryService(ctx);
    const principals = new SqlPrincipalStore(ctx);
    return {
      service,
      principals,
      vulnerabilities: new SqlVulnerabilityStore(ctx),
      audit: new SqlAuditStore(ctx),
      webhooks: new SqlWebhookStore(ctx),
      engine,
      location: { ...location },
      registryId: registry.id,
      health,
      instrumentation,
      domainEvents: { subscribe: (listener) => events.subscribe(listener) },
      readCacheState: () => (!readCache ? 'off' : tracker.isFollowing() ? 'on' : 'bypassed'),
      close,
    };
  } catch (error) {
    await stopFollowing();
    await destroy();
    throw error;
  }
}
