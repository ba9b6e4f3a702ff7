import { RegistryArgumentError, RegistryResponseError } from '../errors/client.errors';
import type {
  Bucket,
  BucketAncestry,
  Build,
  Channel,
  ChannelAssignment,
  ListOptions,
  Organization,
  Package,
  PackageSearchHit,
  Pagination,
  Project,
  Version,
  VulnerabilityWithImpacts,
} from '../models';
import type { CallOptions } from '../options';
import type { ListBucketAncestryOptions } from './ancestry';
import type { ListPackagesOptions, SearchPackagesOptions } from './packages';
import type { ListProjectsOptions } from './resource-manager';
import type { ListVulnerabilitiesOptions, ListVulnerablePackagesOptions } from './vulnerabilities';

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
  | 'searchPackages'
  | 'listBucketVulnerabilities'
  | 'listVersionVulnerabilities'
  | 'listBucketPackagesWithVulnerabilities';

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
  listBucketVulnerabilities: { positional: 1, items: 'vulnerabilities' },
  listVersionVulnerabilities: { positional: 2, items: 'vulnerabilities' },
  listBucketPackagesWithVulnerabilities: { positional: 1, items: 'packages' },
};

/**
 * The signatures of {@link RegistryClient.paginate}, one per list method: its
 * arguments, and the type of the items it yields.
 */
export interface Paginate {
  /** Every bucket, page after page. */
  (method: 'listBuckets', options?: ListCallOptions): AsyncIterableIterator<Bucket>;
  /** Every version of a bucket. */
  (
    method: 'listVersions',
    bucketName: string,
    options?: ListCallOptions,
  ): AsyncIterableIterator<Version>;
  /** Every build of a version. */
  (
    method: 'listBuilds',
    bucketName: string,
    fingerprint: string,
    options?: ListCallOptions,
  ): AsyncIterableIterator<Build>;
  /** Every channel of a bucket. */
  (
    method: 'listChannels',
    bucketName: string,
    options?: ListCallOptions,
  ): AsyncIterableIterator<Channel>;
  /** Every assignment in a channel's history. */
  (
    method: 'listChannelHistory',
    bucketName: string,
    channelName: string,
    options?: ListCallOptions,
  ): AsyncIterableIterator<ChannelAssignment>;
  /** Every ancestry relation of a bucket. */
  (
    method: 'listBucketAncestry',
    bucketName: string,
    options?: ListBucketAncestryOptions,
  ): AsyncIterableIterator<BucketAncestry>;
  /** Every organization visible to the credentials. */
  (method: 'listOrganizations', options?: ListCallOptions): AsyncIterableIterator<Organization>;
  /** Every project of an organization. */
  (method: 'listProjects', options?: ListProjectsOptions): AsyncIterableIterator<Project>;
  /** Every package of a build's SBOMs. */
  (
    method: 'listBuildPackages',
    bucketName: string,
    fingerprint: string,
    buildId: string,
    options?: ListPackagesOptions,
  ): AsyncIterableIterator<Package>;
  /** Every package of the versions a bucket's channels point at. */
  (
    method: 'listBucketPackages',
    bucketName: string,
    options?: ListPackagesOptions,
  ): AsyncIterableIterator<Package>;
  /** Every hit of a registry-wide package search. */
  (
    method: 'searchPackages',
    options: SearchPackagesOptions,
  ): AsyncIterableIterator<PackageSearchHit>;
  /** Every vulnerability of a bucket's channel versions. */
  (
    method: 'listBucketVulnerabilities',
    bucketName: string,
    options?: ListVulnerabilitiesOptions,
  ): AsyncIterableIterator<VulnerabilityWithImpacts>;
  /** Every vulnerability of a version. */
  (
    method: 'listVersionVulnerabilities',
    bucketName: string,
    fingerprint: string,
    options?: ListVulnerabilitiesOptions,
  ): AsyncIterableIterator<VulnerabilityWithImpacts>;
  /** Every vulnerable package of a bucket's channel versions, per build and channel. */
  (
    method: 'listBucketPackagesWithVulnerabilities',
    bucketName: string,
    options?: ListVulnerablePackagesOptions,
  ): AsyncIterableIterator<Package>;
}

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

/**
 * {@link RegistryClient.paginate}'s implementation: `client[method]` called
 * page after page with `args` (the list method's positional arguments, then
 * its options).
 */
export function paginateList(
  client: { readonly [M in PaginatedMethod]: unknown },
  method: PaginatedMethod,
  args: readonly unknown[],
): AsyncIterableIterator<unknown> {
  const spec = PAGINATED[method];
  if (spec === undefined) {
    throw new RegistryArgumentError('method', `${String(method)} is not a list method`);
  }
  const positional = args.slice(0, spec.positional);
  const options = (args[spec.positional] ?? {}) as ListCallOptions;
  const list = client[method] as (...callArgs: unknown[]) => Promise<object>;
  return iteratePages(
    (token) => list.call(client, ...positional, { ...options, nextPageToken: token }),
    (page) => ((page as Record<string, unknown>)[spec.items] as unknown[] | undefined) ?? [],
    options.nextPageToken,
  );
}
