import type {
  Bucket,
  BucketAncestry,
  Build,
  Channel,
  ChannelAssignment,
  Version,
} from '@imprint/client';

/** Simple padded columns; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Pretty JSON with a trailing newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `v1` for a complete version, else its name as stored (`v0`). */
export function versionLabel(v: Pick<Version, 'name'> | undefined | null): string {
  return v?.name ?? '-';
}

/** A channel that pointed at a version the revocation reached: what it points at now. */
export interface ChannelMove {
  before: Channel;
  after: Channel | undefined;
}

/**
 * What `imprint revoke` prints after the version's own line: the descendants
 * that inherited the revocation, and where each channel on a revoked version went.
 */
export function revocationReport(
  inherited: readonly Version[],
  moves: readonly ChannelMove[],
): string {
  const at = (v: Pick<Version, 'name' | 'fingerprint'> | null | undefined) =>
    v ? `${v.name} (${v.fingerprint})` : '(none)';
  const lines: string[] = [];
  lines.push(
    inherited.length === 0
      ? 'Descendants revoked: none'
      : `Descendants revoked (inherited): ${inherited.length}`,
  );
  for (const v of inherited) {
    const from = v.revocation_inherited_from;
    lines.push(
      `  ${v.bucket_name} ${at(v)}${from ? `, from ${from.bucket_name} ${from.version_name}` : ''}`,
    );
  }
  lines.push(moves.length === 0 ? 'Channels moved: none' : 'Channels:');
  for (const { before, after } of moves) {
    const now = after?.version;
    const where = `${before.bucket_name}/${before.name}`;
    lines.push(
      now?.fingerprint === before.version?.fingerprint
        ? `  ${where} stays on ${at(before.version)}: no earlier valid version to roll back to`
        : now
          ? `  ${where} rolled back: ${at(before.version)} → ${at(now)}`
          : `  ${where} unassigned (was ${at(before.version)}): no earlier valid version`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One version described over several lines. */
export function describeVersion(v: Version): string {
  const lines = [
    `Bucket:      ${v.bucket_name}`,
    `Version:     ${v.name}`,
    `Fingerprint: ${v.fingerprint}`,
    `Status:      ${v.status}`,
    `Created:     ${v.created_at}`,
    `Author:      ${v.author_id}`,
  ];
  if (v.revoke_at) lines.push(`Revoke at:   ${v.revoke_at}`);
  if (v.revocation_message) lines.push(`Revocation:  ${v.revocation_message}`);
  if (v.revocation_type) lines.push(`Revoke type: ${v.revocation_type}`);
  lines.push('Builds:');
  if (v.builds.length === 0) lines.push('  (none)');
  for (const b of v.builds) {
    lines.push(`  ${b.component_type}  ${b.status}  ${b.platform || '-'}`);
    for (const a of b.artifacts ?? []) {
      lines.push(`    ${a.external_identifier}${a.region ? ` (${a.region})` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** `k=v, k2=v2`, or `-` when there are none. */
export function labelList(labels: Readonly<Record<string, string>>): string {
  return (
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || '-'
  );
}

/** One bucket described over several lines. */
export function describeBucket(b: Bucket): string {
  return (
    [
      `Name:        ${b.name}`,
      `Description: ${b.description || '-'}`,
      `Labels:      ${labelList(b.labels)}`,
      `Latest:      ${b.latest_version ? `${b.latest_version.name} (${b.latest_version.fingerprint})` : '-'}`,
      `Versions:    ${b.version_count}`,
      `Platforms:   ${b.platforms.join(', ') || '-'}`,
      `Created:     ${b.created_at}`,
    ].join('\n') + '\n'
  );
}

/** A build's artifacts, `id (region)`, comma-separated; `-` when there are none. */
export function artifactList(b: Pick<Build, 'artifacts'>): string {
  return (
    (b.artifacts ?? [])
      .map((a) => `${a.external_identifier}${a.region ? ` (${a.region})` : ''}`)
      .join(', ') || '-'
  );
}

/** Metadata as `dotted.key: value` lines; strings as is, anything else as JSON. */
function metadataLines(value: unknown, prefix: string): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix !== '') return [`${prefix}: {}`];
    return entries.flatMap(([k, v]) => metadataLines(v, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [`${prefix}: ${typeof value === 'string' ? value : JSON.stringify(value)}`];
}

/** One build described over several lines: its artifacts grouped by region, labels, metadata. */
export function describeBuild(b: Build): string {
  const lines = [
    `ID:           ${b.id}`,
    `Component:    ${b.component_type}`,
    `Platform:     ${b.platform || '-'}`,
    `Status:       ${b.status}`,
    `Source image: ${b.source_external_identifier || '-'}`,
    `Run:          ${b.packer_run_uuid || '-'}`,
    `Labels:       ${labelList(b.labels)}`,
    `Created:      ${b.created_at}`,
    `Updated:      ${b.updated_at}`,
    'Artifacts:',
  ];
  const byRegion = new Map<string, string[]>();
  for (const a of b.artifacts ?? []) {
    const region = a.region || '-';
    byRegion.set(region, [...(byRegion.get(region) ?? []), a.external_identifier]);
  }
  if (byRegion.size === 0) lines.push('  (none)');
  const width = Math.max(0, ...[...byRegion.keys()].map((r) => r.length));
  for (const [region, ids] of byRegion) lines.push(`  ${region.padEnd(width)}  ${ids.join(', ')}`);
  lines.push('Metadata:');
  const meta = metadataLines(b.metadata ?? {}, '');
  if (meta.length === 0) lines.push('  (none)');
  for (const line of meta) lines.push(`  ${line}`);
  return lines.join('\n') + '\n';
}

/** One channel described over several lines. */
export function describeChannel(ch: Channel): string {
  return (
    [
      `Bucket:      ${ch.bucket_name}`,
      `Channel:     ${ch.name}`,
      `Version:     ${ch.version ? `${ch.version.name} (${ch.version.fingerprint})` : '- (unassigned)'}`,
      `Status:      ${ch.version?.status ?? '-'}`,
      `Managed:     ${ch.managed ? 'yes' : 'no'}`,
      `Restricted:  ${ch.restricted ? 'yes' : 'no'}`,
      `Author:      ${ch.author_id || '-'}`,
      `Created:     ${ch.created_at}`,
      `Updated:     ${ch.updated_at}`,
    ].join('\n') + '\n'
  );
}

/** A channel's assignment history, newest first as the registry returns it. */
export function historyTable(history: readonly ChannelAssignment[]): string {
  return table(
    ['ASSIGNED', 'VERSION', 'FINGERPRINT', 'AUTHOR'],
    history.map((h) => [
      h.assigned_at,
      h.version ? h.version.name || '-' : '(unassigned)',
      h.version?.fingerprint || '-',
      h.author_id || '-',
    ]),
  );
}

export type AncestryFormat = 'tree' | 'json' | 'dot' | 'mermaid';

interface Node {
  bucket: string;
  name: string;
  fingerprint: string;
}

function nodes(relations: readonly BucketAncestry[]): { from: Node; to: Node; status: string }[] {
  const edges: { from: Node; to: Node; status: string }[] = [];
  for (const r of relations) {
    if (!r.parent || !r.child) continue;
    edges.push({
      from: {
        bucket: r.parent.bucket_name,
        name: r.parent.version_name,
        fingerprint: r.parent.version_fingerprint,
      },
      to: {
        bucket: r.child.bucket_name,
        name: r.child.version_name,
        fingerprint: r.child.version_fingerprint,
      },
      status: r.status,
    });
  }
  return edges;
}

const label = (n: Node) => `${n.bucket} ${n.name || '-'} (${n.fingerprint})`;

/** `bucket/fingerprint`: the key of {@link formatAncestry}'s version statuses. */
export const versionKey = (bucket: string, fingerprint: string): string =>
  `${bucket}/${fingerprint}`;

/**
 * Ancestry of `version` of `bucket`: parents above, the version, children below.
 * In the tree, each line shows the version's own status (`statuses`, by
 * {@link versionKey}; `-` when unknown) and, on parent and child lines, the
 * link's status: `status: VERSION_REVOKED · link: OUT_OF_DATE`.
 */
export function formatAncestry(
  format: Exclude<AncestryFormat, 'json'>,
  bucket: string,
  version: Pick<Version, 'name' | 'fingerprint' | 'status'> | undefined,
  relations: readonly BucketAncestry[],
  statuses: ReadonlyMap<string, string> = new Map(),
): string {
  const edges = nodes(relations);
  if (format === 'dot') {
    const out = ['digraph ancestry {'];
    for (const e of edges) {
      out.push(`  "${label(e.from)}" -> "${label(e.to)}" [label="${e.status}"];`);
    }
    out.push('}');
    return out.join('\n') + '\n';
  }
  if (format === 'mermaid') {
    const ids = new Map<string, string>();
    const id = (n: Node) => {
      const key = label(n);
      let v = ids.get(key);
      if (v === undefined) {
        v = `n${ids.size}`;
        ids.set(key, v);
      }
      return v;
    };
    const out = ['graph TD'];
    for (const e of edges) {
      out.push(
        `  ${id(e.from)}["${label(e.from)}"] -->|${e.status}| ${id(e.to)}["${label(e.to)}"]`,
      );
    }
    return out.join('\n') + '\n';
  }
  const fp = version?.fingerprint;
  const parents = edges.filter(
    (e) => e.to.bucket === bucket && (fp === undefined || e.to.fingerprint === fp),
  );
  const children = edges.filter(
    (e) => e.from.bucket === bucket && (fp === undefined || e.from.fingerprint === fp),
  );
  const status = (n: Node) => `status: ${statuses.get(versionKey(n.bucket, n.fingerprint)) ?? '-'}`;
  const out: string[] = [];
  if (parents.length === 0) out.push('(no parents)');
  for (const [i, e] of parents.entries()) {
    const branch = i === parents.length - 1 ? '└─' : '├─';
    out.push(`${branch} parent ${label(e.from)} ${status(e.from)} · link: ${e.status}`);
  }
  out.push(
    version
      ? `● ${bucket} ${version.name} (${version.fingerprint}) status: ${version.status}`
      : `● ${bucket}`,
  );
  if (children.length === 0) out.push('(no children)');
  for (const [i, e] of children.entries()) {
    const branch = i === children.length - 1 ? '└─' : '├─';
    out.push(`${branch} child ${label(e.to)} ${status(e.to)} · link: ${e.status}`);
  }
  return out.join('\n') + '\n';
}
