import type { ListOptions } from '@imprint/client';

/** The pagination and sorting query params of list operations (validated by `listQuery()`). */
export type ListQuery = {
  'pagination.page_size'?: string;
  'pagination.next_page_token'?: string;
  'pagination.previous_page_token'?: string;
  'sorting.order_by'?: string | string[];
};

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
