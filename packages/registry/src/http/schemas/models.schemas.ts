import {
  ANCESTRY_STATUSES,
  BUILD_STATUSES,
  REVOCATION_TYPES,
  ROLE_SCHEMA,
  TEMPLATE_TYPES,
  VERSION_STATUSES,
} from './patterns';

/**
 * Response models, registered once with `addSchema` and referenced as
 * `{ $ref: 'Name#' }`. They are the serialisation allow-list (fields not
 * listed here are not sent) and become `components.schemas` in OpenAPI.
 * Field names are the HCP Packer 2023-01-01 wire names (packages/client/src/models.ts).
 */

const str = { type: 'string' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const bool = { type: 'boolean' } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const revocationInheritedFrom = {
  type: 'object',
  properties: {
    bucket_name: str,
    href: str,
    version_fingerprint: str,
    version_id: str,
    version_name: str,
  },
} as const;

export function ref(id: string): { $ref: string } {
  return { $ref: `${id}#` };
}

/**
 * A reference that may be `null`. Written as `$ref` + `nullable` rather than
 * `anyOf: [$ref, null]` because fast-json-stringify serialises `anyOf` by
 * validating the value against each branch with ajv on every response (a
 * full Version, date-time formats included): 4× slower on GetChannel. The
 * OpenAPI document shows the standard `anyOf` form ({@link openApiNullable}).
 */
export function nullable(id: string): { $ref: string; nullable: true } {
  return { ...ref(id), nullable: true };
}

/**
 * Rewrites every `{ $ref, nullable: true }` of {@link nullable} in a generated
 * OpenAPI 3.1 document into `anyOf: [{ $ref }, { type: 'null' }]` (3.1 has no
 * `nullable` keyword). Returns a new object; the route schemas are untouched.
 */
export function openApiNullable<T>(document: T): T {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== 'object' || value === null) return value;
    const object = value as Record<string, unknown>;
    if (typeof object['$ref'] === 'string' && object['nullable'] === true) {
      const { nullable: _nullable, $ref, ...rest } = object;
      return { ...rest, anyOf: [{ $ref }, { type: 'null' }] };
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, rewrite(v)]));
  };
  return rewrite(document) as T;
}

function model(
  $id: string,
  description: string,
  properties: Record<string, unknown>,
): Record<string, unknown> {
  return { $id, type: 'object', description, properties };
}

export const MODEL_SCHEMAS: readonly Record<string, unknown>[] = [
  model('RpcStatus', 'google.rpc.Status: the body of every error response.', {
    code: { type: 'integer', description: 'gRPC status code (3, 5, 6, 7, 9, 10, 13, 16, ...)' },
    message: str,
    details: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { '@type': str, reason: str },
      },
    },
  }),
  model('Pagination', 'Page tokens of a list response.', {
    next_page_token: str,
    previous_page_token: str,
  }),
  model('Location', 'Where a resource lives.', {
    organization_id: str,
    project_id: str,
    region: { type: 'object', properties: { provider: str, region: str } },
  }),
  model('AncestrySummary', 'Ancestry status of parents or children.', {
    href: str,
    status: { type: 'string', enum: ANCESTRY_STATUSES },
  }),
  model('Registry', 'The registry of a project.', {
    id: str,
    location: ref('Location'),
    created_at: dateTime,
    updated_at: dateTime,
    config: {
      type: 'object',
      properties: {
        activated: bool,
        feature_tier: { type: 'string', enum: ['UNSET', 'STANDARD', 'PLUS'] },
      },
    },
  }),
  model('Artifact', 'An artifact (image) a build produced.', {
    id: str,
    external_identifier: str,
    region: str,
    created_at: dateTime,
  }),
  model('Build', 'One component of a version.', {
    id: str,
    version_id: str,
    component_type: str,
    platform: str,
    status: { type: 'string', enum: BUILD_STATUSES },
    packer_run_uuid: str,
    labels: stringMap,
    source_external_identifier: str,
    artifacts: { type: 'array', items: ref('Artifact') },
    metadata: { type: 'object', additionalProperties: true },
    created_at: dateTime,
    updated_at: dateTime,
  }),
  model('Version', 'A version (formerly iteration): v0 until every build is done.', {
    id: str,
    bucket_name: str,
    fingerprint: str,
    name: str,
    status: { type: 'string', enum: VERSION_STATUSES },
    template_type: { type: 'string', enum: TEMPLATE_TYPES },
    author_id: str,
    builds: { type: 'array', items: ref('Build') },
    created_at: dateTime,
    updated_at: dateTime,
    has_descendants: bool,
    parents: ref('AncestrySummary'),
    revoke_at: dateTime,
    revocation_message: str,
    revocation_author: str,
    revocation_type: { type: 'string', enum: REVOCATION_TYPES },
    revocation_inherited_from: revocationInheritedFrom,
  }),
  model('Bucket', 'A bucket of versions.', {
    id: str,
    name: str,
    description: str,
    labels: stringMap,
    location: ref('Location'),
    resource_name: str,
    created_at: dateTime,
    updated_at: dateTime,
    latest_version: nullable('Version'),
    platforms: { type: 'array', items: str },
    version_count: { type: 'string', description: 'a decimal number, as in the HCP API' },
    parents: ref('AncestrySummary'),
    children: ref('AncestrySummary'),
  }),
  model('ChannelVersion', 'The compact version form used by history and ancestry.', {
    fingerprint: str,
    id: str,
    name: str,
  }),
  model('Channel', 'A named pointer to a version.', {
    id: str,
    name: str,
    bucket_name: str,
    author_id: str,
    created_at: dateTime,
    updated_at: dateTime,
    managed: bool,
    restricted: bool,
    version: nullable('Version'),
  }),
  model('ChannelAssignment', 'One entry of a channel assignment history.', {
    assigned_at: dateTime,
    author_id: str,
    version: nullable('ChannelVersion'),
  }),
  model('AncestryParent', 'The parent side of an ancestry relation.', {
    bucket_name: str,
    channel_name: str,
    channel_version: nullable('ChannelVersion'),
    version_fingerprint: str,
    version_id: str,
    version_name: str,
  }),
  model('AncestryChild', 'The child side of an ancestry relation.', {
    bucket_name: str,
    version_fingerprint: str,
    version_id: str,
    version_name: str,
  }),
  model('BucketAncestry', 'A parent-child relation.', {
    parent: ref('AncestryParent'),
    child: ref('AncestryChild'),
    status: { type: 'string', enum: ANCESTRY_STATUSES },
    inferred: {
      type: 'boolean',
      description: 'Imprint extension: the link was inferred from a source image id',
    },
  }),
  model('ExternalArtifactMatch', 'A search hit: which bucket/version/build made an artifact.', {
    bucket: { type: 'object', properties: { id: str, name: str, labels: stringMap } },
    build: ref('Build'),
    version: {
      type: 'object',
      properties: {
        id: str,
        name: str,
        fingerprint: str,
        author_id: str,
        status: { type: 'string', enum: VERSION_STATUSES },
        revoke_at: dateTime,
        revocation_message: str,
        revocation_author: str,
        revocation_type: { type: 'string', enum: REVOCATION_TYPES },
        revocation_inherited_from: revocationInheritedFrom,
      },
    },
  }),
  model('Operation', 'A long-running operation (descendant revocation).', {
    id: str,
    state: { type: 'string', enum: ['PENDING', 'RUNNING', 'DONE'] },
  }),
  model('Organization', 'Resource manager: the organization this registry serves.', {
    id: str,
    name: str,
    state: str,
    created_at: dateTime,
  }),
  model('Project', 'Resource manager: the project this registry serves.', {
    id: str,
    name: str,
    description: str,
    parent: { type: 'object', properties: { type: str, id: str } },
    state: str,
    created_at: dateTime,
  }),
  model('Principal', 'A service principal (client credentials with a role).', {
    id: { type: 'string', description: 'ULID; also the OAuth client id' },
    name: str,
    role: ROLE_SCHEMA,
    created_at: dateTime,
  }),
];

/** Every response: the success body, and google.rpc.Status for errors. */
export function replies(ok: unknown, description?: string): Record<string, unknown> {
  const success =
    description && typeof ok === 'object' && ok !== null ? { ...ok, description } : ok;
  return { 200: success, '4xx': ref('RpcStatus'), '5xx': ref('RpcStatus') };
}

/** `{ <key>: <Model> }`, the wrapped single-resource response HCP uses. */
export function wrapped(key: string, id: string): Record<string, unknown> {
  return { type: 'object', properties: { [key]: ref(id) } };
}

/** A list response: `{ <key>: <Model>[], pagination }`. */
export function listOf(key: string, id: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'object',
    properties: {
      [key]: { type: 'array', items: ref(id) },
      pagination: ref('Pagination'),
      ...extra,
    },
  };
}

/** `{}`: what HCP's Delete operations answer. */
export const EMPTY_OBJECT = { type: 'object', properties: {} } as const;
