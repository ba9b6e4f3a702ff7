import type { Kysely, Migration } from 'kysely';

/**
 * Offline vulnerability matching (`imprint-registry vulns import`).
 *
 * - `vulnerabilities`: one row per OSV record (id = the OSV id), with what
 *   the API shows; `criticality_rank` (0 Critical … 4 Unknown) sorts worst first.
 * - `vulnerability_aliases`: the record's id and aliases lower-cased, so the
 *   `identifier` filter finds a GHSA by its CVE.
 * - `vulnerability_affected`: the record's `affected[]` entries, keyed by the
 *   OSV ecosystem and normalised name packages are matched on; `affected`
 *   holds the ranges and versions as JSON (evaluated in the registry, not SQL).
 * - `package_vulnerabilities`: the matches, per package identity
 *   (`packages.package_key`); `first_seen_at` survives re-imports.
 * - `vulnerability_imports`: one row per import, for `vulns status` and a
 *   package's `last_scanned_at`.
 * - `packages.osv_*`: the OSV identity of each package's purl (`osv_version`
 *   the source version OSV's ranges speak of when the purl gives one, else ''). NULL until
 *   derived (rows stored before this migration are derived when the storage
 *   opens); '' when the purl maps to no OSV ecosystem.
 */
export const vulnerabilitiesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('vulnerabilities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('aliases', 'text', (c) => c.notNull())
      .addColumn('related', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('criticality', 'text', (c) => c.notNull())
      .addColumn('criticality_rank', 'integer', (c) => c.notNull())
      .addColumn('score', 'real')
      .addColumn('published_at', 'bigint')
      .addColumn('modified_at', 'bigint', (c) => c.notNull())
      .addColumn('withdrawn_at', 'bigint')
      .addColumn('imported_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('vulnerability_aliases')
      .addColumn('vulnerability_id', 'text', (c) =>
        c.notNull().references('vulnerabilities.id').onDelete('cascade'),
      )
      .addColumn('alias_lower', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('vulnerability_aliases_pk', ['vulnerability_id', 'alias_lower'])
      .execute();
    await db.schema
      .createIndex('vulnerability_aliases_alias_idx')
      .on('vulnerability_aliases')
      .column('alias_lower')
      .execute();
    await db.schema
      .createTable('vulnerability_affected')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('vulnerability_id', 'text', (c) =>
        c.notNull().references('vulnerabilities.id').onDelete('cascade'),
      )
      .addColumn('ecosystem', 'text', (c) => c.notNull())
      .addColumn('release', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('affected', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('vulnerability_affected_package_idx')
      .on('vulnerability_affected')
      .columns(['ecosystem', 'name'])
      .execute();
    await db.schema
      .createIndex('vulnerability_affected_vulnerability_idx')
      .on('vulnerability_affected')
      .column('vulnerability_id')
      .execute();
    await db.schema
      .createTable('package_vulnerabilities')
      .addColumn('package_key', 'text', (c) => c.notNull())
      .addColumn('vulnerability_id', 'text', (c) =>
        c.notNull().references('vulnerabilities.id').onDelete('cascade'),
      )
      .addColumn('fixed_version', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('package_vulnerabilities_pk', ['package_key', 'vulnerability_id'])
      .execute();
    await db.schema
      .createIndex('package_vulnerabilities_vulnerability_idx')
      .on('package_vulnerabilities')
      .column('vulnerability_id')
      .execute();
    await db.schema
      .createTable('vulnerability_imports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('packages').addColumn('osv_ecosystem', 'text').execute();
    await db.schema
      .alterTable('packages')
      .addColumn('osv_release', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('packages')
      .addColumn('osv_name', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('packages')
      .addColumn('osv_version', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .createIndex('packages_osv_idx')
      .on('packages')
      .columns(['osv_ecosystem', 'osv_name'])
      .execute();
  },
};
