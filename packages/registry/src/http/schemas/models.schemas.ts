import { EmptyResponse, RESPONSE_MODELS, V2021_RESPONSE_MODELS } from '@imprint/client';

/*
 * Response schemas, derived from the contract's models (@imprint/client).
 * They are fastify's serialisation allow-list (fields not listed are not
 * sent) and become `components.schemas` in OpenAPI. Models are registered
 * once with `addSchema` and referenced as `{ $ref: 'Name#' }`.
 */

type Schema = Record<string, unknown>;

export function ref(id: string): { $ref: string } {
  return { $ref: id.endsWith('#') ? id : `${id}#` };
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

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The contract's `anyOf: [{$ref}, {type: 'null'}]` (its Nullable), as {@link nullable}. */
function asNullableRef(schema: Schema): Schema | undefined {
  const { anyOf, ...rest } = schema;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return undefined;
  const [target, other] = anyOf as unknown[];
  if (!isSchema(target) || typeof target['$ref'] !== 'string') return undefined;
  if (!isSchema(other) || other['type'] !== 'null') return undefined;
  return { ...rest, ...nullable(target['$ref']) };
}

/**
 * A contract schema as a response schema: plain JSON (TypeBox's symbols
 * dropped), references as `Name#`, nullable references as {@link nullable},
 * and no `required`: the wire treats every response field as optional, so a
 * missing field is left out rather than failing the response.
 */
export function responseSchema(schema: Schema): Schema {
  const asNullable = asNullableRef(schema);
  if (asNullable) return asNullable;
  const out: Schema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'required') continue;
    if (keyword === '$ref' && typeof value === 'string') {
      Object.assign(out, ref(value));
    } else if (keyword === 'properties' && isSchema(value)) {
      out[keyword] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, responseSchema(property as Schema)]),
      );
    } else if ((keyword === 'items' || keyword === 'additionalProperties') && isSchema(value)) {
      out[keyword] = responseSchema(value);
    } else if (keyword === 'anyOf' && Array.isArray(value)) {
      out[keyword] = value.map((branch) => responseSchema(branch as Schema));
    } else {
      out[keyword] = value;
    }
  }
  return out;
}

/**
 * Rewrites every `{ $ref, nullable: true }` of {@link nullable} in a route
 * schema into `anyOf: [{ $ref }, { type: 'null' }]` (OpenAPI 3.1 has no
 * `nullable` keyword, and @fastify/swagger drops it next to a `$ref`). For
 * the documentation only: returns a new object, the route schemas are untouched.
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

/**
 * The models' nullable references in an OpenAPI document built by
 * @fastify/swagger, which converts the registered models itself and loses
 * {@link nullable}: each becomes `anyOf: [{ $ref }, { type: 'null' }]` again,
 * read from {@link MODEL_SCHEMAS}. Mutates and returns `document`.
 */
export function openApiNullableModels<T extends { components?: { schemas?: object } }>(
  document: T,
): T {
  const components = (document.components?.schemas ?? {}) as Record<string, Schema | undefined>;
  for (const model of MODEL_SCHEMAS) {
    const documented = components[model['$id'] as string]?.['properties'] as Schema | undefined;
    const properties = (model['properties'] ?? {}) as Record<string, Schema>;
    for (const [name, property] of Object.entries(properties)) {
      if (documented && property['nullable'] === true && typeof property['$ref'] === 'string') {
        const target = `#/components/schemas/${property['$ref'].replace(/#$/, '')}`;
        documented[name] = { anyOf: [{ $ref: target }, { type: 'null' }] };
      }
    }
  }
  return document;
}

/** Every registered model, in the contract's order: 2023-01-01's, then 2021-04-30's. */
export const MODEL_SCHEMAS: readonly Schema[] = [...RESPONSE_MODELS, ...V2021_RESPONSE_MODELS].map(
  (model) => responseSchema(model as unknown as Schema),
);

/** Every response: the success body, and google.rpc.Status for errors. */
export function replies(ok: object, description?: string): Record<string, unknown> {
  const success = responseSchema(ok as Schema);
  return {
    200: description ? { ...success, description } : success,
    '4xx': ref('RpcStatus'),
    '5xx': ref('RpcStatus'),
  };
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
export const EMPTY_OBJECT = responseSchema(EmptyResponse);
