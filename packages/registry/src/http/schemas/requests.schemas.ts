import {
  ANCESTRY_TYPES,
  ASSIGN_FINGERPRINT_SCHEMA,
  BUILD_STATUSES,
  FINGERPRINT_SCHEMA,
  LABELS_INPUT_SCHEMA,
  NAME_SCHEMA,
  NEW_FINGERPRINT_SCHEMA,
  TEMPLATE_TYPES,
  TENANT_ID_SCHEMA,
  ULID_SCHEMA,
  text,
} from './patterns';

/**
 * Request schemas. Bodies list their fields with `additionalProperties: false`:
 * with fastify's `removeAdditional`, unknown fields are dropped silently (HCP
 * ignores them too) and handlers only ever see the fields named here.
 * Types are strict (no coercion): `"true"` is not a boolean.
 */

type Properties = Record<string, unknown>;

function object(properties: Properties, required: string[] = []): Record<string, unknown> {
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** Path params of every packer route: the tenancy plus `extra`. */
export function packerParams(extra: Properties = {}): Record<string, unknown> {
  const properties = {
    organization_id: TENANT_ID_SCHEMA,
    project_id: TENANT_ID_SCHEMA,
    ...extra,
  };
  return object(properties, Object.keys(properties));
}

export const BUCKET_PARAM = { bucket_name: NAME_SCHEMA };
export const VERSION_PARAMS = { ...BUCKET_PARAM, fingerprint: FINGERPRINT_SCHEMA };
export const BUILD_PARAMS = { ...VERSION_PARAMS, build_id: ULID_SCHEMA };
export const CHANNEL_PARAMS = { ...BUCKET_PARAM, channel_name: NAME_SCHEMA };

const ORDER_BY_ITEM = {
  type: 'string',
  maxLength: 200,
  pattern:
    '^\\s*[a-z_]{1,40}(\\s+(asc|desc|ASC|DESC))?\\s*(,\\s*[a-z_]{1,40}(\\s+(asc|desc|ASC|DESC))?\\s*)*$',
  description: 'field names with optional asc/desc, comma-separated (e.g. "name,created_at desc")',
};

/** Query params HCP accepts on every operation and ignores. */
const IGNORED_LOCATION_QUERY = {
  'location.region.provider': { ...text(255), description: 'accepted and ignored' },
  'location.region.region': { ...text(255), description: 'accepted and ignored' },
};

/** Query of operations that take no other query params. */
export const NO_QUERY = object(IGNORED_LOCATION_QUERY);

/** Query of list operations: pagination and sorting, plus `extra`. */
export function listQuery(extra: Properties = {}): Record<string, unknown> {
  return object({
    'pagination.page_size': {
      type: 'string',
      pattern: '^(?:\\d{1,3}|1000)$',
      description: 'a number of results per page from 0 (server default) to 1000',
    },
    'pagination.next_page_token': {
      ...text(1024),
      description: 'next_page_token of the previous page',
    },
    'pagination.previous_page_token': {
      ...text(1024),
      description: 'accepted; paging backwards is not supported, use next_page_token',
    },
    'sorting.order_by': {
      anyOf: [ORDER_BY_ITEM, { type: 'array', maxItems: 10, items: ORDER_BY_ITEM }],
    },
    ...IGNORED_LOCATION_QUERY,
    ...extra,
  });
}

export const ANCESTRY_QUERY = listQuery({
  type: { type: 'string', enum: ANCESTRY_TYPES },
  channel_name: NAME_SCHEMA,
  version_fingerprint: FINGERPRINT_SCHEMA,
  depth: {
    type: 'string',
    pattern: '^(all|[1-9][0-9]?|100)$',
    description:
      'Imprint extension: generations to follow, 1 (the default, direct relations as on HCP) ' +
      'to 100, or all (every ancestor and/or descendant, across buckets)',
  },
});

export const DELETE_VERSION_QUERY = object({
  rollback_channels: {
    type: 'string',
    enum: ['true', 'false', '1', '0'],
    description: 'true rolls user channels back to their previous valid version',
  },
  ...IGNORED_LOCATION_QUERY,
});

const ARTIFACT_INPUT = object(
  {
    external_identifier: { ...text(1024, 1), description: '1-1024 characters, e.g. ami-0abc' },
    region: { ...text(1024), description: 'cloud region, or a path for local builders' },
  },
  ['external_identifier'],
);

export const CREATE_BUCKET_BODY = object(
  {
    name: NAME_SCHEMA,
    description: { ...text(255), description: 'at most 255 characters' },
    labels: LABELS_INPUT_SCHEMA,
  },
  ['name'],
);

export const UPDATE_BUCKET_BODY = object({
  description: { ...text(255), description: 'at most 255 characters' },
  labels: LABELS_INPUT_SCHEMA,
  platforms: { type: 'array', maxItems: 64, items: text(64, 1) },
});

export const CREATE_VERSION_BODY = object(
  {
    fingerprint: NEW_FINGERPRINT_SCHEMA,
    template_type: { type: 'string', enum: TEMPLATE_TYPES },
  },
  ['fingerprint'],
);

export const UPDATE_VERSION_BODY = object({
  complete: { type: 'boolean' },
  revoke_at: { type: 'string', format: 'date-time', description: 'an RFC 3339 timestamp' },
  revoke_in: {
    type: 'string',
    maxLength: 32,
    pattern: '^[+-]?(?:\\d+(?:\\.\\d+)?(?:s|m|h|d))+$',
    description: 'a duration such as 0s, 90m, 12h or 7d',
  },
  revocation_message: text(1024),
  skip_descendants_revocation: { type: 'boolean' },
  disable_rollback_channels: { type: 'boolean' },
  restore: { type: 'boolean' },
});

const BUILD_FIELDS = {
  status: { type: 'string', enum: BUILD_STATUSES },
  platform: text(255),
  packer_run_uuid: text(64),
  labels: LABELS_INPUT_SCHEMA,
  source_external_identifier: text(1024),
  artifacts: { type: 'array', maxItems: 1000, items: ARTIFACT_INPUT },
  parent_version_id: text(64),
  parent_channel_id: text(64),
};

export const CREATE_BUILD_BODY = object(
  {
    component_type: { ...text(255, 1), description: 'the Packer build name, 1-255 chars' },
    ...BUILD_FIELDS,
  },
  ['component_type'],
);

export const UPDATE_BUILD_BODY = object({
  ...BUILD_FIELDS,
  metadata: { type: 'object', description: 'free-form build metadata (packer, vcs, cicd)' },
});

export const CREATE_CHANNEL_BODY = object(
  {
    name: NAME_SCHEMA,
    restricted: { type: 'boolean' },
    version_fingerprint: ASSIGN_FINGERPRINT_SCHEMA,
  },
  ['name'],
);

export const UPDATE_CHANNEL_BODY = object(
  {
    restricted: { type: 'boolean' },
    version_fingerprint: ASSIGN_FINGERPRINT_SCHEMA,
    update_mask: {
      type: 'string',
      maxLength: 200,
      description: 'versionFingerprint, restricted, or both comma-separated',
    },
  },
  ['update_mask'],
);

export const ASSIGN_CHANNEL_BODY = object(
  { source_channel: NAME_SCHEMA, target_channel: NAME_SCHEMA },
  ['source_channel', 'target_channel'],
);

export const SEARCH_EXTERNAL_ARTIFACT_BODY = object(
  {
    external_identifier: text(1024, 1),
    platform: text(255),
    region: text(255),
  },
  ['external_identifier'],
);
