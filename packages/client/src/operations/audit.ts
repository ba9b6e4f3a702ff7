import type { AuditOutcome } from '../contract/audit-event';
import type { ListAuditEventsResponse } from '../contract/audit';
import type { RegistryConnection } from '../internal/connection';
import type { CallOptions } from '../options';

// The registry's audit log (an Imprint extension, admin only).

/** Path of ListAuditEvents. */
export const AUDIT_PATH = '/imprint/v1/audit';

/** Filters and page of {@link RegistryClient.listAuditEvents}; every one may be left out. */
export interface ListAuditEventsOptions extends CallOptions {
  /** A principal name or id, exactly. */
  principal?: string;
  /** An operationId, e.g. `CreateBucket`. */
  operation?: string;
  outcome?: AuditOutcome;
  /** A resource (`bucket/base`): itself and everything under it. */
  resource?: string;
  /** Entries at or after (a Date or an RFC 3339 string). */
  since?: Date | string;
  /** Entries before. */
  until?: Date | string;
  pageSize?: number;
  nextPageToken?: string;
}

function timestamp(value: Date | string | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value || undefined;
}

export function listAuditEvents(
  api: RegistryConnection,
  options?: ListAuditEventsOptions,
): Promise<ListAuditEventsResponse> {
  return api.request<ListAuditEventsResponse>('GET', AUDIT_PATH, {
    query: {
      principal: options?.principal || undefined,
      operation: options?.operation || undefined,
      outcome: options?.outcome,
      resource: options?.resource || undefined,
      since: timestamp(options?.since),
      until: timestamp(options?.until),
      'pagination.page_size': options?.pageSize,
      'pagination.next_page_token': options?.nextPageToken || undefined,
    },
    call: options,
  });
}
