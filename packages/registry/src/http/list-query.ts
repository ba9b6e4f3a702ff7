import type { Static, TObject } from '@fastify/type-provider-typebox';
import type { LIST_QUERY_FIELDS, ListOptions } from '@imprint/client';

/** The pagination and sorting query params of list operations (the contract's `ListQuerystring()`). */
export type ListQuery = Static<TObject<typeof LIST_QUERY_FIELDS>>;

/** Query params → the service's {@link ListOptions}. */
export function toListOptions(query: ListQuery | undefined): ListOptions {
  const options: ListOptions = {};
  if (!query) return options;
  const pageSize = Number(query['pagination.page_size'] ?? 0);
  if (pageSize > 0) options.pageSize = pageSize;
  const token = query['pagination.next_page_token'];
  if (token) options.nextPageToken = token;
  const orderBy = query['sorting.order_by'];
  if (orderBy !== undefined) {
    const terms = (Array.isArray(orderBy) ? orderBy : [orderBy])
      .flatMap((item) => item.split(','))
      .map((term) => term.trim().replace(/\s+/g, ' '))
      .filter((term) => term !== '');
    if (terms.length > 0) options.orderBy = terms;
  }
  return options;
}
