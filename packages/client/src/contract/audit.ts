import { Type, type Static } from '@sinclair/typebox';
import { AuditEvent, AuditOutcomeSchema } from './audit-event';
import { LIMITS, Text } from './patterns-and-limits';
import { Closed, LIST_QUERY_FIELDS } from './requests';
import { ListOf } from './responses';

const opt = Type.Optional;
const timestamp = (description: string) => Type.String({ format: 'date-time', description });

/** Query of ListAuditEvents (`GET /imprint/v1/audit`): filters and pagination, newest first. */
export const AuditQuerystring = Closed({
  principal: opt(Text(LIMITS.identifier, 1, 'a principal name or id, exactly')),
  operation: opt(Text(LIMITS.identifier, 1, 'an operationId, e.g. CreateBucket')),
  outcome: opt(AuditOutcomeSchema),
  resource: opt(
    Text(LIMITS.identifier, 1, 'a resource, e.g. bucket/base: itself and everything under it'),
  ),
  since: opt(timestamp('RFC 3339: entries at or after')),
  until: opt(timestamp('RFC 3339: entries before')),
  'pagination.page_size': LIST_QUERY_FIELDS['pagination.page_size'],
  'pagination.next_page_token': LIST_QUERY_FIELDS['pagination.next_page_token'],
});
export type AuditQuerystring = Static<typeof AuditQuerystring>;

/** Response of ListAuditEvents: a page of entries, newest first. */
export const ListAuditEventsResponse = ListOf('events', AuditEvent);
export type ListAuditEventsResponse = Static<typeof ListAuditEventsResponse>;
