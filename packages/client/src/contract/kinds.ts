import {
  FormatRegistry,
  Kind,
  Type,
  TypeRegistry,
  type ObjectOptions,
  type SchemaOptions,
  type Static,
  type TNull,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnion,
  type TUnsafe,
} from '@sinclair/typebox';

/*
 * The few schema forms TypeBox's own kinds cannot write the way the wire
 * needs them. Each is written out as plain JSON Schema (exactly what the
 * registry validates and serialises with, and what OpenAPI shows) and given a
 * TypeBox kind with a checker, so `Value.Check` and `TypeCompiler` accept it:
 *
 * - an enum is `{type: 'string', enum: [...]}`: ajv's `enum` error lists the
 *   allowed values (Type.Union of literals would fail as an opaque `anyOf`);
 * - a string map is `additionalProperties: {type: 'string'}` (Type.Record
 *   writes a `patternProperties` regex);
 * - free-form metadata is `{type: 'object'}` (Type.Object always lists
 *   `properties`).
 */

const STRING_ENUM = 'Imprint:StringEnum';
const STRING_MAP = 'Imprint:StringMap';
const FREE_OBJECT = 'Imprint:FreeObject';

type Bounds = { minLength?: number; maxLength?: number } | undefined;

function withinBounds(text: string, bounds: Bounds): boolean {
  return (
    (bounds?.minLength === undefined || text.length >= bounds.minLength) &&
    (bounds?.maxLength === undefined || text.length <= bounds.maxLength)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

TypeRegistry.Set<{ enum: readonly string[] }>(STRING_ENUM, (schema, value) =>
  schema.enum.includes(value as string),
);

TypeRegistry.Set<{
  maxProperties?: number;
  propertyNames?: Bounds;
  additionalProperties: Bounds;
}>(STRING_MAP, (schema, value) => {
  if (!isPlainObject(value)) return false;
  const entries = Object.entries(value);
  if (schema.maxProperties !== undefined && entries.length > schema.maxProperties) return false;
  return entries.every(
    ([key, item]) =>
      typeof item === 'string' &&
      withinBounds(key, schema.propertyNames) &&
      withinBounds(item, schema.additionalProperties),
  );
});

TypeRegistry.Set(FREE_OBJECT, (_schema, value) => isPlainObject(value));

/** RFC 3339 date-time, the `format` of every timestamp (TypeBox checks no format it does not know). */
const DATE_TIME = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/;
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set(
    'date-time',
    (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)),
  );
}

/** `{type: 'string', enum: values}`; its static type is the union of `values`. */
export function StringEnum<const Values extends readonly string[]>(
  values: Values,
  options: SchemaOptions = {},
): TUnsafe<Values[number]> {
  return Type.Unsafe<Values[number]>({
    ...options,
    [Kind]: STRING_ENUM,
    type: 'string',
    enum: [...values],
  });
}

/** Options of {@link StringMap}: limits on the number of entries, the keys and the values. */
export interface StringMapOptions extends SchemaOptions {
  readonly maxProperties?: number;
  readonly keys?: { readonly minLength: number; readonly maxLength: number };
  readonly values?: { readonly maxLength: number };
}

/** A map of strings (`labels`): `{type: 'object', additionalProperties: {type: 'string'}}`. */
export function StringMap(options: StringMapOptions = {}): TUnsafe<Record<string, string>> {
  const { keys, values, maxProperties, ...rest } = options;
  return Type.Unsafe<Record<string, string>>({
    [Kind]: STRING_MAP,
    type: 'object',
    ...(maxProperties !== undefined ? { maxProperties } : {}),
    ...(keys ? { propertyNames: { type: 'string', ...keys } } : {}),
    additionalProperties: { type: 'string', ...values },
    ...rest,
  });
}

/** Any JSON object (free-form metadata), typed as `Shape`. */
export function FreeObject<Shape extends object>(options: SchemaOptions = {}): TUnsafe<Shape> {
  return Type.Unsafe<Shape>({ [Kind]: FREE_OBJECT, type: 'object', ...options });
}

/** A schema with an `$id`: a model the registry registers once and references. */
export type TModel = TSchema & { $id: string };

/** An object schema with an `$id` (a {@link TModel}). */
export function Model<Properties extends TProperties>(
  properties: Properties,
  options: ObjectOptions & { $id: string },
): TObject<Properties> & { $id: string } {
  return Type.Object(properties, options) as TObject<Properties> & { $id: string };
}

/** `{$ref: model.$id}`, typed as the model. */
export function ModelRef<Model extends TModel>(model: Model): TUnsafe<Static<Model>> {
  return Type.Unsafe<Static<Model>>(Type.Ref(model.$id));
}

/**
 * A model or `null`: `anyOf: [{$ref}, {type: 'null'}]`, the OpenAPI 3.1 form.
 * (The registry serialises it as `$ref` + `nullable`, which is faster.)
 */
export function Nullable<Model extends TModel>(
  model: Model,
): TUnion<[TUnsafe<Static<Model>>, TNull]> {
  return Type.Union([ModelRef(model), Type.Null()]);
}

/** A schema whose JSON stays as written but whose static type is `T` (e.g. `'ORGANIZATION'` for a plain string). */
export function Typed<T>(schema: TSchema): TUnsafe<T> {
  return Type.Unsafe<T>(schema);
}
