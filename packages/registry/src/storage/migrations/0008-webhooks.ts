import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Webhooks (issue 18).
 *
 * - `webhooks`: one subscription per row: a target URL, the events it wants
 *   (JSON array of event names; `[]` = every event) and the secret its
 *   deliveries are signed with (kept to sign; shown once, at create).
 * - `webhook_outbox`: one row per (event, subscription), written in the
 *   transaction of the change it reports, so a crash never loses one. The
 *   deliverer leases due rows (`locked_until`/`locked_by`) and records each
 *   attempt; `delivered_at` or `failed_at` end a row. Named 0008: 0007 is
 *   reserved for the audit log of the same issue.
 * - Every revocation coming due is now claimed once (to send its
 *   `version.revoke`), not only those that roll channels back: the sweep's
 *   partial index covers them all, and revocations without rollback that
 *   were already in effect are marked applied, so an upgrade does not
 *   announce old revocations.
 */
export const webhooksMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('webhook_id', 'text', (c) =>
        c.notNull().references('webhooks.id').onDelete('cascade'),
      )
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint')
      .addColumn('locked_by', 'text')
      .addColumn('delivered_at', 'bigint')
      .addColumn('failed_at', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('last_status', 'integer')
      .execute();
    // The deliverer's scan: rows still pending, soonest first.
    await db.schema
      .createIndex('webhook_outbox_due_idx')
      .on('webhook_outbox')
      .columns(['delivered_at', 'failed_at', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('webhook_outbox_webhook_idx')
      .on('webhook_outbox')
      .columns(['webhook_id', 'id'])
      .execute();

    await db.schema.dropIndex('versions_due_revocation_idx').execute();
    await db.schema
      .createIndex('versions_due_idx')
      .on('versions')
      .column('revoke_at')
      .where(sql<boolean>`revocation_applied = 0`)
      .execute();
    await sql`update versions set revocation_applied = 1
      where revocation_applied = 0 and revocation_rollback = 0
        and revoke_at <= ${Date.now()}`.execute(db);
  },
};
