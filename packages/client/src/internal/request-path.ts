import { RegistryArgumentError } from '../errors/client.errors';
import type { ListOptions } from '../models';

/** A query value; arrays repeat the key, `undefined` leaves it out. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** Query parameters, in the order they are written. */
export type Query = Readonly<Record<string, QueryValue>>;

/**
 * Encodes one path segment. Empty, `.` and `..` segments are refused: fetch
 * (WHATWG URL) would collapse them, even percent-encoded, and the request
 * would reach another route.
 */
export function segment(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new RegistryArgumentError(name, `must be a non-empty string, got ${describe(value)}`);
  }
  if (value === '.' || value === '..') {
    throw new RegistryArgumentError(name, `'${value}' cannot be used as a path segment`);
  }
  return encodeURIComponent(value);
}

/** `?a=1&b=x%20y`, or `''` when nothing is set. Arrays repeat the key (`?k=a&k=b`). */
export function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [String(value)];
    for (const item of values) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(item)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** The standard list parameters of the API (`pagination.*`, `sorting.order_by`). */
export function listQuery(options: ListOptions | undefined): Record<string, QueryValue> {
  if (options === undefined) return {};
  return {
    'pagination.page_size': options.pageSize,
    'pagination.next_page_token': options.nextPageToken || undefined,
    'pagination.previous_page_token': options.previousPageToken || undefined,
    'sorting.order_by':
      options.orderBy === undefined || options.orderBy.length === 0 ? undefined : options.orderBy,
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}
