import {
  CRITICALITIES,
  type Criticality,
  type ListBucketPackagesVulnerabilitySummaryResponse,
  type ListBucketPackagesWithVulnerabilitiesResponse,
  type ListBucketVulnerabilitiesResponse,
  type Package,
  type SbomFormat,
  type VulnerabilityWithImpacts,
} from '@imprint/client';
import { sql } from 'kysely';
import type { ServiceContext } from '../../domain/context';
import type { ListSpec } from '../../domain/pagination';
import type { Actor, VulnerabilityQuery } from '../../domain/registry-contract';
import { toIso } from '../../domain/time';
import { checkBody } from '../../domain/validation';
import { fetchPage } from '../../storage/keyset';
import type { Db } from '../../storage/schema';
import { requireBucket } from '../buckets/buckets.service';
import { byNameThenVersion, packageConditions, pageOf } from '../packages/packages.service';
import { requireVersion } from '../versions/versions.service';
import { chunks } from './vulnerability-matching';
import { toVulnerability, vulnDetailsOf } from './vulnerability-rows';
import {
  bucketScope,
  exposures,
  vulnerabilityFilter,
  type VulnerabilityScope,
} from './vulnerability-scope';

/** Vulnerabilities: worst first (`criticality` is the rank, 0 = Critical), then by identifier. */
const VULNERABILITY_LIST: ListSpec = {
  fields: {
    criticality: { column: 'v.criticality_rank', key: 'criticality_rank', type: 'integer' },
    identifier: { column: 'v.id', key: 'id', type: 'text' },
  },
  defaultOrder: ['criticality asc'],
  id: { column: 'v.id', key: 'id', type: 'text' },
};

/** Vulnerable packages per build and channel. */
const EXPOSURE_LIST = byNameThenVersion('x', 'row_key');

/** Where an exposure is: the package, its build and the channel. */
const PLACE = [
  'p.name',
  'p.version',
  'p.purl',
  'b.id as build_id',
  'b.component_type',
  'c.id as channel_id',
  'c.name as channel_name',
] as const;

/** A page of the vulnerabilities in `scope`, each with the packages, builds and channels it touches. */
async function vulnerabilitiesIn(
  db: Db,
  scope: VulnerabilityScope,
  query: VulnerabilityQuery | undefined,
): Promise<ListBucketVulnerabilitiesResponse> {
  const input = query === undefined ? {} : checkBody(query, 'vulnerabilities query');
  const filter = vulnerabilityFilter(input);
  const page = pageOf(input, VULNERABILITY_LIST);
  const ids = exposures(db, scope, filter).select('v.id');
  const { rows, pagination } = await fetchPage(
    db.selectFrom('vulnerabilities as v').selectAll('v').where('v.id', 'in', ids),
    page,
  );
  if (rows.length === 0) return { vulnerabilities: [], pagination };
  const impacts = await exposures(db, scope, filter)
    .where(
      'v.id',
      'in',
      rows.map((r) => r.id),
    )
    .select(['v.id', 'pv.fixed_version', 'pv.first_seen_at', ...PLACE])
    .distinct()
    .orderBy('p.name')
    .orderBy('p.version')
    .orderBy('b.id')
    .orderBy('c.name')
    .execute();
  return {
    vulnerabilities: rows.map((row): VulnerabilityWithImpacts => {
      const mine = impacts.filter((i) => i.id === row.id);
      const fixed = [...new Set(mine.map((i) => i.fixed_version).filter((f) => f !== ''))];
      const firstSeen = Math.min(...mine.map((i) => Number(i.first_seen_at)));
      return {
        vulnerability: toVulnerability(row, {
          fixed_version: fixed.join(', '),
          first_seen_at: firstSeen,
        }),
        impacted_packages: unique(mine, (i) => `${i.name}\u0000${i.version}\u0000${i.purl}`).map(
          (i) => ({ name: i.name, version: i.version, purl: i.purl }),
        ),
        impacted_builds: unique(mine, (i) => i.build_id).map((i) => ({
          id: i.build_id,
          name: i.component_type,
        })),
        impacted_channels: unique(
          mine.filter((i) => i.channel_id !== null),
          (i) => i.channel_id as string,
        ).map((i) => ({ id: i.channel_id as string, name: i.channel_name as string })),
      };
    }),
    pagination,
  };
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** ListBucketVulnerabilities: the vulnerabilities of the versions the bucket's channels point at. */
export async function listBucketVulnerabilities(
  ctx: ServiceContext,
  bucket: string,
  query?: VulnerabilityQuery,
  actor?: Actor,
): Promise<ListBucketVulnerabilitiesResponse> {
  const bucketRow = await requireBucket(ctx.db, bucket);
  return vulnerabilitiesIn(ctx.db, bucketScope(bucketRow.id, actor), query);
}

/** ListVersionVulnerabilities (Imprint extension): the vulnerabilities of one version's builds. */
export async function listVersionVulnerabilities(
  ctx: ServiceContext,
  bucket: string,
  fingerprint: string,
  query?: VulnerabilityQuery,
  actor?: Actor,
): Promise<ListBucketVulnerabilitiesResponse> {
  const bucketRow = await requireBucket(ctx.db, bucket);
  const version = await requireVersion(ctx.db, bucketRow, fingerprint);
  const scope = { ...bucketScope(bucketRow.id, actor), versionId: version.id };
  return vulnerabilitiesIn(ctx.db, scope, query);
}

/**
 * ListBucketPackagesWithVulnerabilities: each vulnerable package of the
 * bucket's channel versions, once per build and channel, with its
 * vulnerabilities (those the filters select) and the build's SBOMs naming it.
 */
export async function listBucketPackagesWithVulnerabilities(
  ctx: ServiceContext,
  bucket: string,
  query?: VulnerabilityQuery,
  actor?: Actor,
): Promise<ListBucketPackagesWithVulnerabilitiesResponse> {
  const input = query === undefined ? {} : checkBody(query, 'packages query');
  const filter = vulnerabilityFilter(input);
  const page = pageOf(input, EXPOSURE_LIST);
  const bucketRow = await requireBucket(ctx.db, bucket);
  const scope = bucketScope(bucketRow.id, actor);
  let scoped = exposures(ctx.db, scope, filter);
  for (const condition of packageConditions(input)) scoped = scoped.where(condition);
  const inner = scoped
    .select((eb) => [
      'p.package_key',
      ...PLACE,
      eb.fn.max('p.created_at').as('created_at'),
      // A unique, sortable key per row for the keyset (c.id is set in a bucket's scope).
      sql<string>`${sql.ref('p.package_key')} || ':' || ${sql.ref('b.id')} || ':' || coalesce(${sql.ref('c.id')}, '')`.as(
        'row_key',
      ),
    ])
    .groupBy([
      'p.package_key',
      'p.name',
      'p.version',
      'p.purl',
      'b.id',
      'b.component_type',
      'c.id',
      'c.name',
    ]);
  const { rows, pagination } = await fetchPage(
    ctx.db.selectFrom(inner.as('x')).selectAll('x'),
    page,
  );
  if (rows.length === 0) return { packages: [], pagination };
  const details = await vulnDetailsOf(ctx.db, rows, filter);
  const sboms = await sbomsNaming(
    ctx.db,
    rows.map((r) => ({ packageKey: r.package_key, buildId: r.build_id })),
  );
  return {
    packages: rows.map((r): Package => ({
      name: r.name,
      version: r.version,
      purl: r.purl,
      build_id: r.build_id,
      build_name: r.component_type,
      channel_id: r.channel_id ?? '',
      channel_name: r.channel_name ?? '',
      sboms: sboms.get(`${r.package_key}\u0000${r.build_id}`) ?? [],
      vuln_details: details.get(r.package_key) ?? [],
    })),
    pagination,
  };
}

/** The SBOMs of each (package, build), oldest first. */
async function sbomsNaming(
  db: Db,
  pairs: readonly { packageKey: string; buildId: string }[],
): Promise<Map<string, Package['sboms']>> {
  const out = new Map<string, Package['sboms']>();
  for (const chunk of chunks(pairs, 200)) {
    const rows = await db
      .selectFrom('packages as p')
      .innerJoin('sboms as s', 's.id', 'p.sbom_id')
      .select(['p.package_key', 'p.build_id', 's.id', 's.name', 's.format'])
      .where(
        'p.package_key',
        'in',
        chunk.map((c) => c.packageKey),
      )
      .where(
        'p.build_id',
        'in',
        chunk.map((c) => c.buildId),
      )
      .orderBy('s.created_at')
      .orderBy('s.id')
      .execute();
    for (const row of rows) {
      const key = `${row.package_key}\u0000${row.build_id}`;
      const list = out.get(key) ?? [];
      list.push({ id: row.id, name: row.name, format: row.format as SbomFormat });
      out.set(key, list);
    }
  }
  return out;
}

/**
 * ListBucketPackagesVulnerabilitySummary: distinct vulnerabilities of the
 * bucket's channel versions by criticality, in total (with the oldest
 * first-seen time and the mean age in days), per channel and per package.
 * Worst criticality first; criticalities with none are left out.
 */
export async function bucketVulnerabilitySummary(
  ctx: ServiceContext,
  bucket: string,
  actor?: Actor,
): Promise<ListBucketPackagesVulnerabilitySummaryResponse> {
  const bucketRow = await requireBucket(ctx.db, bucket);
  const rows = await exposures(ctx.db, bucketScope(bucketRow.id, actor), {})
    .select([
      'v.id',
      'v.criticality',
      'pv.first_seen_at',
      'p.name',
      'p.version',
      'p.purl',
      'c.id as channel_id',
      'c.name as channel_name',
    ])
    .distinct()
    .execute();
  const now = ctx.nowMs();
  const rank = (c: string) => CRITICALITIES.indexOf(c as Criticality);
  const firstSeen = new Map<string, { criticality: string; at: number }>();
  for (const r of rows) {
    const at = Number(r.first_seen_at);
    const known = firstSeen.get(r.id);
    if (known === undefined || at < known.at)
      firstSeen.set(r.id, { criticality: r.criticality, at });
  }
  const total = CRITICALITIES.flatMap((criticality) => {
    const ages = [...firstSeen.values()].filter((v) => v.criticality === criticality);
    if (ages.length === 0) return [];
    const oldest = Math.min(...ages.map((v) => v.at));
    const meanDays = ages.reduce((sum, v) => sum + (now - v.at), 0) / ages.length / 86_400_000;
    return [
      {
        criticality,
        vulnerability_count: String(ages.length),
        first_seen_at: toIso(oldest),
        average_age_days_for_criticality: Math.round(meanDays * 100) / 100,
      },
    ];
  });
  const count = <K extends string>(key: (r: (typeof rows)[number]) => K) => {
    const groups = new Map<string, { row: (typeof rows)[number]; ids: Set<string> }>();
    for (const r of rows) {
      const k = `${key(r)}\u0000${r.criticality}`;
      const group = groups.get(k) ?? { row: r, ids: new Set<string>() };
      group.ids.add(r.id);
      groups.set(k, group);
    }
    return [...groups.values()];
  };
  const channels = count((r) => r.channel_id ?? '')
    .sort(
      (a, b) =>
        rank(a.row.criticality) - rank(b.row.criticality) ||
        (a.row.channel_name ?? '').localeCompare(b.row.channel_name ?? ''),
    )
    .map(({ row, ids }) => ({
      channel_id: row.channel_id ?? '',
      channel_name: row.channel_name ?? '',
      criticality: row.criticality as Criticality,
      vulnerability_count: String(ids.size),
    }));
  const packages = count((r) => `${r.name}\u0000${r.version}\u0000${r.purl}`)
    .sort(
      (a, b) =>
        rank(a.row.criticality) - rank(b.row.criticality) ||
        a.row.name.localeCompare(b.row.name) ||
        a.row.version.localeCompare(b.row.version),
    )
    .map(({ row, ids }) => ({
      package_name: row.name,
      package_version: row.version,
      package_purl: row.purl,
      criticality: row.criticality as Criticality,
      vulnerability_count: String(ids.size),
    }));
  return {
    total_by_criticality: total,
    channels_by_criticality: channels,
    packages_by_criticality: packages,
  };
}
