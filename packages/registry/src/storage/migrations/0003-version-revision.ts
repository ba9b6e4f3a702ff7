import type { Kysely, Migration } from 'kysely';

/**
 * `versions.revision`: a counter every change to a version's builds (and
 * its completion) moves. UpdateBuild on PostgreSQL reads a version and its
 * builds without a lock, decides, and writes in one statement that applies
 * only if the revision is still the one it read (and retries otherwise), so
 * a completion holds no row lock across a client round trip.
 */
export const versionRevisionMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('versions')
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
