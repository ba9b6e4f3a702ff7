import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * The initial schema. Portable DDL only: text ids (ULIDs), bigint epoch-ms
 * timestamps, 0/1 integers for booleans, JSON as text. Foreign keys cascade
 * from bucket → version → build → artifact, bucket → channel → history.
 */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('registry')
      .addColumn('singleton', 'integer', (c) => c.primaryKey().check(sqlEq1()))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('buckets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('platforms', 'text', (c) => c.notNull())
      .addColumn('version_seq', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('bucket_id', 'text', (c) =>
        c.notNull().references('buckets.id').onDelete('cascade'),
      )
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('template_type', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addColumn('revoke_at', 'bigint')
      .addColumn('revocation_message', 'text')
      .addColumn('revocation_author', 'text')
      .addColumn('revocation_type', 'text')
      .addColumn('revocation_inherited_from', 'text')
      .addColumn('inherited_from_version_id', 'text')
      .addColumn('revocation_cascade', 'integer', (c) => c.notNull())
      .addColumn('revocation_rollback', 'integer', (c) => c.notNull())
      .addColumn('revocation_applied', 'integer', (c) => c.notNull())
      .addColumn('own_revoke_at', 'bigint')
      .addColumn('own_message', 'text')
      .addColumn('own_author', 'text')
      .addColumn('own_cascade', 'integer', (c) => c.notNull())
      .addColumn('own_rollback', 'integer', (c) => c.notNull())
      .addUniqueConstraint('versions_bucket_fingerprint_uq', ['bucket_id', 'fingerprint'])
      .execute();
    // vN is unique per bucket once assigned; every incomplete version shares seq 0.
    await db.schema
      .createIndex('versions_bucket_seq_uq')
      .on('versions')
      .columns(['bucket_id', 'seq'])
      .unique()
      .where('seq', '>', 0)
      .execute();
    await db.schema
      .createIndex('versions_bucket_created_idx')
      .on('versions')
      .columns(['bucket_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('versions_inherited_from_idx')
      .on('versions')
      .column('inherited_from_version_id')
      .execute();
    await db.schema
      .createIndex('versions_due_revocation_idx')
      .on('versions')
      .column('revoke_at')
      .where(sql<boolean>`revocation_rollback = 1 and revocation_applied = 0`)
      .execute();

    await db.schema
      .createTable('builds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('version_id', 'text', (c) =>
        c.notNull().references('versions.id').onDelete('cascade'),
      )
      .addColumn('component_type', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('packer_run_uuid', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('source_external_identifier', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('parent_version_id', 'text', (c) => c.notNull())
      .addColumn('parent_channel_id', 'text', (c) => c.notNull())
      .addColumn('heartbeat_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('builds_version_component_uq', ['version_id', 'component_type'])
      .execute();
    await db.schema
      .createIndex('builds_status_heartbeat_idx')
      .on('builds')
      .columns(['status', 'heartbeat_at'])
      .execute();

    await db.schema
      .createTable('artifacts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('build_id', 'text', (c) => c.notNull().references('builds.id').onDelete('cascade'))
      .addColumn('external_identifier', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('artifacts_build_ext_region_uq', [
        'build_id',
        'external_identifier',
        'region',
      ])
      .execute();
    await db.schema
      .createIndex('artifacts_external_identifier_idx')
      .on('artifacts')
      .column('external_identifier')
      .execute();

    await db.schema
      .createTable('channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('bucket_id', 'text', (c) =>
        c.notNull().references('buckets.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('managed', 'integer', (c) => c.notNull())
      .addColumn('restricted', 'integer', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.references('versions.id').onDelete('set null'))
      .addColumn('author_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('channels_bucket_name_uq', ['bucket_id', 'name'])
      .execute();
    await db.schema
      .createIndex('channels_version_idx')
      .on('channels')
      .column('version_id')
      .execute();

    await db.schema
      .createTable('channel_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) =>
        c.notNull().references('channels.id').onDelete('cascade'),
      )
      .addColumn('assigned_at', 'bigint', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text')
      .addColumn('version_fingerprint', 'text')
      .addColumn('version_name', 'text')
      .execute();
    await db.schema
      .createIndex('channel_history_channel_idx')
      .on('channel_history')
      .columns(['channel_id', 'id'])
      .execute();

    await db.schema
      .createTable('version_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('child_version_id', 'text', (c) =>
        c.notNull().references('versions.id').onDelete('cascade'),
      )
      .addColumn('parent_version_id', 'text', (c) =>
        c.notNull().references('versions.id').onDelete('cascade'),
      )
      .addColumn('parent_channel_id', 'text', (c) =>
        c.references('channels.id').onDelete('set null'),
      )
      .addColumn('inferred', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('version_links_child_parent_uq', [
        'child_version_id',
        'parent_version_id',
      ])
      .execute();
    await db.schema
      .createIndex('version_links_parent_idx')
      .on('version_links')
      .columns(['parent_version_id', 'child_version_id'])
      .execute();
    await db.schema
      .createIndex('version_links_channel_idx')
      .on('version_links')
      .column('parent_channel_id')
      .execute();

    await db.schema
      .createTable('principals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('secret_salt', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('principal_id', 'text', (c) =>
        c.notNull().references('principals.id').onDelete('cascade'),
      )
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('tokens_principal_idx')
      .on('tokens')
      .column('principal_id')
      .execute();
    await db.schema.createIndex('tokens_expires_idx').on('tokens').column('expires_at').execute();
  },
};

function sqlEq1() {
  // Only one registry row may ever exist.
  return sql`singleton = 1`;
}
