/**
 * The HCP Packer registry API contract (2023-01-01, as Imprint's registry
 * serves it), written once with TypeBox: each schema is the JSON Schema the
 * registry validates, serialises and documents with, and its static type is
 * the type the client, the console and the registry use.
 *
 * @example
 * ```ts
 * import { Value } from '@sinclair/typebox/value';
 * import { RESPONSE_MODELS, Version } from '@imprint/client';
 *
 * Value.Check(Version, [...RESPONSE_MODELS], await response.json()); // true for a Version
 * ```
 */
export * from './enums';
export * from './patterns-and-limits';
export * from './models';
export * from './requests';
export * from './responses';
export * from './audit-event';
export * from './audit';
export * from './webhooks';
export { FreeObject, Model, ModelRef, Nullable, StringEnum, StringMap, Typed } from './kinds';
export type { StringMapOptions, TModel } from './kinds';
export * from './v2021';
