import {
  LIMITS,
  type ListBucketPackagesResponse,
  type ListBuildPackagesResponse,
  type Package,
  type SbomFormat,
  type SearchPackagesResponse,
} from '@imprint/client';
import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { ServiceContext } from '../../domain/context';
import { versionName } from '../../domain/context';
import { parsePageRequest, type ListSpec } from '../../domain/pagination';
import type {
  Actor,
  BuildRef,
  PackageQuery,
  PackageSearchQuery,
} from '../../domain/registry-contract';
import { toIso } from '../../domain/time';
import { checkActor, checkBody, optionalString, type Body } from '../../domain/validation';
import { RegistryErrors } from '../../errors/registry-errors';
import { fetchPage } from '../../storage/keyset';
import { likePrefix } from '../../storage/sql-helpers';
import type { Database, Db, PackageTable } from '../../storage/schema';
import { requireBucket } from '../buckets/buckets.service';
import { requireBuild } from '../builds/builds.service';
import { canSeeRestricted } from '../channels/channels.service';
import { requireVersion } from '../versions/versions.service';
import { vulnDetailsOf } from '../vulnerabilities/vulnerability-rows';

/** A package list over `alias` (its `name` and `version` columns), by name then version, unique by `id`. */
export function byNameThenVersion(alias: string, id: string): ListSpec {
  return {
    fields: {
      name: { column: `${alias}.name`, key: 'name', type: 'text' },
      version: { column: `${alias}.version`, key: 'version', type: 'text' },
    },
    defaultOrder: ['name asc', 'version asc'],
    id: { column: `${alias}.${id}`, key: id, type: 'text' },
  };
}

/** Packages of a build or bucket: one row per package identity. */
const PACKAGE_LIST = byNameThenVersion('p', 'package_key');

/** Search hits: one row per (SBOM, package), newest upload first. */
const SEARCH_LIST: ListSpec = {
  fields: { created_at: { column: 'p.created_at', key: 'created_at', type: 'integer' } },
  defaultOrder: ['created_at desc'],
  id: { column: 'p.id', key: 'id', type: 'text' },
};

type PackagesQuery = SelectQueryBuilder<Database & { p: PackageTable }, 'p', object>;

/** The page a query body's `pageSize`, `nextPageToken` and `orderBy` ask for. */
export function pageOf(input: Body, spec: ListSpec) {
  return parsePageRequest(
    { pageSize: input.pageSize, nextPageToken: input.nextPageToken, orderBy: input.orderBy },
    spec,
  );
}

/**
 * The HCP package filters on `packages as p`: package_name
 * (case-insensitive), package_name_starts_with, package_version. Raw SQL over
 * the alias, so the vulnerability lists that join `p` take them too.
 */
export function packageConditions(input: Body): RawBuilder<SqlBool>[] {
  const max = LIMITS.identifier;
  const name = optionalString(input, 'packageName', max, 'package_name') || undefined;
  const prefix =
    optionalString(input, 'packageNameStartsWith', max, 'package_name_starts_with') || undefined;
  const version = optionalString(input, 'packageVersion', max, 'package_version') || undefined;
  const conditions: RawBuilder<SqlBool>[] = [];
  if (name !== undefined) {
    conditions.push(sql<SqlBool>`${sql.ref('p.name_lower')} = ${name.toLowerCase()}`);
  }
  if (prefix !== undefined) {
    const pattern = likePrefix(prefix.toLowerCase());
    conditions.push(sql<SqlBool>`${sql.ref('p.name_lower')} like ${pattern} escape '\\'`);
  }
  if (version !== undefined) conditions.push(sql<SqlBool>`${sql.ref('p.version')} = ${version}`);
  return conditions;
}

function filtered(query: PackagesQuery, input: Body): PackagesQuery {
  let q = query;
  for (const condition of packageConditions(input)) q = q.where(condition);
  return q;
}

/**
 * One page of the distinct packages of the builds `builds` selects, each with
 * the SBOMs (of those builds) that name it, oldest SBOM first.
 */
async function packagesOf(
  db: Db,
  builds: (q: PackagesQuery) => PackagesQuery,
  query: PackageQuery | undefined,
): Promise<ListBuildPackagesResponse> {
  const input = query === undefined ? {} : checkBody(query, 'packages query');
  const page = pageOf(input, PACKAGE_LIST);
  const grouped = filtered(builds(db.selectFrom('packages as p')), input)
    .select((eb) => [
      'p.package_key',
      'p.name',
      'p.version',
      'p.purl',
      eb.fn.max('p.created_at').as('created_at'),
    ])
    .groupBy(['p.package_key', 'p.name', 'p.version', 'p.purl']);
  const { rows, pagination } = await fetchPage(grouped, page);
  if (rows.length === 0) return { packages: [], pagination };
  const sboms = await builds(db.selectFrom('packages as p'))
    .innerJoin('sboms as s', 's.id', 'p.sbom_id')
    .select(['p.package_key', 's.id', 's.name', 's.format'])
    .where(
      'p.package_key',
      'in',
      rows.map((r) => r.package_key),
    )
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute();
  const details = await vulnDetailsOf(db, rows);
  const byKey = new Map<string, Package['sboms']>();
  for (const s of sboms) {
    const list = byKey.get(s.package_key) ?? [];
    list.push({ id: s.id, name: s.name, format: s.format as SbomFormat });
    byKey.set(s.package_key, list);
  }
  return {
    packages: rows.map((r) => ({
      name: r.name,
      version: r.version,
      purl: r.purl,
      sboms: byKey.get(r.package_key) ?? [],
      vuln_details: details.get(r.package_key) ?? [],
    })),
    pagination,
  };
}

/** ListBuildPackages: the packages the SBOMs of one build name. */
export async function listBuildPackages(
  ctx: ServiceContext,
  { bucket, fingerprint, buildId }: BuildRef,
  query?: PackageQuery,
): Promise<ListBuildPackagesResponse> {
  const bucketRow = await requireBucket(ctx.db, bucket);
  const version = await requireVersion(ctx.db, bucketRow, fingerprint);
  const build = await requireBuild(ctx.db, bucketRow, version, buildId);
  return packagesOf(ctx.db, (q) => q.where('p.build_id', '=', build.id), query);
}

/**
 * ListBucketPackages: the packages of the versions the bucket's channels
 * point at (`latest` included), i.e. of the images in use. A viewer `actor`
 * does not see the versions only restricted channels point at.
 */
export async function listBucketPackages(
  ctx: ServiceContext,
  bucket: string,
  query?: PackageQuery,
  actor?: Actor,
): Promise<ListBucketPackagesResponse> {
  const seesRestricted = actor === undefined || canSeeRestricted(checkActor(actor));
  const bucketRow = await requireBucket(ctx.db, bucket);
  return packagesOf(
    ctx.db,
    (q) =>
      q.where('p.build_id', 'in', (eb) => {
        let builds = eb
          .selectFrom('builds as b')
          .innerJoin('channels as c', 'c.version_id', 'b.version_id')
          .select('b.id')
          .where('c.bucket_id', '=', bucketRow.id);
        if (!seesRestricted) builds = builds.where('c.restricted', '=', 0);
        return builds;
      }),
    query,
  );
}

/**
 * The package search (an Imprint extension): every SBOM entry, across
 * buckets, whose name (case-insensitive) and optionally version match, or
 * whose purl is the one given; newest upload first.
 */
export async function searchPackages(
  ctx: ServiceContext,
  query: PackageSearchQuery,
): Promise<SearchPackagesResponse> {
  const input = checkBody(query, 'package search');
  const max = LIMITS.identifier;
  const name = optionalString(input, 'name', max) || undefined;
  const version = optionalString(input, 'version', max) || undefined;
  const purl = optionalString(input, 'purl', max) || undefined;
  if (name === undefined && purl === undefined) {
    throw new RegistryErrors.FieldRequired({ field: 'name (or purl)' });
  }
  const page = pageOf(input, SEARCH_LIST);
  let q = ctx.db
    .selectFrom('packages as p')
    .innerJoin('sboms as s', 's.id', 'p.sbom_id')
    .innerJoin('builds as b', 'b.id', 'p.build_id')
    .innerJoin('versions as v', 'v.id', 'b.version_id')
    .innerJoin('buckets as k', 'k.id', 'v.bucket_id')
    .select([
      'p.id',
      'p.created_at',
      'p.name',
      'p.version',
      'p.purl',
      'p.type',
      'p.licenses',
      's.id as sbom_id',
      's.name as sbom_name',
      's.format as sbom_format',
      'b.id as build_id',
      'b.component_type',
      'v.id as version_id',
      'v.fingerprint',
      'v.seq',
      'k.name as bucket_name',
    ]);
  if (name !== undefined) q = q.where('p.name_lower', '=', name.toLowerCase());
  if (version !== undefined) q = q.where('p.version', '=', version);
  if (purl !== undefined) q = q.where('p.purl', '=', purl);
  const { rows, pagination } = await fetchPage(q, page);
  return {
    packages: rows.map((r) => ({
      bucket_name: r.bucket_name,
      version_id: r.version_id,
      version_fingerprint: r.fingerprint,
      version_name: versionName(r.seq),
      build_id: r.build_id,
      component_type: r.component_type,
      name: r.name,
      version: r.version,
      purl: r.purl,
      type: r.type,
      licenses: JSON.parse(r.licenses) as string[],
      sbom: { id: r.sbom_id, name: r.sbom_name, format: r.sbom_format as SbomFormat },
      created_at: toIso(Number(r.created_at)),
    })),
    pagination,
  };
}
