import type { ErrorObject } from 'ajv';
import { escapePointer } from './json-lines';

// How ajv's errors on the template schema become a pointer and a sentence.

// oneOf failures on `build` produce one error per branch; keep the most specific.
export function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'propertyNames');
  const list = specific.length > 0 ? specific : errors;
  const deepest = Math.max(...list.map((e) => errorPointer(e).length));
  const build = list.filter((e) => errorPointer(e).startsWith('/build'));
  if (build.length === list.length && build.length > 1) {
    return list.filter((e) => errorPointer(e).length === deepest).slice(0, 1);
  }
  return list;
}

export function errorPointer(error: ErrorObject): string {
  if (error.propertyName !== undefined) {
    return `${error.instancePath}/${escapePointer(error.propertyName)}`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${error.instancePath}/${escapePointer(String(error.params.additionalProperty))}`;
  }
  if (error.keyword === 'required') {
    return error.instancePath;
  }
  if (error.keyword === 'propertyNames') {
    return `${error.instancePath}/${escapePointer(String(error.params.propertyName))}`;
  }
  return error.instancePath;
}

export function describeSchemaError(error: ErrorObject): string {
  if (error.propertyName !== undefined) {
    return `invalid name '${error.propertyName}'${
      error.instancePath === '/sources'
        ? ' (source keys are "<type>.<name>", e.g. "docker-like.base")'
        : ` (${error.message ?? error.keyword})`
    }`;
  }
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field '${String(error.params.additionalProperty)}'`;
    case 'required':
      return `missing required field '${String(error.params.missingProperty)}'`;
    case 'propertyNames':
      return `invalid name '${String(error.params.propertyName)}'${
        error.instancePath === '/sources'
          ? ' (source keys are "<type>.<name>", e.g. "docker-like.base")'
          : ''
      }`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? error.keyword;
  }
}
