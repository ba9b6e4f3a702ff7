/** The console's pages, addressed by the URL hash (`#/buckets/…`) so the server only serves `index.html`. */
export type Route =
  | { page: 'buckets' }
  | { page: 'bucket'; bucket: string }
  | { page: 'bucket-vulnerabilities'; bucket: string }
  | { page: 'version'; bucket: string; fingerprint: string }
  | { page: 'search'; query: string }
  | { page: 'packages'; name: string; version: string }
  | { page: 'webhooks' }
  | { page: 'audit'; filters: AuditFilters }
  | { page: 'not-found' }
  | { page: 'redirect'; to: string };

/** The audit log's filters and page, as its address carries them (`#/audit?outcome=denied&…`). */
export interface AuditFilters {
  principal: string;
  operation: string;
  outcome: string;
  resource: string;
  /** RFC 3339. */
  since: string;
  /** The API's page token; empty for the newest page. */
  page: string;
}

/** The keys of {@link AuditFilters}, in the order the address lists them. */
export const AUDIT_FILTER_KEYS = [
  'principal',
  'operation',
  'outcome',
  'resource',
  'since',
  'page',
] as const satisfies readonly (keyof AuditFilters)[];

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  if (raw === '' || raw === '/') return { page: 'redirect', to: '#/buckets' };
  const [pathPart, queryPart = ''] = raw.split('?', 2);
  const segments = pathPart
    .split('/')
    .filter((s) => s !== '')
    .map(decode);
  if (segments.some((s) => s === undefined)) return { page: 'not-found' };
  const parts = segments as string[];
  if (parts[0] === 'buckets') {
    if (parts.length === 1) return { page: 'buckets' };
    if (parts.length === 2) return { page: 'bucket', bucket: parts[1] };
    if (parts.length === 3 && parts[2] === 'vulnerabilities') {
      return { page: 'bucket-vulnerabilities', bucket: parts[1] };
    }
    if (parts.length === 4 && parts[2] === 'versions') {
      return { page: 'version', bucket: parts[1], fingerprint: parts[3] };
    }
  }
  if (parts[0] === 'webhooks' && parts.length === 1) return { page: 'webhooks' };
  if (parts[0] === 'audit' && parts.length === 1) {
    const query = new URLSearchParams(queryPart);
    const filters = Object.fromEntries(
      AUDIT_FILTER_KEYS.map((key) => [key, query.get(key)?.trim() ?? '']),
    ) as unknown as AuditFilters;
    return { page: 'audit', filters };
  }
  if (parts[0] === 'search' && parts.length === 1) {
    return { page: 'search', query: new URLSearchParams(queryPart).get('q') ?? '' };
  }
  if (parts[0] === 'packages' && parts.length === 1) {
    const query = new URLSearchParams(queryPart);
    return {
      page: 'packages',
      name: query.get('name')?.trim() ?? '',
      version: query.get('version')?.trim() ?? '',
    };
  }
  return { page: 'not-found' };
}
