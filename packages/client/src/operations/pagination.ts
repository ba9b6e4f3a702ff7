import { RegistryResponseError } from '../errors/client.errors';
import type { ListOptions, Pagination } from '../models';
import type { CallOptions } from '../options';

/** List options plus per-call options, the last argument of every list method. */
export type ListCallOptions = ListOptions & CallOptions;

/** The list methods {@link RegistryClient.paginate} can walk. */
export type PaginatedMethod =
  | 'listBuckets'
  | 'listVersions'
  | 'listBuilds'
  | 'listChannels'
  | 'listChannelHistory'
  | 'listBucketAncestry'
  | 'listOrganizations'
  | 'listProjects'
  | 'listBuildPackages'
  | 'listBucketPackages'
  | 'searchPackages';

/** For each list method: how many positional arguments precede its options, and the items key. */
export const PAGINATED: Readonly<Record<PaginatedMethod, { positional: number; items: string }>> = {
  listBuckets: { positional: 0, items: 'buckets' },
  listVersions: { positional: 1, items: 'versions' },
  listBuilds: { positional: 2, items: 'builds' },
  listChannels: { positional: 1, items: 'channels' },
  listChannelHistory: { positional: 2, items: 'history' },
  listBucketAncestry: { positional: 1, items: 'relations' },
  listOrganizations: { positional: 0, items: 'organizations' },
  listProjects: { positional: 0, items: 'projects' },
  listBuildPackages: { positional: 3, items: 'packages' },
  listBucketPackages: { positional: 1, items: 'packages' },
  searchPackages: { positional: 0, items: 'packages' },
};

interface PageShape {
  pagination?: Pagination;
}

/**
 * Every item of every page, following `pagination.next_page_token` until it
 * is empty. A token seen twice stops the walk with an error: a server that
 * loops would otherwise keep the caller busy forever.
 */
export async function* iteratePages<P extends PageShape, T>(
  fetchPage: (token: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[],
  firstToken?: string,
): AsyncIterableIterator<T> {
  const seen = new Set<string>();
  let token = firstToken || undefined;
  for (;;) {
    const page = await fetchPage(token);
    yield* items(page);
    const next = page.pagination?.next_page_token;
    if (next === undefined || next === '') return;
    if (seen.has(next)) {
      throw new RegistryResponseError(
        'GET',
        '(pagination)',
        `the server returned page token ${JSON.stringify(next)} twice; stopping to avoid an endless loop`,
      );
    }
    seen.add(next);
    token = next;
  }
}
