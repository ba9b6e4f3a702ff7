import { UnsafeKeyError } from '../errors/sdk.errors';

/**
 * Keys that reach an object's prototype when assigned (`obj[key] = …`):
 * refused wherever user input becomes object keys (labels, metadata, plugin
 * config, templates, request bodies). The one list every package uses.
 */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for a key in {@link UNSAFE_KEYS}. */
export function isUnsafeKey(key: string): boolean {
  return UNSAFE_KEYS.has(key);
}

/** Throws {@link UnsafeKeyError} for keys that could reach an object's prototype. */
export function assertSafeKey(key: string, position: string): void {
  if (isUnsafeKey(key)) throw new UnsafeKeyError(position, key);
}

/** True for plain objects (`{}` literals, `Object.create(null)`, class instances), false for Map, Date, arrays, … */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.prototype.toString.call(value) === '[object Object]'
  );
}

/** Entries of a `Map` or a plain object, or `undefined` when `value` is neither. */
export function mapEntries(value: unknown): [unknown, unknown][] | undefined {
  if (value instanceof Map) return [...value.entries()];
  if (isPlainRecord(value)) return Object.entries(value);
  return undefined;
}
