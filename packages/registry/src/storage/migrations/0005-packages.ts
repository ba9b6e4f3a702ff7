import type { Kysely, Migration } from 'kysely';

/**
 * Packages parsed out of SBOMs (ListBuildPackages, ListBucketPackages and
 * the package search). One row per (SBOM, package): `package_key` is the
 * sha256 of the package's identity (name, version, purl), so the lists can
 * group the SBOMs that contain one package and page on a short unique key;
 * `name_lower` serves case-insensitive search. Rows go with their SBOM
 * (the registry deletes them with it; the cascade is a backstop).
 * `sboms.packages_indexed` is 0 for an SBOM whose packages are not parsed
 * yet: every SBOM stored before this migration (parsed when the storage
 * opens next, see packages-backfill.ts), or one written by an older
 * registry over the same database.
 */
export const packagesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('sboms')
      .addColumn('packages_indexed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('packages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('sbom_id', 'text', (c) => c.notNull().references('sboms.id').onDelete('cascade'))
      .addColumn('build_id', 'text', (c) => c.notNull())
      .addColumn('package_key', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_lower', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('purl', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('licenses', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('packages_sbom_key_uq', ['sbom_id', 'package_key'])
      .execute();
    await db.schema
      .createIndex('packages_build_idx')
      .on('packages')
      .columns(['build_id', 'name', 'package_key'])
      .execute();
    await db.schema
      .createIndex('packages_name_idx')
      .on('packages')
      .columns(['name_lower', 'version', 'created_at'])
      .execute();
    await db.schema
      .createIndex('packages_purl_idx')
      .on('packages')
      .columns(['purl', 'created_at'])
      .execute();
  },
};
