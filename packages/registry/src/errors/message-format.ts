/*
 * How error messages show values; the message templates of
 * registry-error-table.ts use these so every message quotes the same way.
 */

/** `value` as a JSON string literal, the way error messages quote names and ids. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** A short description of a value a caller sent (`"abc"`, `an array`, `number 5`). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
