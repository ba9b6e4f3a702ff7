import { sql } from 'kysely';
import type { RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import { pageResult } from '../domain/pagination';
import type { PageRequest } from '../domain/pagination';

/**
 * Applies a validated page request to a query: keyset condition after the
 * previous page's last row, ORDER BY the terms (id last, so the order is
 * total and stable), and LIMIT `limit + 1` to learn whether a next page
 * exists. Keyset (not OFFSET) keeps deep pages cheap on large lists.
 */
export function applyPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: PageRequest,
): SelectQueryBuilder<DB, TB, O> {
  let q = query;
  if (page.after) q = q.where(keysetCondition(page, page.after));
  for (const term of page.order) q = q.orderBy(sql.ref(term.column), term.dir);
  return q.limit(page.limit + 1);
}

/** Runs `query` for one page ({@link applyPage}) and cuts it to the page, with the next page's token. */
export async function fetchPage<DB, TB extends keyof DB, O extends Record<string, unknown>>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: PageRequest,
): Promise<{ rows: O[]; pagination: { next_page_token?: string } }> {
  return pageResult(page, (await applyPage(query, page).execute()) as O[]);
}

function keysetCondition(
  page: PageRequest,
  after: readonly (string | number)[],
): RawBuilder<SqlBool> {
  // (a > x) OR (a = x AND b > y) OR (a = x AND b = y AND id > z), with < for desc terms.
  const alternatives = page.order.map((term, i) => {
    const equalities = page.order
      .slice(0, i)
      .map((prev, j) => sql`${sql.ref(prev.column)} = ${after[j]}`);
    const comparison = sql`${sql.ref(term.column)} ${sql.raw(term.dir === 'asc' ? '>' : '<')} ${after[i]}`;
    return sql`(${sql.join([...equalities, comparison], sql` and `)})`;
  });
  return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
}
