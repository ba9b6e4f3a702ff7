import type {
  Criticality,
  ListBucketPackagesVulnerabilitySummaryResponse,
  Package,
  VulnerabilityDetails,
  VulnerabilityWithImpacts,
} from '@imprint/client';
import { table } from '../format';
import { client as clientPackage } from '../lazy';

// What `imprint vulns` prints, and the VULNS column of `imprint packages`.

/** What a list covers, for its empty answer: a bucket's channel versions, or one version. */
export interface Scope {
  kind: 'channels' | 'version';
  /** `the versions the channels of 'demo-app' point at`, `version 01J… of 'demo-app'`. */
  what: string;
}

/** The filters given, for an empty answer. */
interface Filters {
  criticality: readonly string[];
  id?: string;
  idPrefix?: string;
  name?: string;
}

const dash = (value: string) => value || '-';

/** `DSA-5504-1 (CVE-2023-3341)`: the id, with its aliases when there are any. */
const withAliases = (id: string, aliases: string) => (aliases ? `${id} (${aliases})` : id);

/** The worst of `criticalities` (the contract lists them worst first), undefined when empty. */
function worst(criticalities: Iterable<Criticality>): Criticality | undefined {
  const order: readonly Criticality[] = clientPackage().CRITICALITIES;
  let best: number | undefined;
  for (const c of criticalities) {
    const rank = order.indexOf(c);
    if (best === undefined || rank < best) best = rank;
  }
  return best === undefined ? undefined : order[best];
}

/**
 * `2, worst High`: how many vulnerabilities a package's `vuln_details` hold, and the
 * worst; `0` once matched without any, `-` when it was never matched (no OSV data imported).
 */
export function vulnsCell(details: readonly VulnerabilityDetails[]): string {
  if (details.length === 0) return '-';
  const ids = new Map<string, Criticality>();
  for (const d of details) for (const v of d.vulnerabilities) ids.set(v.identifier, v.criticality);
  const w = worst(ids.values());
  return w === undefined ? '0' : `${ids.size}, worst ${w}`;
}

/** Why a list is empty: the filters, or no known vulnerability at all (and where data comes from). */
function none(what: string, scope: Scope, flags: Filters): string {
  const given = [
    ...flags.criticality.map((c) => `--criticality ${c}`),
    ...(flags.id ? [`--id ${flags.id}`] : []),
    ...(flags.idPrefix ? [`--id-prefix ${flags.idPrefix}`] : []),
    ...(flags.name ? [`--name ${flags.name}`] : []),
  ];
  if (given.length > 0) return `No ${what} matching ${given.join(' ')} in ${scope.what}.\n`;
  const hint =
    scope.kind === 'channels'
      ? ' (a version on no channel is not counted: imprint channels assign)'
      : '';
  return `No known vulnerabilities in ${scope.what}${hint}. The registry matches packages against the OSV data its operator imported: imprint registry vulns status\n`;
}

/**
 * ID, CRITICALITY, SCORE, PACKAGES, FIXED, then the channels (bucket scope) or the
 * components (version scope) they touch, in the registry's order: worst first.
 */
export function vulnerabilityTable(
  list: readonly VulnerabilityWithImpacts[],
  scope: Scope,
  flags: Filters,
): string {
  if (list.length === 0) return none('vulnerabilities', scope, flags);
  const last = scope.kind === 'channels' ? 'CHANNELS' : 'COMPONENTS';
  return table(
    ['ID', 'CRITICALITY', 'SCORE', 'PACKAGES', 'FIXED', last],
    list.map(({ vulnerability: v, impacted_packages, impacted_builds, impacted_channels }) => [
      withAliases(v.identifier, v.refers_to),
      v.criticality,
      v.score === undefined ? '-' : v.score.toFixed(1),
      impacted_packages.map((p) => `${p.name}@${p.version}`).join(', '),
      dash(v.fixed_version),
      dash(
        (scope.kind === 'channels' ? impacted_channels : impacted_builds)
          .map((x) => x.name)
          .join(', '),
      ),
    ]),
  );
}

/** PACKAGE, VERSION, BUILD (its component), CHANNEL, VULNERABILITIES (count and worst). */
export function vulnerablePackageTable(
  list: readonly Package[],
  scope: Scope,
  flags: Filters,
): string {
  if (list.length === 0) return none('vulnerable packages', scope, flags);
  return table(
    ['PACKAGE', 'VERSION', 'BUILD', 'CHANNEL', 'VULNERABILITIES'],
    list.map((p) => [
      p.name,
      dash(p.version),
      dash(p.build_name ?? ''),
      dash(p.channel_name ?? ''),
      vulnsCell(p.vuln_details),
    ]),
  );
}

/** One row per `key`, a column per criticality (worst first), `-` for none. */
function pivot<T extends { criticality: Criticality; vulnerability_count: string }>(
  counts: readonly T[],
  key: (row: T) => string[],
  headers: readonly string[],
): string {
  const order: readonly Criticality[] = clientPackage().CRITICALITIES;
  const rows = new Map<string, { cells: string[]; counts: Map<Criticality, string> }>();
  for (const row of counts) {
    const cells = key(row);
    const id = JSON.stringify(cells);
    const entry = rows.get(id) ?? { cells, counts: new Map() };
    entry.counts.set(row.criticality, row.vulnerability_count);
    rows.set(id, entry);
  }
  return table(
    [...headers, ...order.map((c) => c.toUpperCase())],
    [...rows.values()].map((r) => [...r.cells, ...order.map((c) => r.counts.get(c) ?? '-')]),
  );
}

/** Totals by criticality (with the oldest first sighting and mean age), then per channel, per package. */
export function summaryText(
  summary: ListBucketPackagesVulnerabilitySummaryResponse,
  scope: Scope,
): string {
  const totals = summary.total_by_criticality;
  if (totals.length === 0) return none('vulnerabilities', scope, { criticality: [] });
  return [
    `Known vulnerabilities in ${scope.what}:`,
    table(
      ['CRITICALITY', 'COUNT', 'FIRST-SEEN', 'AVERAGE-AGE-DAYS'],
      totals.map((t) => [
        t.criticality,
        t.vulnerability_count,
        dash(t.first_seen_at),
        t.average_age_days_for_criticality.toFixed(1),
      ]),
    ),
    'Per channel:',
    pivot(summary.channels_by_criticality, (c) => [c.channel_name], ['CHANNEL']),
    'Per package:',
    pivot(summary.packages_by_criticality, (p) => [p.package_name, dash(p.package_version)], [
      'PACKAGE',
      'VERSION',
    ]),
  ].join('\n');
}
