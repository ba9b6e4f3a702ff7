import {
  ListBucketPackagesResponse,
  ListBuildPackagesResponse,
  PackagesQuerystring,
  SearchPackagesQuerystring,
  SearchPackagesResponse,
} from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import { toListOptions } from '../../http/list-query';
import { packerResource } from '../../http/packer-operation';
import { BUCKET_PARAM, BUILD_PARAMS } from '../../http/schemas/requests.schemas';
import type { PackageQuery } from '../../domain/registry-contract';

/** HCP's package filters → the service's query. */
function packageQuery(query: PackagesQuerystring): PackageQuery {
  return {
    ...toListOptions(query),
    ...(query.package_name ? { packageName: query.package_name } : {}),
    ...(query.package_name_starts_with
      ? { packageNameStartsWith: query.package_name_starts_with }
      : {}),
    ...(query.package_version ? { packageVersion: query.package_version } : {}),
  };
}

const FILTERS =
  'package_name (case-insensitive), package_name_starts_with and package_version filter; ' +
  'one entry per name, version and purl, with the SBOMs that name it; vuln_details is empty ' +
  '(no vulnerability scanning). Paginated, by name then version.';

/** Packages parsed from SBOMs (HCP Packer 2023-01-01: ListBuildPackages, ListBucketPackages). */
export const packageRoutes = packerResource('packages', (app, operation, service) => {
  app.get(
    '/buckets/:bucket_name/versions/:fingerprint/builds/:build_id/packages',
    operation({
      operationId: 'ListBuildPackages',
      access: 'viewer',
      summary: 'List the packages of a build',
      description: `The packages the build's SBOMs name. ${FILTERS}`,
      params: BUILD_PARAMS,
      querystring: PackagesQuerystring,
      response: ListBuildPackagesResponse,
    }),
    async ({ params, query }) =>
      service.listBuildPackages(
        { bucket: params.bucket_name, fingerprint: params.fingerprint, buildId: params.build_id },
        packageQuery(query),
      ),
  );

  app.get(
    '/buckets/:bucket_name/packages',
    operation({
      operationId: 'ListBucketPackages',
      access: 'viewer',
      summary: 'List the packages of the versions on the channels of a bucket',
      description:
        'The packages of the builds of every version a channel of the bucket points at ' +
        `(latest included; viewers do not see restricted channels). ${FILTERS}`,
      params: BUCKET_PARAM,
      querystring: PackagesQuerystring,
      response: ListBucketPackagesResponse,
    }),
    async (request) =>
      service.listBucketPackages(
        request.params.bucket_name,
        packageQuery(request.query),
        actorOf(request),
      ),
  );

  app.get(
    '/packages/search',
    operation({
      operationId: 'SearchPackages',
      access: 'viewer',
      summary: 'Find the versions that contain a package (Imprint extension)',
      description:
        'name (case-insensitive, with an optional exact version) or purl (exact) is required. ' +
        'One hit per SBOM entry across buckets, with its bucket, version and build; ' +
        'newest upload first, paginated.',
      querystring: SearchPackagesQuerystring,
      response: SearchPackagesResponse,
    }),
    async ({ query }) =>
      service.searchPackages({
        ...toListOptions(query),
        ...(query.name !== undefined ? { name: query.name } : {}),
        ...(query.version ? { version: query.version } : {}),
        ...(query.purl !== undefined ? { purl: query.purl } : {}),
      }),
  );
});
