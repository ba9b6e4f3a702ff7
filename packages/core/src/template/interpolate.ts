import type { TemplateError } from '../errors';
import { UnknownVariableError } from '../errors';
import { escapePointer } from './json-lines';

const VAR_REF = /\$\{\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}/g;
const WHOLE_VAR_REF = /^\$\{\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}$/;

type At = (pointer: string) => { file: string; line?: number; field: string };

/** Replaces `${var.x}` references; an unknown variable is reported and its reference left as is. */
export function interpolateValue(
  value: unknown,
  pointer: string,
  variables: Record<string, unknown>,
  at: At,
  report: (problem: TemplateError) => void,
): unknown {
  if (typeof value === 'string') {
    const lookup = (name: string, text: string): unknown => {
      if (!Object.hasOwn(variables, name)) {
        report(
          new UnknownVariableError(
            at(pointer),
            `unknown variable 'var.${name}'${Object.keys(variables).length > 0 ? ` (declared: ${Object.keys(variables).join(', ')})` : '; declare it under "variables"'}`,
          ),
        );
        return text;
      }
      return variables[name];
    };
    const whole = WHOLE_VAR_REF.exec(value);
    if (whole) return lookup(whole[1], value);
    return value.replace(VAR_REF, (m, name: string) => {
      const v = lookup(name, m);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => interpolateValue(v, `${pointer}/${i}`, variables, at, report));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = interpolateValue(v, `${pointer}/${escapePointer(k)}`, variables, at, report);
    }
    return out;
  }
  return value;
}
