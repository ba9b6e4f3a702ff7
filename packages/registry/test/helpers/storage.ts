import {
  openTestStorage,
  suiteValue,
  testEngines,
  type TestEngineName,
  type TestStorage,
  type TestStorageOptions,
} from '@imprint/registry/testing';
import { openRegistryStorage, type OpenedRegistryStorage } from '@imprint/registry';

/** A store opened for one `describe` block; fields are valid inside tests. */
export interface StorageHandle {
  readonly storage: OpenedRegistryStorage;
  readonly service: OpenedRegistryStorage['service'];
  readonly principals: OpenedRegistryStorage['principals'];
  /** Opens the same database (`dataDir`, and `databaseUrl` on PostgreSQL) with the suite's options. */
  readonly options: TestStorage['location'] & TestStorageOptions;
  /** Opens another store on the same database (closed with the suite). */
  reopen(extra?: TestStorageOptions): Promise<OpenedRegistryStorage>;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that open a store on a fresh
 * database of `engine` (see `@imprint/registry/testing`), and close and drop
 * both afterwards.
 */
export function useStorage(engine: TestEngineName, extra: TestStorageOptions = {}): StorageHandle {
  let opened: TestStorage | undefined;
  const others: OpenedRegistryStorage[] = [];
  beforeAll(async () => {
    opened = await openTestStorage(engine, extra);
  });
  afterAll(async () => {
    for (const other of others) await other.close();
    await opened?.dispose();
  });
  const current = suiteValue('useStorage()', () => opened);
  const options = () => ({ ...current.location, ...extra });
  return {
    get storage() {
      return current.storage;
    },
    get service() {
      return current.storage.service;
    },
    get principals() {
      return current.storage.principals;
    },
    get options() {
      return options();
    },
    async reopen(more = {}) {
      const other = await openRegistryStorage({ ...options(), ...more });
      others.push(other);
      return other;
    },
  };
}

/** PostgreSQL when `IMPRINT_TEST_POSTGRES_URL` is set, else nothing: for PostgreSQL-only suites. */
export const POSTGRES_ONLY: TestEngineName[] = testEngines().filter(
  (engine) => engine === 'postgres',
);

/** `describe.each` over {@link POSTGRES_ONLY}: skipped (and listed as such) without PostgreSQL. */
export const describeIfPostgres =
  POSTGRES_ONLY.length > 0
    ? describe.each(POSTGRES_ONLY)
    : describe.skip.each<TestEngineName>(['postgres']);
