import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial';

/**
 * Every schema migration, keyed by a name that sorts in application order.
 * Forward-only: add a new `000N-*.ts` file and list it here; never edit or
 * remove a migration that has shipped.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-initial': initialMigration,
});

/** A static, in-code provider: no file-system scanning, so it works from a bundle too. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
