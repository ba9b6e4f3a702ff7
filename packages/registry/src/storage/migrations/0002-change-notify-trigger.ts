import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../sql-helpers';
import { CACHED_TABLES, CHANGE_CHANNEL } from '../change-tracking';

/**
 * PostgreSQL: every statement that changes a registry table NOTIFYs
 * {@link CHANGE_CHANNEL} inside its transaction, with the writer's
 * `application_name` as payload (which names the instance), so other
 * instances drop their read caches exactly when it commits. A trigger
 * costs no round trip, where an explicit NOTIFY per write transaction cost
 * one; PostgreSQL folds identical notifications of one transaction into one.
 * Writes made with other tools (psql) are announced too. SQLite: nothing
 * (other processes' commits are seen through `PRAGMA data_version`).
 */
export function changeNotifyTriggerMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (engine !== 'postgres') return;
      await sql`
        create function imprint_announce_change() returns trigger language plpgsql as $$
        begin
          perform pg_notify(${sql.lit(CHANGE_CHANNEL)}, current_setting('application_name'));
          return null;
        end $$`.execute(db);
      for (const table of CACHED_TABLES) {
        await sql`
          create trigger imprint_announce_change
          after insert or update or delete or truncate on ${sql.table(table)}
          for each statement execute function imprint_announce_change()`.execute(db);
      }
    },
  };
}
