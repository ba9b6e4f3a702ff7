import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { SQLITE_FILE_NAME, openRegistryStorage } from '../../src/domain';
import type { OpenedRegistryStorage, StorageOptions } from '../../src/domain';

/** Where a test database lives, and how to get rid of it. */
export interface TestDatabase {
  /** `databaseUrl` (PostgreSQL) or `dataDir` (SQLite). */
  readonly options: Pick<StorageOptions, 'databaseUrl' | 'dataDir'>;
  drop(): Promise<void>;
}

/** One SQL engine the contract tests run against. */
export interface TestEngine {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, empty database. */
  createDatabase(): Promise<TestDatabase>;
}

const sqlite: TestEngine = {
  name: 'sqlite',
  createDatabase() {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'imprint-registry-'));
    return Promise.resolve({
      options: { dataDir },
      drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    });
  },
};

function postgres(adminUrl: string): TestEngine {
  const admin = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    async createDatabase() {
      const name = `imprint_${randomBytes(8).toString('hex')}`;
      await admin((c) => c.query(`create database ${name}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        options: { databaseUrl: url.toString() },
        drop: () =>
          admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(
            () => undefined,
          ),
      };
    },
  };
}

/**
 * The engines to run every domain suite on: SQLite (a temp dir) always, and
 * PostgreSQL when `IMPRINT_TEST_POSTGRES_URL` is set (each suite gets a fresh
 * `imprint_<random>` database created through that admin URL and dropped
 * afterwards). Use with `describe.each(engines())('… ($name)', (engine) => …)`.
 */
export function engines(): TestEngine[] {
  const url = process.env['IMPRINT_TEST_POSTGRES_URL'];
  return url ? [sqlite, postgres(url)] : [sqlite];
}

/** A store opened for one `describe` block; fields are valid inside tests. */
export interface StorageHandle {
  readonly storage: OpenedRegistryStorage;
  readonly service: OpenedRegistryStorage['service'];
  readonly principals: OpenedRegistryStorage['principals'];
  readonly options: StorageOptions;
  /** Opens another store on the same database (closed with the suite). */
  reopen(extra?: Partial<StorageOptions>): Promise<OpenedRegistryStorage>;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that create a fresh database, open a
 * store on it, and close and drop both afterwards.
 */
export function useStorage(engine: TestEngine, extra: Partial<StorageOptions> = {}): StorageHandle {
  let database: TestDatabase | undefined;
  let storage: OpenedRegistryStorage | undefined;
  let options: StorageOptions | undefined;
  const others: OpenedRegistryStorage[] = [];
  const need = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('useStorage(): the store is only available inside tests');
    return value;
  };
  beforeAll(async () => {
    database = await engine.createDatabase();
    options = { ...database.options, ...extra };
    storage = await openRegistryStorage(options);
  });
  afterAll(async () => {
    for (const other of others) await other.close();
    await storage?.close();
    await database?.drop();
  });
  return {
    get storage() {
      return need(storage);
    },
    get service() {
      return need(storage).service;
    },
    get principals() {
      return need(storage).principals;
    },
    get options() {
      return need(options);
    },
    async reopen(more = {}) {
      const other = await openRegistryStorage({ ...need(options), ...more });
      others.push(other);
      return other;
    },
  };
}

/**
 * Reads rows straight from a test database, bypassing the store (to check
 * what is actually stored, e.g. that secrets are hashed).
 */
export async function rawQuery(
  options: StorageOptions,
  query: string,
): Promise<Record<string, unknown>[]> {
  if (options.databaseUrl) {
    const client = new Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      return (await client.query(query)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }
  const db = new BetterSqlite3(path.join(options.dataDir ?? '', SQLITE_FILE_NAME), {
    readonly: true,
  });
  try {
    return db.prepare(query).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
