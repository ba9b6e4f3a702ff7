import type { Pool } from 'pg';
import { REGISTRY_TABLES } from './schema';

/** How often a registry instance looks for tables whose statistics fell behind. */
export const STATISTICS_CHECK_INTERVAL_MS = 1_000;
/** A table smaller than this is never analyzed by the registry (autovacuum's business). */
const MIN_ROWS = 100;

/*
 * Tables whose planner statistics describe fewer than half the rows they now
 * hold (never analyzed: none), among the registry's own tables. Past a
 * table's youth this never matches: autovacuum analyzes every 10% of change.
 */
const BEHIND = `
  select s.relname as table
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
   where s.schemaname = current_schema()
     and s.relname = any($1::text[])
     and s.n_live_tup >= $2
     and s.n_live_tup >= 2 * greatest(c.reltuples, 0)`;

/**
 * Keeps the planner statistics of the registry's young tables in step with
 * their growth. PostgreSQL plans from statistics that only ANALYZE writes,
 * and autovacuum runs it a minute or more after a table changed (its naptime).
 * A registry started on an empty database meanwhile plans over "no rows":
 * without knowing that a bucket holds all of a table's versions, the planner
 * finds a scan of the bucket's index (or of the table) as cheap as the unique
 * key, and the statements each pooled connection prepared keep that plan
 * until statistics arrive — reading the whole bucket on every CreateBuild
 * and UpdateBuild, slower with every version. So each second the registry
 * asks which of its tables doubled since they were last analyzed and
 * analyzes those (`SKIP_LOCKED`: never waits on another instance doing the
 * same); ANALYZE also makes every connection plan those statements afresh.
 * A table is thus analyzed about log2(rows) times in its life; a table
 * the registry's role does not own is skipped by PostgreSQL with a warning.
 */
export class PostgresStatistics {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly intervalMs = STATISTICS_CHECK_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** Analyzes the tables that fell behind; returns their names. */
  async analyzeTablesBehind(): Promise<string[]> {
    const { rows } = await this.pool.query<{ table: string }>(BEHIND, [
      [...REGISTRY_TABLES],
      MIN_ROWS,
    ]);
    const tables = rows.map((row) => row.table);
    if (tables.length > 0) {
      await this.pool.query(
        `analyze (skip_locked) ${tables.map((table) => `"${table}"`).join(', ')}`,
      );
    }
    return tables;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private check(): void {
    if (this.running) return;
    // A failure (the database is away, the pool is closing) waits for the
    // next turn; the requests that meet it report it.
    this.running = this.analyzeTablesBehind()
      .then(() => undefined)
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
      });
  }
}
