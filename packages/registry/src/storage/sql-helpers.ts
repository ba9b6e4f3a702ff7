import type { Db } from './schema';

/** Which SQL engine a store runs on. */
export type Engine = 'sqlite' | 'postgres';

/** True when `error` is a unique/primary-key violation on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  // PostgreSQL SQLSTATE 23505; better-sqlite3 extended result codes.
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** Converts a unique violation raised by a concurrent writer into the code-6 error a sequential caller gets. */
export async function uniqueAs<T>(error: () => Error, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUniqueViolation(e)) throw error();
    throw e;
  }
}

/** True when `error` is a foreign-key violation on either engine. */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** True when `error` is a NOT NULL violation on either engine. */
export function isNotNullViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23502' || code === 'SQLITE_CONSTRAINT_NOTNULL';
}

/** Parameter lists stay well below SQLite's and PostgreSQL's bind limits. */
export const IN_LIST_CHUNK = 500;

/** Runs `fn` on consecutive chunks of `values` and concatenates the results. */
export async function inChunks<T, R>(
  values: readonly T[],
  fn: (chunk: T[]) => Promise<R[]>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += IN_LIST_CHUNK) {
    out.push(...(await fn(values.slice(i, i + IN_LIST_CHUNK))));
  }
  return out;
}

/**
 * Locks rows for the rest of the transaction (`FOR NO KEY UPDATE`: the
 * registry never changes a row's key, and unlike `FOR UPDATE` it does not
 * collide with the KEY SHARE locks PostgreSQL's foreign-key checks take on
 * the same row when this transaction inserts children of it, which would
 * make it track the row's lockers in a multixact). PostgreSQL runs transactions
 * concurrently (READ COMMITTED), so read-check-write sequences on one
 * version/channel take a row lock first. SQLite transactions are already
 * serialised (one connection, BEGIN IMMEDIATE), and FOR UPDATE is not SQLite
 * syntax, so there it is a no-op.
 */
export async function lockRows(
  db: Db,
  engine: Engine,
  table: 'versions' | 'channels' | 'buckets' | 'builds',
  ids: readonly string[],
): Promise<void> {
  if (engine !== 'postgres' || ids.length === 0) return;
  const sorted = [...new Set(ids)].sort(); // one global lock order avoids deadlocks
  for (let i = 0; i < sorted.length; i += IN_LIST_CHUNK) {
    await db
      .selectFrom(table)
      .select('id')
      .where('id', 'in', sorted.slice(i, i + IN_LIST_CHUNK))
      .orderBy('id')
      .forNoKeyUpdate()
      .execute();
  }
}

/**
 * A LIKE pattern matching strings that start with `prefix`: `%`, `_` and the
 * escape character itself are literal. Use with `escape '\'`.
 */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
