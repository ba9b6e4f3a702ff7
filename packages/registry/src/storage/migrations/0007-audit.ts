import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../sql-helpers';

/** Why a statement on `audit_events` was refused: the message both engines' guards raise. */
export const AUDIT_APPEND_ONLY_MESSAGE =
  'audit_events is append-only: rows cannot be deleted, and only an outcome of unknown may be set once';

/**
 * The audit log (`audit_events`): one row per mutating request and per failed
 * authentication, written before the change runs with `outcome = 'unknown'`
 * and set to `ok`, `denied` or `error` (with the HTTP status and error
 * reason) after the response. Append-only: a trigger on each engine refuses
 * DELETE and any UPDATE except setting `status`, `outcome` and
 * `error_reason` of a row whose outcome is still `unknown`, so even a
 * registry bug (or a hand-typed statement) cannot rewrite history. `id` is a
 * ULID, so it sorts by time; `(at, id)` serves the newest-first list.
 */
export function auditMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('principal_id', 'text')
        .addColumn('principal_name', 'text')
        .addColumn('role', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('operation', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('error_reason', 'text')
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('client_address', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_events_at_idx')
        .on('audit_events')
        .columns(['at', 'id'])
        .execute();
      await db.schema
        .createIndex('audit_events_principal_idx')
        .on('audit_events')
        .columns(['principal_name', 'at'])
        .execute();
      if (engine === 'postgres') {
        await sql`
          create or replace function audit_events_append_only() returns trigger language plpgsql as $$
          begin
            if tg_op = 'DELETE' or old.outcome <> 'unknown'
               or (to_jsonb(new) - array['status', 'outcome', 'error_reason'])
                  is distinct from (to_jsonb(old) - array['status', 'outcome', 'error_reason']) then
              raise exception '${sql.raw(AUDIT_APPEND_ONLY_MESSAGE)}';
            end if;
            return new;
          end $$`.execute(db);
        await sql`
          create trigger audit_events_append_only before update or delete on audit_events
          for each row execute function audit_events_append_only()`.execute(db);
      } else {
        await sql`
          create trigger audit_events_no_delete before delete on audit_events
          begin select raise(abort, '${sql.raw(AUDIT_APPEND_ONLY_MESSAGE)}'); end`.execute(db);
        const fixed = [
          'id',
          'at',
          'principal_id',
          'principal_name',
          'role',
          'method',
          'route',
          'operation',
          'resource',
          'request_id',
          'client_address',
          'user_agent',
        ]
          .map((c) => `new.${c} is not old.${c}`)
          .join(' or ');
        await sql`
          create trigger audit_events_no_rewrite before update on audit_events
          when old.outcome <> 'unknown' or ${sql.raw(fixed)}
          begin select raise(abort, '${sql.raw(AUDIT_APPEND_ONLY_MESSAGE)}'); end`.execute(db);
      }
    },
  };
}
