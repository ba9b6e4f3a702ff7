import type { StorageOptions } from '../domain/registry-contract';
import { openRegistryStorage, type OpenedRegistryStorage } from '../storage/open-registry-storage';
import {
  createTestDatabase,
  type CreateTestDatabaseOptions,
  type TestDatabaseLocation,
  type TestEngineName,
} from './test-database';

/** Storage options a test may set; where the database lives is the helper's choice. */
export type TestStorageOptions = Omit<StorageOptions, 'dataDir' | 'databaseUrl'>;

/** Real storage on a fresh database, and how to throw both away. */
export interface TestStorage {
  readonly storage: OpenedRegistryStorage;
  /** Opens the same database again (another store, the CLI, a child process). */
  readonly location: TestDatabaseLocation;
  /** Closes the storage (if still open) and drops the database. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Opens real storage on a fresh database of `engine`, for tests that drive
 * the service directly or start servers of their own over it.
 */
export async function openTestStorage(
  engine: TestEngineName,
  options: TestStorageOptions = {},
  database: CreateTestDatabaseOptions = {},
): Promise<TestStorage> {
  const created = await createTestDatabase(engine, database);
  let storage: OpenedRegistryStorage;
  try {
    storage = await openRegistryStorage({ ...created.location, ...options });
  } catch (error) {
    await created.drop();
    throw error;
  }
  let disposing: Promise<void> | undefined;
  return {
    storage,
    location: created.location,
    dispose() {
      // A test may have closed the storage already (to see what closing does).
      disposing ??= storage
        .close()
        .catch(() => undefined)
        .then(() => created.drop());
      return disposing;
    },
  };
}
