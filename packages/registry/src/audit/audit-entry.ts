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
  ['webhook_id', 'webhook'],
];

/**
 * The one body field each create operation names what it creates with, and
 * the word it is shown as (the path names only the parent). An allow-list:
 * no other body field is ever read, so no secret, URL or token can reach the
 * log. Creates whose new resource is named by the server (CreateBuild,
 * V2021_CreateBuild: a ULID) are not here; neither is Token (`client_id`
 * could be a secret pasted in the wrong field).
 */
const CREATED_NAME_FIELDS: ReadonlyMap<string, readonly [field: string, label: string]> = new Map([
  ['CreateBucket', ['name', 'bucket']],
  ['CreateVersion', ['fingerprint', 'version']],
  ['CreateChannel', ['name', 'channel']],
  ['UploadSbom', ['name', 'sbom']],
  ['V2021_CreateBucket', ['bucket_slug', 'bucket']],
  ['V2021_CreateIteration', ['fingerprint', 'version']],
  ['V2021_CreateChannel', ['slug', 'channel']],
  ['CreatePrincipal', ['name', 'principal']],
  ['CreateWebhook', ['name', 'webhook']],
]);

/**
 * The longest name taken from a body (principal names, the longest, are
 * 128): the schemas already bound them; this keeps a future schema from
 * letting a long value in.
 */
export const AUDIT_BODY_NAME_MAX = 128;

/**
 * What every name pattern of the contract admits (bucket, channel, SBOM,
 * webhook and principal names, fingerprints): no `/`, `:`, `=`, space or
 * control character, so not a URL, a path or a bearer header.
 */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

/** The name `body` gives what `operation` creates, if that operation is listed and it is a plain name. */
function createdName(
  operation: string,
  body: unknown,
): readonly [label: string, name: string] | undefined {
  const created = CREATED_NAME_FIELDS.get(operation);
  if (created === undefined || typeof body !== 'object' || body === null) return undefined;
  const [field, label] = created;
  if (!Object.hasOwn(body, field)) return undefined;
  const value = (body as Record<string, unknown>)[field];
  if (typeof value !== 'string' || !PLAIN_NAME.test(value)) return undefined;
  return [label, value.slice(0, AUDIT_BODY_NAME_MAX)];
}

/**
 * `bucket/base/version/abc/build/01J…`: what the path params name, then,
 * for a create operation given its (validated) `body`, the name of what it
 * creates (`bucket/base/channel/prod`); '' for none.
 */
export function resourceOf(params: unknown, operation = '', body?: unknown): string {
  const parts: string[] = [];
  if (typeof params === 'object' && params !== null) {
    const values = params as Record<string, unknown>;
    for (const [param, label] of RESOURCE_PARAMS) {
      const value = values[param];
      if (typeof value === 'string' && value !== '') parts.push(label, value);
    }
  }
  const created = createdName(operation, body);
  if (created !== undefined) parts.push(...created);
  return parts.join('/');
}

/** `ok` for 2xx (and 3xx), `denied` for 401 and 403, `error` otherwise. */
export function resultOf(status: number, errorReason: string | undefined): AuditResult {
  const outcome = status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'error';
  return { status, outcome, ...(errorReason !== undefined ? { errorReason } : {}) };
}

/**
 * Who, what and where from, never what was sent: no body but the name a
 * create gives what it creates (see {@link resourceOf}; only once the body
 * passed its schema: `bodyValidated`), no query string, no header but the
 * user agent (truncated). The route is the pattern, not the URL.
 */
export function entryOf(request: FastifyRequest, bodyValidated = false): AuditEntry {
  const actor = request.actor;
  const agent = request.headers['user-agent'] ?? '';
  const operation = String(
    (request.routeOptions.schema as { operationId?: unknown } | undefined)?.operationId ?? '',
  );
  return {
    principal_id: actor?.principalId ?? null,
    principal_name: actor?.name ?? null,
    role: actor?.role ?? null,
    method: request.method,
    route: request.routeOptions.url ?? '',
    operation,
    resource: resourceOf(request.params, operation, bodyValidated ? request.body : undefined),
    request_id: String(request.id),
    client_address: request.ip,
    user_agent: agent.slice(0, AUDIT_USER_AGENT_MAX),
  };
}
