import type { RegistryConnection } from '../internal/connection';
import { listQuery } from '../internal/request-path';
import type {
  ListBucketPackagesResponse,
  ListBuildPackagesResponse,
  SearchPackagesResponse,
} from '../models';
import type { ListCallOptions } from './pagination';
import { bucketPath, buildPath } from './paths';

// Packages the registry parsed out of uploaded SBOMs.

/** Options of {@link RegistryClient.listBuildPackages} and {@link RegistryClient.listBucketPackages}. */
export interface ListPackagesOptions extends ListCallOptions {
  /** `package_name`: exactly this name (the registry compares case-insensitively). */
  packageName?: string;
  /** `package_name_starts_with` */
  packageNameStartsWith?: string;
  /** `package_version`: exactly this version. */
  packageVersion?: string;
}

/** Options of {@link RegistryClient.searchPackages}: `name` or `purl` is required. */
export interface SearchPackagesOptions extends ListCallOptions {
  /** A package name (case-insensitive). */
  name?: string;
  /** With `name`: exactly this version. */
  version?: string;
  /** A package URL, exactly. */
  purl?: string;
}

/** The package filters and list options of a package list as query parameters. */
export function packageFilters(options: ListPackagesOptions | undefined) {
  return {
    package_name: options?.packageName || undefined,
    package_name_starts_with: options?.packageNameStartsWith || undefined,
    package_version: options?.packageVersion || undefined,
    ...listQuery(options),
  };
}

export async function listBuildPackages(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  buildId: string,
  options?: ListPackagesOptions,
): Promise<ListBuildPackagesResponse> {
  return api.packer('GET', `${buildPath(bucketName, fingerprint, buildId)}/packages`, {
    query: packageFilters(options),
    call: options,
  });
}

export async function listBucketPackages(
  api: RegistryConnection,
  bucketName: string,
  options?: ListPackagesOptions,
): Promise<ListBucketPackagesResponse> {
  return api.packer('GET', `${bucketPath(bucketName)}/packages`, {
    query: packageFilters(options),
    call: options,
  });
}

export async function searchPackages(
  api: RegistryConnection,
  options: SearchPackagesOptions,
): Promise<SearchPackagesResponse> {
  return api.packer('GET', '/packages/search', {
    query: {
      name: options.name,
      version: options.version || undefined,
      purl: options.purl,
      ...listQuery(options),
    },
    call: options,
  });
}
