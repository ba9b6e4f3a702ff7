import type {
  AuditEvent,
  AuditOutcome,
  AuditQuerystring,
  ListAuditEventsResponse,
} from '@imprint/client';
import { sql } from 'kysely';
import type { ServiceContext } from '../domain/context';
import { parsePageRequest, type ListSpec } from '../domain/pagination';
import { toIso } from '../domain/time';
import { fetchPage } from '../storage/keyset';
import type { AuditEventTable } from '../storage/schema';

/** What is known of an audited request before it runs: who, what, where from. */
export type AuditEntry = Omit<AuditEventTable, 'id' | 'at' | 'status' | 'outcome' | 'error_reason'>;

/** How an audited request ended. */
export interface AuditResult {
  readonly status: number;
  readonly outcome: Exclude<AuditOutcome, 'unknown'>;
  readonly errorReason?: string;
}

/**
 * The audit log over the registry database. Append-only: {@link begin}
 * writes an entry with outcome `unknown` before a change runs, {@link finish}
 * sets its outcome once (and only from `unknown`: the migration's triggers
 * refuse any other UPDATE, and every DELETE); there is no API to change or
 * remove entries.
 */
export interface AuditStore {
  /** Writes `entry` with outcome `unknown`, in its own statement (committed when this resolves). */
  begin(entry: AuditEntry): Promise<AuditEventTable>;
  /** Sets the outcome of an entry {@link begin} wrote. */
  finish(row: AuditEventTable, result: AuditResult): Promise<AuditEventTable>;
  /** Writes a finished entry (a failed authentication: nothing ran). */
  record(entry: AuditEntry, result: AuditResult): Promise<AuditEventTable>;
  /** A page of entries, newest first. */
  list(query: AuditQuerystring): Promise<ListAuditEventsResponse>;
}

/** Newest first: `at`, then the ULID. */
const AUDIT_LIST: ListSpec = {
  fields: { at: { column: 'audit_events.at', key: 'at', type: 'integer' } },
  defaultOrder: ['at desc'],
  id: { column: 'audit_events.id', key: 'id', type: 'text' },
};

/** The API view of a row: absent rather than null for what is not known. */
export function toAuditEvent(row: AuditEventTable): AuditEvent {
  return {
    id: row.id,
    at: toIso(Number(row.at)),
    ...(row.principal_id !== null ? { principal_id: row.principal_id } : {}),
    ...(row.principal_name !== null ? { principal_name: row.principal_name } : {}),
    ...(row.role !== null ? { role: row.role } : {}),
    method: row.method,
    route: row.route,
    operation: row.operation,
    resource: row.resource,
    ...(row.status !== null ? { status: Number(row.status) } : {}),
    outcome: row.outcome as AuditOutcome,
    ...(row.error_reason !== null ? { error_reason: row.error_reason } : {}),
    request_id: row.request_id,
    client_address: row.client_address,
    user_agent: row.user_agent,
  };
}

export class SqlAuditStore implements AuditStore {
  constructor(private readonly ctx: ServiceContext) {}

  private async insert(row: AuditEventTable): Promise<AuditEventTable> {
    await this.ctx.singleStatement((db) => db.insertInto('audit_events').values(row).execute());
    return row;
  }

  begin(entry: AuditEntry): Promise<AuditEventTable> {
    return this.insert({
      ...entry,
      id: this.ctx.newId(),
      at: this.ctx.nowMs(),
      status: null,
      outcome: 'unknown',
      error_reason: null,
    });
  }

  async finish(row: AuditEventTable, result: AuditResult): Promise<AuditEventTable> {
    const outcome = {
      status: result.status,
      outcome: result.outcome,
      error_reason: result.errorReason ?? null,
    };
    await this.ctx.singleStatement((db) =>
      db
        .updateTable('audit_events')
        .set(outcome)
        .where('id', '=', row.id)
        .where('outcome', '=', 'unknown')
        .execute(),
    );
    return { ...row, ...outcome };
  }

  record(entry: AuditEntry, result: AuditResult): Promise<AuditEventTable> {
    return this.insert({
      ...entry,
      id: this.ctx.newId(),
      at: this.ctx.nowMs(),
      status: result.status,
      outcome: result.outcome,
      error_reason: result.errorReason ?? null,
    });
  }

  async list(query: AuditQuerystring): Promise<ListAuditEventsResponse> {
    const pageSize = Number(query['pagination.page_size'] ?? 0);
    const page = parsePageRequest(
      {
        ...(pageSize > 0 ? { pageSize } : {}),
        ...(query['pagination.next_page_token']
          ? { nextPageToken: query['pagination.next_page_token'] }
          : {}),
      },
      AUDIT_LIST,
    );
    let q = this.ctx.db.selectFrom('audit_events').selectAll();
    const { principal, operation, outcome, resource, since, until } = query;
    if (principal) {
      q = q.where((eb) =>
        eb.or([eb('principal_name', '=', principal), eb('principal_id', '=', principal)]),
      );
    }
    if (operation) q = q.where('operation', '=', operation);
    if (outcome) q = q.where('outcome', '=', outcome);
    if (resource) {
      // The resource itself and everything under it (`bucket/base` finds `bucket/base/version/…`).
      q = q.where((eb) =>
        eb.or([
          eb('resource', '=', resource),
          eb(sql`substr(resource, 1, ${resource.length + 1})`, '=', `${resource}/`),
        ]),
      );
    }
    if (since) q = q.where('at', '>=', Date.parse(since));
    if (until) q = q.where('at', '<', Date.parse(until));
    const { rows, pagination } = await fetchPage(q, page);
    return { events: rows.map(toAuditEvent), pagination };
  }
}
