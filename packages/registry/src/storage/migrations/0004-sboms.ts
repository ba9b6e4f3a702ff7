import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../sql-helpers';

/**
 * SBOM storage (UploadSbom / ListSboms / GetSbom). `sbom_blobs` holds each
 * distinct compressed document once, keyed by its sha256 (`data` is bytea on
 * PostgreSQL; on SQLite a BLOB column that stays NULL when the document sits
 * in a file under the data directory). `sboms` rows go with their build
 * (cascade, like artifacts) and point at a blob; blobs no longer pointed at
 * are deleted by the registry in the transaction that removes the last
 * `sboms` row (no cascade can express "last reference").
 * `registry.url_signing_key` signs GetSbom's download URLs; one key in the
 * database, so every instance over it accepts the URLs of the others.
 */
export function sbomsMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('registry').addColumn('url_signing_key', 'text').execute();
      await db.schema
        .createTable('sbom_blobs')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('data', engine === 'postgres' ? 'bytea' : 'blob')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sboms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('build_id', 'text', (c) =>
          c.notNull().references('builds.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('blob_sha256', 'text', (c) => c.notNull().references('sbom_blobs.sha256'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('sboms_build_name_uq', ['build_id', 'name'])
        .execute();
      await db.schema.createIndex('sboms_blob_idx').on('sboms').column('blob_sha256').execute();
    },
  };
}
