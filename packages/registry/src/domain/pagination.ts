import { LIMITS, type ListOptions } from '@imprint/client';
import { RegistryErrors } from '../errors/registry-errors';
import { isStorableText } from './validation';

/** Page size when the caller sends none (or 0, protobuf's "unset"), unless the list's spec says otherwise. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page a caller may ask for; more is a code-3 error. */
export const MAX_PAGE_SIZE = LIMITS.pageSize;
/** Longest text value a page token may carry (the longest sortable text, component_type, is 255). */
const MAX_PAGE_TOKEN_TEXT = 1024;
/** Longest page token accepted. */
const MAX_PAGE_TOKEN_LENGTH = 4096;
/** What `encodePageToken` emits: base64url without padding (padding is tolerated). */
const PAGE_TOKEN_PATTERN = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * The SQL type of a sort key's values: `text`, or `integer` (epoch-ms
 * timestamps, a version's `seq`), which must be a safe integer.
 */
export type SortKeyType = 'text' | 'integer';

/** A sortable field of a list: its API name and the SQL column/alias behind it. */
export interface SortableField {
  /** SQL reference, e.g. `buckets.name`. */
  readonly column: string;
  /** Key of the selected row holding the value, e.g. `name`. */
  readonly key: string;
  /**
   * The column's type. Page tokens carry values of these keys back into SQL,
   * so a decoded token is refused unless every value has its key's type.
   */
  readonly type: SortKeyType;
}

/** What a list can be sorted by, and how it is sorted by default. */
export interface ListSpec {
  readonly fields: Readonly<Record<string, SortableField>>;
  readonly defaultOrder: readonly string[];
  /** Unique tiebreak column (ULID primary key), appended in the last term's direction. */
  readonly id: SortableField;
  /** The page size when the caller sends none; default {@link DEFAULT_PAGE_SIZE}. */
  readonly defaultPageSize?: number;
}

/**
 * The spec of a list of `table`'s rows, sortable by `keys` in that order (the
 * order error messages list them in): timestamps (`*_at`, epoch ms) are
 * integers, other keys text, unless `special` maps a key to another column.
 * The ULID `id` is the tiebreak.
 *
 * @example
 * ```ts
 * tableListSpec('buckets', ['name', 'created_at', 'updated_at'], 'name asc');
 * ```
 */
export function tableListSpec(
  table: string,
  keys: readonly string[],
  defaultOrder: string,
  special: Readonly<Record<string, SortableField>> = {},
): ListSpec {
  const field = (key: string): SortableField => ({
    column: `${table}.${key}`,
    key,
    type: key.endsWith('_at') ? 'integer' : 'text',
  });
  return {
    fields: Object.fromEntries(keys.map((key) => [key, special[key] ?? field(key)])),
    defaultOrder: [defaultOrder],
    id: field('id'),
  };
}

/** One resolved ORDER BY term. */
export interface OrderTerm extends SortableField {
  readonly dir: 'asc' | 'desc';
}

/** A validated page request. */
export interface PageRequest {
  readonly limit: number;
  readonly order: readonly OrderTerm[];
  /** Values of `order`'s keys on the last row of the previous page. */
  readonly after?: readonly (string | number)[];
  /** Identifies the order; tokens from another order are refused. */
  readonly signature: string;
}

/**
 * Validates `pageSize`, `orderBy` and `nextPageToken` against a list's spec.
 * Order-by terms are `field` or `field asc|desc`, given as separate array
 * entries or comma-separated (`"name,created_at desc"`).
 */
export function parsePageRequest(options: unknown, spec: ListSpec): PageRequest {
  if (
    options !== undefined &&
    (typeof options !== 'object' || options === null || Array.isArray(options))
  ) {
    throw new RegistryErrors.ListOptionsInvalid();
  }
  const { pageSize, nextPageToken, orderBy } = (options ?? {}) as ListOptions;

  const fallback = spec.defaultPageSize ?? DEFAULT_PAGE_SIZE;
  let limit = fallback;
  if (pageSize !== undefined && pageSize !== null && pageSize !== 0) {
    if (
      typeof pageSize !== 'number' ||
      !Number.isInteger(pageSize) ||
      pageSize < 1 ||
      pageSize > MAX_PAGE_SIZE
    ) {
      throw new RegistryErrors.PageSizeInvalid({
        value: pageSize,
        max: MAX_PAGE_SIZE,
        fallback,
      });
    }
    limit = pageSize;
  }

  const terms = parseOrderBy(orderBy, spec);
  // The id tiebreak follows the last term's direction, so "newest first"
  // stays newest first among rows sharing a timestamp (ids are ULIDs).
  const order: OrderTerm[] = [...terms, { ...spec.id, dir: terms[terms.length - 1]?.dir ?? 'asc' }];
  const signature = order.map((t) => `${t.key}:${t.dir}`).join(',');

  let after: (string | number)[] | undefined;
  if (nextPageToken !== undefined && nextPageToken !== null && nextPageToken !== '') {
    after = decodeToken(nextPageToken, signature, order);
  }
  return { limit, order, after, signature };
}

function parseOrderBy(orderBy: unknown, spec: ListSpec): OrderTerm[] {
  if (orderBy === undefined || orderBy === null)
    return spec.defaultOrder.map((t) => parseTerm(t, spec));
  const list = typeof orderBy === 'string' ? [orderBy] : orderBy;
  if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) {
    throw new RegistryErrors.OrderByNotAList();
  }
  const raw = (list as string[])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (raw.length === 0) return spec.defaultOrder.map((t) => parseTerm(t, spec));
  const terms = raw.map((t) => parseTerm(t, spec));
  const seen = new Set<string>();
  for (const t of terms) {
    if (seen.has(t.key)) throw new RegistryErrors.OrderByRepeated({ key: t.key });
    seen.add(t.key);
  }
  return terms;
}

function parseTerm(term: string, spec: ListSpec): OrderTerm {
  const [name, dir = 'asc', ...rest] = term.split(/\s+/);
  const field = Object.hasOwn(spec.fields, name) ? spec.fields[name] : undefined;
  const direction = dir.toLowerCase();
  if (!field || rest.length > 0 || (direction !== 'asc' && direction !== 'desc')) {
    throw new RegistryErrors.OrderByTermInvalid({ term, fields: Object.keys(spec.fields) });
  }
  return { ...field, dir: direction };
}

/** The opaque token that continues after `row`. */
export function encodePageToken(
  request: PageRequest,
  row: Readonly<Record<string, unknown>>,
): string {
  const values = request.order.map((t) => row[t.key]);
  return Buffer.from(JSON.stringify({ s: request.signature, v: values })).toString('base64url');
}

/** Whether a decoded token value can stand for a value of a key of `type` in SQL. */
function fitsKey(value: unknown, type: SortKeyType): value is string | number {
  if (type === 'integer') return typeof value === 'number' && Number.isSafeInteger(value);
  return typeof value === 'string' && value.length <= MAX_PAGE_TOKEN_TEXT && isStorableText(value);
}

/**
 * Tokens come back from callers, so they are untrusted: beyond the signature,
 * every value must have its key's type before it is bound into the keyset
 * condition (a string or 1.5 for a bigint column fails on PostgreSQL).
 */
function decodeToken(
  token: unknown,
  signature: string,
  order: readonly OrderTerm[],
): (string | number)[] {
  const invalid = () => new RegistryErrors.PageTokenInvalid();
  if (
    typeof token !== 'string' ||
    token.length > MAX_PAGE_TOKEN_LENGTH ||
    !PAGE_TOKEN_PATTERN.test(token)
  )
    throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null) throw invalid();
  const { s, v } = decoded as { s?: unknown; v?: unknown };
  if (s !== signature || !Array.isArray(v) || v.length !== order.length) throw invalid();
  if (!order.every((term, i) => fitsKey(v[i], term.type))) throw invalid();
  return v as (string | number)[];
}

/**
 * Splits a fetched page (`limit + 1` rows were asked for) into the rows to
 * return and the pagination block.
 */
export function pageResult<R extends Record<string, unknown>>(
  request: PageRequest,
  rows: R[],
): { rows: R[]; pagination: { next_page_token?: string } } {
  if (rows.length <= request.limit) return { rows, pagination: {} };
  const page = rows.slice(0, request.limit);
  return {
    rows: page,
    pagination: { next_page_token: encodePageToken(request, page[page.length - 1]) },
  };
}
