import { escapePointer } from '../template/json-lines';

/*
 * `${data.<type>.<name>.<output>}` references (HCL2's `data.<type>.<name>.<output>`
 * arrives in this form from hcl2json). Types may hold dots, so the last two
 * segments are the name and the output.
 */
const DATA_REF =
  /\$\{\s*data\.([a-z0-9][a-z0-9._-]*)\.([A-Za-z0-9_-]+)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;
const WHOLE_DATA_REF =
  /^\$\{\s*data\.([a-z0-9][a-z0-9._-]*)\.([A-Za-z0-9_-]+)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}$/;

/** One reference to a data source's output, where it was found. */
export interface DataReference {
  /** `<type>.<name>` of the data block referenced. */
  readonly block: string;
  readonly output: string;
  /** JSON pointer of the value holding it (template form, e.g. `/sources/plain.a/source_image`). */
  readonly pointer: string;
  /** `true` when the reference is the whole value (any type fits), `false` inside a longer string. */
  readonly whole: boolean;
}

/** Values of executed (or mocked) data blocks: `<type>.<name>` → output → value. */
export type DataValues = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

/** How a reference is written in a message: `data.imprint-artifact.base.id`. */
export function referenceText(ref: Pick<DataReference, 'block' | 'output'>): string {
  return `data.${ref.block}.${ref.output}`;
}

/** Every data reference in `value`, with the pointer of the string holding it. */
export function collectDataRefs(
  value: unknown,
  pointer: string,
  out: DataReference[] = [],
): DataReference[] {
  if (typeof value === 'string') {
    const whole = WHOLE_DATA_REF.test(value);
    for (const m of value.matchAll(DATA_REF)) {
      out.push({ block: `${m[1]}.${m[2]}`, output: m[3], pointer, whole });
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => collectDataRefs(v, `${pointer}/${i}`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value))
      collectDataRefs(v, `${pointer}/${escapePointer(k)}`, out);
  }
  return out;
}

/**
 * `value` with every reference whose block is in `values` replaced: a whole-value
 * reference takes the output as it is (a map stays a map), one inside a longer
 * string its text. References to blocks not in `values` are left as they are.
 */
export function substituteData<T>(value: T, values: DataValues): T {
  return substitute(value, values) as T;
}

function substitute(value: unknown, values: DataValues): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_DATA_REF.exec(value);
    if (whole) {
      const outputs = values.get(`${whole[1]}.${whole[2]}`);
      return outputs && Object.hasOwn(outputs, whole[3]) ? outputs[whole[3]] : value;
    }
    return value.replace(DATA_REF, (text, type: string, name: string, output: string) => {
      const outputs = values.get(`${type}.${name}`);
      if (!outputs || !Object.hasOwn(outputs, output)) return text;
      const v = outputs[output];
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, values);
    return out;
  }
  return value;
}
