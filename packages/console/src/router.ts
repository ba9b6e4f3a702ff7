/** The console's pages, addressed by the URL hash (`#/buckets/…`) so the server only serves `index.html`. */
export type Route =
  | { page: 'buckets' }
  | { page: 'bucket'; bucket: string }
  | { page: 'bucket-vulnerabilities'; bucket: string }
  | { page: 'version'; bucket: string; fingerprint: string }
  | { page: 'search'; query: string }
  | { page: 'packages'; name: string; version: string }
  | { page: 'webhooks' }
  | { page: 'not-found' }
  | { page: 'redirect'; to: string };

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
