import type { AncestryStatus, Version } from '@imprint/client';

/** How the console shows a version's state; also the `data-status` of graph nodes and badges. */
export type StatusKind =
  | 'active'
  | 'revoked'
  | 'inherited-revoked'
  | 'scheduled'
  | 'running'
  | 'failed'
  | 'cancelled'
  | 'incomplete'
  | 'unset'
  | 'unknown';

export function statusKind(
  version: Pick<Version, 'status' | 'revocation_type'> | undefined,
): StatusKind {
  switch (version?.status) {
    case 'VERSION_ACTIVE':
      return 'active';
    case 'VERSION_REVOKED':
      return version.revocation_type === 'INHERITED' ? 'inherited-revoked' : 'revoked';
    case 'VERSION_REVOCATION_SCHEDULED':
      return 'scheduled';
    case 'VERSION_RUNNING':
      return 'running';
    case 'VERSION_FAILED':
      return 'failed';
    case 'VERSION_CANCELLED':
      return 'cancelled';
    case 'VERSION_INCOMPLETE':
      return 'incomplete';
    case 'VERSION_UNSET':
      return 'unset';
    default:
      return 'unknown';
  }
}

const STATUS_LABELS: Record<StatusKind, string> = {
  active: 'Active',
  revoked: 'Revoked',
  'inherited-revoked': 'Revoked (inherited)',
  scheduled: 'Revocation scheduled',
  running: 'Running',
  failed: 'Failed',
  cancelled: 'Cancelled',
  incomplete: 'Incomplete',
  unset: 'Not started',
  unknown: 'Unknown',
};

export function statusLabel(kind: StatusKind): string {
  return STATUS_LABELS[kind];
}

export function ancestryLabel(status: AncestryStatus | undefined): string {
  switch (status) {
    case 'OUT_OF_DATE':
      return 'Parent out of date';
    case 'UP_TO_DATE':
      return 'Up to date';
    default:
      return 'Undetermined';
  }
}

/** `1 link`, `2 links`: a count with its noun, singular for exactly one. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `2026-11-26 09:58 UTC`: stable, locale-independent, readable. */
export function formatTime(value: string | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function shortFingerprint(fingerprint: string, length = 12): string {
  return fingerprint.length > length ? `${fingerprint.slice(0, length)}…` : fingerprint;
}

/** `#/buckets/<b>/versions/<fp>` with each segment encoded. */
export function versionHref(bucket: string, fingerprint: string): string {
  return `#/buckets/${encodeURIComponent(bucket)}/versions/${encodeURIComponent(fingerprint)}`;
}

/** `#/packages?name=<n>&version=<v>`: the package search, bookmarkable. */
export function packagesHref(name: string, version = ''): string {
  const query = new URLSearchParams({ name });
  if (version) query.set('version', version);
  return `#/packages?${query.toString()}`;
}

export function bucketHref(bucket: string): string {
  return `#/buckets/${encodeURIComponent(bucket)}`;
}

/** `#/buckets/<b>/vulnerabilities` */
export function bucketVulnerabilitiesHref(bucket: string): string {
  return `${bucketHref(bucket)}/vulnerabilities`;
}

/** Flattens nested metadata into `a.b.c → value` lines. */
export function flatten(
  value: unknown,
  prefix = '',
  out: [string, string][] = [],
): [string, string][] {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== 'object' || item === null)) {
      out.push([prefix, value.map(String).join(', ')]);
    } else {
      value.forEach((item, i) => flatten(item, `${prefix}[${i}]`, out));
    }
    return out;
  }
  if (typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      flatten(inner, prefix ? `${prefix}.${key}` : key, out);
    }
    return out;
  }
  out.push([prefix, String(value)]);
  return out;
}
