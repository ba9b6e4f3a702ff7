import type { FastifyRequest } from 'fastify';
import type { AuditEntry, AuditResult } from './audit-store';

/** The methods that change something: each such request is audited. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The longest user agent kept; clients can send anything, and nothing long is useful here. */
export const AUDIT_USER_AGENT_MAX = 256;

/**
 * Path params that name a resource, in the order a resource path shows
 * them, with the word each is shown as (both API versions' names).
 */
const RESOURCE_PARAMS: readonly [param: string, label: string][] = [
  ['bucket_name', 'bucket'],
  ['bucket_slug', 'bucket'],
  ['fingerprint', 'version'],
  ['iteration_id', 'iteration'],
  ['build_id', 'build'],
  ['sbom_name', 'sbom'],
  ['channel_name', 'channel'],
  ['slug', 'channel'],
  ['principal_id', 'principal'],
];

/** `bucket/base/version/abc/build/01J…`: what the path params name ('' for none). */
export function resourceOf(params: unknown): string {
  if (typeof params !== 'object' || params === null) return '';
  const values = params as Record<string, unknown>;
  const parts: string[] = [];
  for (const [param, label] of RESOURCE_PARAMS) {
    const value = values[param];
    if (typeof value === 'string' && value !== '') parts.push(label, value);
  }
  return parts.join('/');
}

/** `ok` for 2xx (and 3xx), `denied` for 401 and 403, `error` otherwise. */
export function resultOf(status: number, errorReason: string | undefined): AuditResult {
  const outcome = status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'error';
  return { status, outcome, ...(errorReason !== undefined ? { errorReason } : {}) };
}

/**
 * Who, what and where from, never what was sent: no body, no query string,
 * no header but the user agent (truncated). The route is the pattern, not
 * the URL, so no value a caller typed lands here except as a path param.
 */
export function entryOf(request: FastifyRequest): AuditEntry {
  const actor = request.actor;
  const agent = request.headers['user-agent'] ?? '';
  return {
    principal_id: actor?.principalId ?? null,
    principal_name: actor?.name ?? null,
    role: actor?.role ?? null,
    method: request.method,
    route: request.routeOptions.url ?? '',
    operation: String(
      (request.routeOptions.schema as { operationId?: unknown } | undefined)?.operationId ?? '',
    ),
    resource: resourceOf(request.params),
    request_id: String(request.id),
    client_address: request.ip,
    user_agent: agent.slice(0, AUDIT_USER_AGENT_MAX),
  };
}
