import { Type, type Static } from '@sinclair/typebox';
import { Model, StringEnum } from './kinds';

/*
 * The audit log's model (`GET /imprint/v1/audit`, an Imprint extension). Apart
 * from models.ts so that models.ts can list it among the response models
 * without an import cycle (the list response and query live in audit.ts).
 */

/**
 * How an audited request ended: `ok` (2xx), `denied` (401/403), `error` (any
 * other status), `unknown` (in flight, or the registry stopped before it
 * recorded the outcome).
 */
export const AUDIT_OUTCOMES = ['ok', 'denied', 'error', 'unknown'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
export const AuditOutcomeSchema = StringEnum(AUDIT_OUTCOMES, {
  description: 'ok, denied, error or unknown',
});

const opt = Type.Optional;
/** Absent when nobody was authenticated (a failed authentication). */
const who = (description: string) => opt(Type.String({ description }));

/** One audit log entry: a mutating request or a failed authentication. */
export const AuditEvent = Model(
  {
    id: Type.String({ description: 'ULID; sorts by time' }),
    at: Type.String({ format: 'date-time' }),
    principal_id: who('the principal (ULID), or anonymous in embedded mode'),
    principal_name: who('the principal name'),
    role: who('viewer, contributor or admin'),
    method: Type.String(),
    route: Type.String({
      description: 'the route pattern, e.g. /imprint/v1/principals/:principal_id',
    }),
    operation: Type.String({ description: 'the operationId, e.g. CreateBucket' }),
    resource: Type.String({
      description: 'what the path names, e.g. bucket/base/version/01J…; empty for none',
    }),
    status: opt(
      Type.Integer({ description: 'the HTTP status; absent while the outcome is unknown' }),
    ),
    outcome: AuditOutcomeSchema,
    error_reason: opt(
      Type.String({ description: 'the stable error code, e.g. REGISTRY_ERR_PERMISSION_DENIED' }),
    ),
    request_id: Type.String(),
    client_address: Type.String(),
    user_agent: Type.String({ description: 'truncated to 256 characters' }),
  },
  {
    $id: 'AuditEvent',
    description:
      'An audit log entry. Never holds bodies, tokens, secrets or query strings: who, what, where, how it ended.',
  },
);
export type AuditEvent = Static<typeof AuditEvent>;
