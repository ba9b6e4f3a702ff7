/*
 * Opening the database an {@link openRegistryStorage} runs on: SQLite (a file
 * under the data directory, group commit, checkpoints) or PostgreSQL (a pool,
 * prepared statements, the change listener), each with change tracking and
 * availability guards around it.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import { Pool, types as pgTypes, type PoolConfig } from 'pg';
import type { StorageOptions } from '../domain/registry-contract';
import { RegistryErrors } from '../errors/registry-errors';
import { guardAvailability, unavailableCause, type DatabaseHealth } from './availability';
import { trackChanges, type ChangeTracker } from './change-tracking';
import { PostgresChangeListener } from './postgres-change-listener';
import { PreparingClient } from './postgres-prepared';
import { PostgresStatistics } from './postgres-statistics';
import type { Database } from './schema';
import type { Engine } from './sql-helpers';
import { ImmediateSqliteDialect, withStatementCache } from './sqlite-dialect';
import { SqliteCheckpointer, WAL_LIMIT_BYTES } from './sqlite-checkpointer';
import { SqliteWriteBatcher } from './sqlite-write-batcher';

/** File name of the SQLite database inside `dataDir`. */
export const SQLITE_FILE_NAME = 'imprint-registry.db';
/** SQLite page cache of the registry's connection (KiB). */
const SQLITE_CACHE_KIB = 64 * 1024;
/** How much of the SQLite file is memory-mapped (bytes); the OS pages it in and out. */
const SQLITE_MMAP_BYTES = 1024 * 1024 * 1024;
/** How long a SQLite writer waits for another process's lock before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** A PostgreSQL connection attempt that takes longer fails (and is retried by the next request). */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

export function optionsError(option: string, expected: string) {
  return new RegistryErrors.StorageOptionInvalid({ option, expected });
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

// int8 (counts, epoch-ms timestamps) as JS numbers, like better-sqlite3
// returns them; all values involved stay far below 2^53. Per pool, so other
// `pg` users in the process keep the default string parsing.
const INT8_OID = 20;
const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary'
    ? (value: string) => Number(value)
    : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser;

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** Where the database is, for messages (never the password). */
  readonly where: string;
  /** Follows other processes' commits, started once the schema exists. */
  followOthers(): Promise<() => Promise<void>>;
  /** SQLite: the group commit every write transaction goes through. */
  readonly batcher?: SqliteWriteBatcher;
  /** Closes the connections (and what runs beside them). */
  destroy(): Promise<void>;
  readonly pool?: Pool;
}

/** `host:port/database` of a PostgreSQL URL, without credentials. */
function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured PostgreSQL server';
  }
}

export function openDatabase(
  options: StorageOptions,
  tracker: ChangeTracker,
  health: DatabaseHealth,
  log: (event: LogEvent) => void,
): OpenedDatabase {
  const url = options.databaseUrl;
  if (url !== undefined && typeof url !== 'string') throw optionsError('databaseUrl', 'a string');
  if (url !== undefined && url !== '') {
    if (!isPostgresUrl(url)) {
      throw new RegistryErrors.DatabaseUrlNotPostgres();
    }
    const instanceId = randomUUID();
    const config: PoolConfig = {
      connectionString: url,
      types: { getTypeParser },
      connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      // The change trigger's NOTIFY payload: how this instance recognises its own writes.
      application_name: `imprint-registry ${instanceId}`,
    };
    const pool = new Pool({
      ...config,
      Client: PreparingClient as unknown as PoolConfig['Client'],
    });
    // A connection the server closes (restart, failover, an idle-session
    // kill) emits 'error': an idle one through the pool, a checked-out one on
    // the client itself. Unhandled, either ends the process. Handled, the
    // pool drops the dead connection, the statement that was using it fails
    // (answered 503) and the next one opens a fresh connection.
    const lost = (error: Error) => health.down(unavailableCause(error) ?? error.message);
    pool.on('error', lost);
    pool.on('connect', (client) => client.on('error', lost));
    const db = new Kysely<Database>({
      dialect: trackChanges(
        guardAvailability(new PostgresDialect({ pool }), 'postgres', health, options.onStatement),
        tracker,
      ),
      log,
    });
    const statistics = new PostgresStatistics(pool);
    statistics.start();
    return {
      db,
      engine: 'postgres',
      where: describePostgresUrl(url),
      pool,
      destroy: async () => {
        await statistics.stop();
        await db.destroy();
      },
      async followOthers() {
        const listener = new PostgresChangeListener(
          config,
          tracker,
          String(config.application_name),
        );
        await listener.start();
        return () => listener.close();
      },
    };
  }
  const dir = options.dataDir;
  if (typeof dir !== 'string' || dir === '') {
    throw new RegistryErrors.SqliteDataDirMissing();
  }
  let file = ':memory:';
  if (dir !== ':memory:') {
    mkdirSync(dir, { recursive: true });
    file = path.join(dir, SQLITE_FILE_NAME);
  }
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Keep the working set in memory: the default 2 MB page cache is outgrown
  // by the indexes of a few thousand versions, and every page it misses is a
  // read() system call; memory-mapping the file makes those page-cache hits.
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  sqlite.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // Checkpoints (and their fsyncs) run on a thread of their own, not in a COMMIT.
  const checkpointed = file !== ':memory:';
  if (checkpointed) sqlite.pragma('wal_autocheckpoint = 0');
  // When the writer starts the WAL over (after the checkpointer's RESTART),
  // it gives back what the file grew beyond the limit.
  sqlite.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
  const db = new Kysely<Database>({
    dialect: trackChanges(
      guardAvailability(
        new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
        'sqlite',
        health,
        options.onStatement,
      ),
      tracker,
    ),
    log,
  });
  const batcher = new SqliteWriteBatcher(db);
  const checkpointer = checkpointed
    ? new SqliteCheckpointer(file, { holdWrites: (fn) => batcher.between(fn) })
    : undefined;
  return {
    db,
    engine: 'sqlite',
    where: file,
    batcher,
    destroy: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
    async followOthers() {
      // Moves when another connection (another process on the same file) commits.
      const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
      tracker.pollExternal(() => (sqlite.open ? Number(dataVersion.get()) : -1));
      return async () => undefined;
    },
  };
}
