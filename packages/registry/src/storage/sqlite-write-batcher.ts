import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

/** At most this many write transactions share one SQLite commit. */
export const MAX_GROUP_COMMIT = 64;

interface Pending {
  readonly fn: (trx: Transaction<Database>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Something that must run while no write transaction does (see {@link SqliteWriteBatcher.between}). */
interface Barrier {
  readonly barrier: () => Promise<void>;
  readonly done: () => void;
}

/**
 * Group commit for SQLite. Its single connection runs write transactions
 * one after another, and each COMMIT costs far more than the statements
 * before it (~100-150 µs of WAL writes, measured). Transactions that arrive
 * in the same turn of the event loop, or while a group runs, run together: one `BEGIN IMMEDIATE`, each
 * inside a savepoint of its own (a failure rolls back only its own
 * changes and reaches only its own caller), one COMMIT. Every caller hears
 * of success only after that COMMIT, so nothing is acknowledged before it
 * is durable; if the COMMIT fails, every transaction of the group fails.
 * Reads wait for the connection as before, so no reader sees a change
 * before it commits. A lone transaction runs exactly as without batching.
 */
export class SqliteWriteBatcher {
  private queue: (Pending | Barrier)[] = [];
  private draining = false;

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue({ fn, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /**
   * Runs `fn` once the write transaction under way (if any) has committed,
   * and starts none until it settles; transactions asked for meanwhile wait
   * and then run as usual. For work another connection can do only while
   * this one does not write (a WAL restart). `fn` must not write through
   * this batcher, and should be short: writes wait for it.
   */
  between(fn: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve) => {
      this.enqueue({ barrier: fn, done: resolve });
    });
  }

  private enqueue(item: Pending | Barrier): void {
    this.queue.push(item);
    if (this.draining) return;
    this.draining = true;
    // better-sqlite3 is synchronous, so a transaction runs to its end
    // without yielding to the event loop: without this turn, no second
    // request could ever join. Requests read in the same I/O phase can.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        if ('barrier' in head) {
          this.queue.shift();
          await head.barrier().catch(() => undefined);
          head.done();
          continue;
        }
        // A group ends before the next barrier.
        const end = this.queue.findIndex((item) => 'barrier' in item);
        const size = Math.min(MAX_GROUP_COMMIT, end === -1 ? this.queue.length : end);
        const group = this.queue.splice(0, size) as Pending[];
        await (group.length === 1 ? this.runAlone(group[0]) : this.runGroup(group));
      }
    } finally {
      this.draining = false;
    }
  }

  private async runAlone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.db.transaction().execute(item.fn));
    } catch (error) {
      item.reject(error);
    }
  }

  private async runGroup(group: readonly Pending[]): Promise<void> {
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    const succeeded: [Pending, unknown][] = [];
    for (const [index, item] of group.entries()) {
      const name = `imprint_w${index}`;
      let savepoint;
      try {
        savepoint = await trx.savepoint(name).execute();
      } catch (error) {
        // The transaction itself is broken: nothing of the group can commit.
        await trx
          .rollback()
          .execute()
          .catch(() => undefined);
        for (const [done] of succeeded) done.reject(error);
        for (const rest of group.slice(index)) rest.reject(error);
        return;
      }
      try {
        const value = await item.fn(savepoint);
        await savepoint.releaseSavepoint(name).execute();
        succeeded.push([item, value]);
      } catch (error) {
        item.reject(error);
        try {
          await savepoint.rollbackToSavepoint(name).execute();
          await savepoint.releaseSavepoint(name).execute();
        } catch (rollbackError) {
          await trx
            .rollback()
            .execute()
            .catch(() => undefined);
          for (const [done] of succeeded) done.reject(rollbackError);
          for (const rest of group.slice(index + 1)) rest.reject(rollbackError);
          return;
        }
      }
    }
    try {
      await trx.commit().execute();
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      for (const [item] of succeeded) item.reject(error);
      return;
    }
    for (const [item, value] of succeeded) item.resolve(value);
  }
}
