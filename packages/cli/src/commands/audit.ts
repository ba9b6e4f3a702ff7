import type { AuditEvent, AuditOutcome, ListAuditEventsOptions } from '@imprint/client';
import type { Command } from 'commander';
import { table } from '../format';
import { client as clientPackage } from '../lazy';
import type { Context } from './context';
import { UsageError, actionHelpers } from './context';
import type { ReadFlags } from './options';
import { examples, withRegistryFlags } from './options';
import { checkLength } from './packages';

// `imprint audit`: the registry's audit log (admin only), newest first.

interface AuditFlags extends ReadFlags {
  principal?: string;
  operation?: string;
  outcome?: string;
  resource?: string;
  since?: string;
  until?: string;
  limit: string;
}

/** How many entries are shown unless `--limit` says otherwise. */
const DEFAULT_LIMIT = 100;
/** The registry's largest page. */
const PAGE_SIZE = 1000;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`/`--until`: an RFC 3339 time, or an age (`30m`, `12h`, `7d`) before now. */
export function auditTime(
  flag: string,
  value: string | undefined,
  now = Date.now(),
): string | undefined {
  if (value === undefined) return undefined;
  const age = /^(\d{1,6})([mhd])$/.exec(value.trim());
  if (age) return new Date(now - Number(age[1]) * UNIT_MS[age[2]]).toISOString();
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw new UsageError(
    `${flag} '${value}' is neither an RFC 3339 time (2026-12-01T00:00:00Z) nor an age (30m, 12h, 7d)`,
  );
}

function outcomeOf(value: string | undefined): AuditOutcome | undefined {
  if (value === undefined) return undefined;
  const allowed = clientPackage().AUDIT_OUTCOMES;
  const found = allowed.find((o) => o === value.trim().toLowerCase());
  if (found === undefined) {
    throw new UsageError(
      `--outcome '${value}' is not an outcome; use one of ${allowed.join(', ')}`,
    );
  }
  return found;
}

function limitOf(value: string): number {
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--limit '${value}' is not a whole number of entries of at least 1`);
  }
  return Number(value);
}

/** The flags as the client takes them, checked before any request. */
function filters(flags: AuditFlags): ListAuditEventsOptions {
  for (const [flag, value] of [
    ['--principal', flags.principal],
    ['--operation', flags.operation],
    ['--resource', flags.resource],
  ] as const) {
    checkLength(flag, value);
  }
  return {
    principal: flags.principal,
    operation: flags.operation,
    outcome: outcomeOf(flags.outcome),
    resource: flags.resource,
    since: auditTime('--since', flags.since),
    until: auditTime('--until', flags.until),
  };
}

/** TIME, PRINCIPAL, OPERATION, RESOURCE, STATUS, OUTCOME, CLIENT: newest first. */
export function auditTable(events: readonly AuditEvent[]): string {
  if (events.length === 0) return 'No audit log entries match.\n';
  return table(
    ['TIME', 'PRINCIPAL', 'OPERATION', 'RESOURCE', 'STATUS', 'OUTCOME', 'CLIENT'],
    events.map((e) => [
      e.at,
      e.principal_name ?? '-',
      e.operation || `${e.method} ${e.route}`,
      e.resource || '-',
      e.status === undefined ? '-' : String(e.status),
      e.error_reason ? `${e.outcome} (${e.error_reason})` : e.outcome,
      e.client_address,
    ]),
  );
}

/** `imprint audit`: the newest entries of the audit log, filtered. */
export function addAuditCommand(program: Command, c: Context): void {
  const { show } = actionHelpers(c);
  withRegistryFlags(
    program
      .command('audit')
      .description(
        "list the registry's audit log, newest first: mutating requests and failed authentications (admin only)",
      ),
    'print the JSON: {events: [{id, at, principal_name, operation, resource, status, outcome, ...}]}',
  )
    .option('--principal <name-or-id>', 'only entries of this principal')
    .option('--operation <id>', 'only this operation, e.g. CreateBucket or DeletePrincipal')
    .option('--outcome <outcome>', 'only ok, denied, error or unknown')
    .option('--resource <resource>', 'only this resource and what is under it, e.g. bucket/base')
    .option('--since <time>', 'only entries at or after: RFC 3339, or an age such as 12h or 7d')
    .option('--until <time>', 'only entries before: RFC 3339, or an age')
    .option('--limit <n>', 'show at most this many entries', String(DEFAULT_LIMIT))
    .addHelpText(
      'after',
      '\nOutcome unknown: the change was in flight, or the registry stopped before it\n' +
        'recorded the outcome. Needs an admin principal (HCP_CLIENT_ID / HCP_CLIENT_SECRET).\n' +
        examples(
          'imprint audit',
          'imprint audit --outcome denied --since 24h',
          'imprint audit --principal ci --operation CreateBucket --json',
          'imprint audit --resource bucket/base --limit 20',
        ),
    )
    .action((flags: AuditFlags) => {
      const options = filters(flags);
      const limit = limitOf(flags.limit);
      return show(
        flags,
        async (client) => {
          const events: AuditEvent[] = [];
          let nextPageToken: string | undefined;
          do {
            const page = await client.listAuditEvents({
              ...options,
              pageSize: Math.min(PAGE_SIZE, limit - events.length),
              nextPageToken,
            });
            events.push(...page.events);
            nextPageToken = page.pagination?.next_page_token || undefined;
          } while (nextPageToken && events.length < limit);
          return { events };
        },
        ({ events }) => auditTable(events),
      );
    });
}
