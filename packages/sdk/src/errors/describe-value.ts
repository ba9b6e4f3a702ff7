/** A short, human description of a value's type, for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object';
  return name === 'Object' ? 'object' : `${name} object`;
}

/** The value itself, shortened, as it should appear in an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
  } catch {
    return describeType(value);
  }
}

/** Type and value together, e.g. `number 42`, `string "ami-1"`, `null`. */
export function describeTypedValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const type = describeType(value);
  const shown = describeValue(value);
  return shown === type ? type : `${type} ${shown}`;
}
