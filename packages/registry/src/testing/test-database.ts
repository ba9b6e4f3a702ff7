import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { SQLITE_FILE_NAME } from '../storage/open-registry-storage';

/** The environment variable naming a PostgreSQL admin URL for the engine matrix. */
export const TEST_POSTGRES_URL_ENV = 'IMPRINT_TEST_POSTGRES_URL';

/** An SQL engine the registry runs on. */
export type TestEngineName = 'sqlite' | 'postgres';

/** Where a test database lives: what `openRegistryStorage` and `imprint-registry` take. */
export interface TestDatabaseLocation {
  /**
   * Always a fresh temp dir: SQLite keeps its file here; with PostgreSQL it
   * stays empty (the CLI and child processes still want a data dir).
   */
  readonly dataDir: string;
  /** Set for PostgreSQL: a database of its own. */
  readonly databaseUrl?: string;
}

/** A fresh, empty database and how to throw it away. */
export interface TestDatabase {
  readonly engine: TestEngineName;
  readonly location: TestDatabaseLocation;
  /** Drops the PostgreSQL database (`with (force)`) and removes the temp dir. */
  drop(): Promise<void>;
}

/**
 * The engines to run registry tests on: SQLite always, and PostgreSQL when
 * `IMPRINT_TEST_POSTGRES_URL` holds an admin URL (one that may create
 * databases). Each suite then gets its own database from
 * {@link createTestDatabase}, so suites never see each other's rows.
 *
 * @example
 * ```ts
 * describe.each(testEngines())('buckets (%s)', (engine) => {
 *   // startTestRegistry({ engine }) / createTestDatabase(engine)
 * });
 * ```
 */
export function testEngines(env: NodeJS.ProcessEnv = process.env): TestEngineName[] {
  return env[TEST_POSTGRES_URL_ENV] ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Options of {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /** Starts the temp dir's and the PostgreSQL database's names (lower case). Default `imprint`. */
  readonly prefix?: string;
  /** PostgreSQL admin URL. Default: `IMPRINT_TEST_POSTGRES_URL`. */
  readonly adminUrl?: string;
}

async function asAdmin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database on `engine`: a temp dir for SQLite; for PostgreSQL, a new
 * `<prefix>_<random>` database created through the admin URL (a fresh
 * database rather than a schema, so that every connection setting and
 * extension behaves as in production).
 */
export async function createTestDatabase(
  engine: TestEngineName,
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  // `imprint-cli-` and `imprint-cli` name the same thing: no doubled dash before the engine.
  const prefix = (options.prefix ?? 'imprint').replace(/-+$/, '');
  const dataDir = await mkdtemp(path.join(tmpdir(), `${prefix}-${engine}-`));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (engine === 'sqlite') return { engine, location: { dataDir }, drop: removeDir };

  const adminUrl = options.adminUrl ?? process.env[TEST_POSTGRES_URL_ENV];
  if (!adminUrl) {
    await removeDir();
    throw new Error(`a PostgreSQL test database needs an admin URL: set ${TEST_POSTGRES_URL_ENV}`);
  }
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(8).toString('hex')}`;
  try {
    await asAdmin(adminUrl, (c) => c.query(`create database ${name}`));
  } catch (error) {
    await removeDir();
    throw error;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    engine,
    location: { dataDir, databaseUrl: url.toString() },
    async drop() {
      await asAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
      await removeDir();
    },
  };
}

/**
 * Reads rows straight from a database, bypassing the registry: for tests that
 * check what is really stored (e.g. that secrets are hashed).
 */
export async function rawQuery(
  location: { readonly dataDir?: string; readonly databaseUrl?: string },
  query: string,
): Promise<Record<string, unknown>[]> {
  if (location.databaseUrl) {
    return asAdmin(
      location.databaseUrl,
      async (client) => (await client.query(query)).rows as Record<string, unknown>[],
    );
  }
  const db = new BetterSqlite3(path.join(location.dataDir ?? '', SQLITE_FILE_NAME), {
    readonly: true,
  });
  try {
    return db.prepare(query).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
