import {
  ListBucketPackagesVulnerabilitySummaryResponse,
  ListBucketPackagesWithVulnerabilitiesResponse,
  ListBucketVulnerabilitiesResponse,
  ListVersionVulnerabilitiesResponse,
  NoQuerystring,
  PackagesWithVulnerabilitiesQuerystring,
  VulnerabilitiesQuerystring,
} from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import type { VulnerabilityQuery } from '../../domain/registry-contract';
import { toListOptions } from '../../http/list-query';
import { packerResource } from '../../http/packer-operation';
import { BUCKET_PARAM, VERSION_PARAMS } from '../../http/schemas/requests.schemas';

/** HCP's vulnerability (and package) filters → the service's query. */
function vulnerabilityQuery(query: PackagesWithVulnerabilitiesQuerystring): VulnerabilityQuery {
  return {
    ...toListOptions(query),
    ...(query.criticality !== undefined ? { criticality: query.criticality } : {}),
    ...(query.identifier ? { identifier: query.identifier } : {}),
    ...(query.identifier_starts_with ? { identifierStartsWith: query.identifier_starts_with } : {}),
    ...(query.package_name ? { packageName: query.package_name } : {}),
    ...(query.package_name_starts_with
      ? { packageNameStartsWith: query.package_name_starts_with }
      : {}),
    ...(query.package_version ? { packageVersion: query.package_version } : {}),
  };
}

const SOURCE =
  'Vulnerabilities come from the OSV data the operator imported (`imprint-registry vulns ' +
  'import`), matched offline against the packages of the SBOMs; withdrawn records are left out.';
const FILTERS =
  'criticality (repeatable, case-insensitive: Critical, High, Medium, Low, Unknown), identifier ' +
  '(an OSV id or alias, case-insensitive) and identifier_starts_with filter.';
const CHANNEL_SCOPE =
  'the builds of every version a channel of the bucket points at (latest included; viewers do not see restricted channels)';

/** Vulnerabilities of packages (HCP Packer 2023-01-01, and one Imprint extension per version). */
export const vulnerabilityRoutes = packerResource('vulnerabilities', (app, operation, service) => {
  app.get(
    '/buckets/:bucket_name/vulnerabilities',
    operation({
      operationId: 'ListBucketVulnerabilities',
      access: 'viewer',
      summary: 'List the vulnerabilities of the versions on the channels of a bucket',
      description:
        `Each vulnerability of ${CHANNEL_SCOPE}, with the packages, builds and channels it ` +
        `touches. ${FILTERS} Paginated; worst criticality first, then by identifier ` +
        `(sorting.order_by: criticality, identifier). ${SOURCE}`,
      params: BUCKET_PARAM,
      querystring: VulnerabilitiesQuerystring,
      response: ListBucketVulnerabilitiesResponse,
    }),
    async (request) =>
      service.listBucketVulnerabilities(
        request.params.bucket_name,
        vulnerabilityQuery(request.query),
        actorOf(request),
      ),
  );

  app.get(
    '/buckets/:bucket_name/versions/:fingerprint/vulnerabilities',
    operation({
      operationId: 'ListVersionVulnerabilities',
      access: 'viewer',
      summary: 'List the vulnerabilities of a version (Imprint extension)',
      description:
        "Each vulnerability of the version's builds, with the packages, builds and the channels " +
        `that point at the version. ${FILTERS} Paginated, worst first. ${SOURCE}`,
      params: VERSION_PARAMS,
      querystring: VulnerabilitiesQuerystring,
      response: ListVersionVulnerabilitiesResponse,
    }),
    async (request) =>
      service.listVersionVulnerabilities(
        request.params.bucket_name,
        request.params.fingerprint,
        vulnerabilityQuery(request.query),
        actorOf(request),
      ),
  );

  app.get(
    '/buckets/:bucket_name/packages/with-vulnerabilities',
    operation({
      operationId: 'ListBucketPackagesWithVulnerabilities',
      access: 'viewer',
      summary: 'List the vulnerable packages of the versions on the channels of a bucket',
      description:
        `Each package of ${CHANNEL_SCOPE} that has a vulnerability, once per build and channel ` +
        '(build_id, build_name, channel_id, channel_name set), with vuln_details. ' +
        `package_name, package_name_starts_with and package_version filter too. ${FILTERS} ` +
        `Paginated, by name then version. ${SOURCE}`,
      params: BUCKET_PARAM,
      querystring: PackagesWithVulnerabilitiesQuerystring,
      response: ListBucketPackagesWithVulnerabilitiesResponse,
    }),
    async (request) =>
      service.listBucketPackagesWithVulnerabilities(
        request.params.bucket_name,
        vulnerabilityQuery(request.query),
        actorOf(request),
      ),
  );

  app.get(
    '/buckets/:bucket_name/packages/vulnerability-summary',
    operation({
      operationId: 'ListBucketPackagesVulnerabilitySummary',
      access: 'viewer',
      summary: 'Count the vulnerabilities of a bucket by criticality',
      description:
        `Distinct vulnerabilities of ${CHANNEL_SCOPE}, by criticality: in total (with the ` +
        'oldest first_seen_at and the mean age in days), per channel and per package. Worst ' +
        `first; criticalities without any are left out. ${SOURCE}`,
      params: BUCKET_PARAM,
      querystring: NoQuerystring,
      response: ListBucketPackagesVulnerabilitySummaryResponse,
    }),
    async (request) =>
      service.bucketVulnerabilitySummary(request.params.bucket_name, actorOf(request)),
  );
});
