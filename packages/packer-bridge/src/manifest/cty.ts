import type { ConfigFieldDescription, DataSourceOutputType } from '@imprint/sdk';
import type { CtyType, ManifestField } from '../protocol/manifest';

/*
 * From the type strings `PluginSet.describe()` reports to go-cty types. The
 * HCL spec only has to let the values through to the plugin, whose own
 * parseConfig checks them: anything this does not recognise is `dynamic`.
 */

const SCALARS: Readonly<Record<string, CtyType>> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'bool',
};

/** A literal of an `isIn` union as describe() prints it: `"shell"`, `3`, `true`. */
function literalType(literal: string): CtyType | undefined {
  if (/^"(?:[^"\\]|\\.)*"$/.test(literal)) return 'string';
  if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(literal)) return 'number';
  if (literal === 'true' || literal === 'false') return 'bool';
  return undefined;
}

/** The cty type of a describe() type string (`string`, `"a" | "b"`, `integer[]`, `map(string)`, …). */
export function ctyOf(type: string): CtyType {
  const t = type.trim();
  const scalar = SCALARS[t];
  if (scalar !== undefined) return scalar;
  if (t.endsWith('[]')) {
    const element = t.slice(0, -2);
    // `a | b[]` is a union of a scalar and a list: not a list.
    if (!element.includes('|')) return ['list', ctyOf(element)];
  }
  const map = /^map\((.+)\)$/.exec(t);
  if (map) return ['map', ctyOf(map[1])];
  if (t.includes('|')) {
    const types = new Set(t.split('|').map((part) => literalType(part.trim())));
    if (types.size === 1) {
      const [only] = types;
      if (only !== undefined) return only;
    }
  }
  return 'dynamic';
}

/** A configuration field: an attribute, or a block for a nested config class (`object`, `object[]`). */
export function manifestField(field: ConfigFieldDescription): ManifestField {
  if (field.fields !== undefined && (field.type === 'object' || field.type === 'object[]')) {
    return {
      name: field.name,
      block: field.type === 'object' ? 'single' : 'list',
      fields: field.fields.map(manifestField),
    };
  }
  return { name: field.name, cty: ctyOf(field.type) };
}

/** Data source outputs: maps and lists may hold anything, so they are `dynamic`. */
export const OUTPUT_CTY: Readonly<Record<DataSourceOutputType, CtyType>> = {
  string: 'string',
  number: 'number',
  boolean: 'bool',
  map: 'dynamic',
  list: 'dynamic',
};
