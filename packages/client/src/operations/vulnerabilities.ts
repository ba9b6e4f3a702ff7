import type { Criticality } from '../contract/enums';
import type { RegistryConnection } from '../internal/connection';
import type {
  ListBucketPackagesVulnerabilitySummaryResponse,
  ListBucketPackagesWithVulnerabilitiesResponse,
  ListBucketVulnerabilitiesResponse,
  ListVersionVulnerabilitiesResponse,
} from '../models';
import type { CallOptions } from '../options';
import { packageFilters, type ListPackagesOptions } from './packages';
import type { ListCallOptions } from './pagination';
import { bucketPath, versionPath } from './paths';

// Vulnerabilities the registry matched from imported OSV data.

/** Filters of the vulnerability lists. */
export interface ListVulnerabilitiesOptions extends ListCallOptions {
  /** `criticality`: any of these. */
  criticality?: Criticality | readonly Criticality[];
  /** `identifier`: an OSV id or alias (the registry compares case-insensitively). */
  identifier?: string;
  /** `identifier_starts_with` */
  identifierStartsWith?: string;
}

/** Options of {@link RegistryClient.listBucketPackagesWithVulnerabilities}. */
export type ListVulnerablePackagesOptions = ListVulnerabilitiesOptions & ListPackagesOptions;

function vulnerabilityFilters(options: ListVulnerablePackagesOptions | undefined) {
  const criticality = options?.criticality;
  return {
    criticality:
      criticality === undefined
        ? undefined
        : typeof criticality === 'string'
          ? criticality
          : [...criticality],
    identifier: options?.identifier || undefined,
    identifier_starts_with: options?.identifierStartsWith || undefined,
    ...packageFilters(options),
  };
}

export async function listBucketVulnerabilities(
  api: RegistryConnection,
  bucketName: string,
  options?: ListVulnerabilitiesOptions,
): Promise<ListBucketVulnerabilitiesResponse> {
  return api.packer('GET', `${bucketPath(bucketName)}/vulnerabilities`, {
    query: vulnerabilityFilters(options),
    call: options,
  });
}

export async function listVersionVulnerabilities(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  options?: ListVulnerabilitiesOptions,
): Promise<ListVersionVulnerabilitiesResponse> {
  return api.packer('GET', `${versionPath(bucketName, fingerprint)}/vulnerabilities`, {
    query: vulnerabilityFilters(options),
    call: options,
  });
}

export async function listBucketPackagesWithVulnerabilities(
  api: RegistryConnection,
  bucketName: string,
  options?: ListVulnerablePackagesOptions,
): Promise<ListBucketPackagesWithVulnerabilitiesResponse> {
  return api.packer('GET', `${bucketPath(bucketName)}/packages/with-vulnerabilities`, {
    query: vulnerabilityFilters(options),
    call: options,
  });
}

export async function bucketVulnerabilitySummary(
  api: RegistryConnection,
  bucketName: string,
  call?: CallOptions,
): Promise<ListBucketPackagesVulnerabilitySummaryResponse> {
  return api.packer('GET', `${bucketPath(bucketName)}/packages/vulnerability-summary`, { call });
}
