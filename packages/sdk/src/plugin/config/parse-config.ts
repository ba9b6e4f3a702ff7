import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ValidationError } from 'class-validator';
import { closest, distance } from 'fastest-levenshtein';
import { describeTypedValue, describeValue } from '../../errors/describe-value';
import type { ConfigProblem } from '../../errors/plugin.errors';
import { ConfigError } from '../../errors/plugin.errors';
import { isPlainRecord, isUnsafeKey } from '../../image/unsafe-keys';
import type { ComponentLocation } from '../build-context';
import type { ConfigClass } from './config-class';
import type { ConfigSchema } from './config-schema.builder';
import { compileConfigSchema } from './config-schema.builder';

/**
 * Turns raw configuration (from a template) into an instance of the config
 * class, with class-transformer, and validates it with its class-validator
 * rules. Unknown keys are errors naming the closest known key; every problem
 * is reported at once.
 *
 * @example
 * ```ts
 * const config = parseConfig(AwsLikeConfig, { regoin: 'x' }, { kind: 'source', component: 'aws-like', name: 'base' });
 * // ConfigError: unknown field 'regoin' in aws-like source 'base': did you mean 'region'?
 * ```
 * @throws {@link ConfigError} listing every problem.
 */
export function parseConfig<C extends object>(
  configClass: ConfigClass<C>,
  raw: unknown,
  location: ComponentLocation,
): C {
  const problems: ConfigProblem[] = [];
  const config = parseBlock(compileConfigSchema(configClass), raw, '', problems);
  if (problems.length > 0 || config === undefined) throw new ConfigError(location, problems);
  return config as C;
}

function parseBlock(
  schema: ConfigSchema,
  raw: unknown,
  path: string,
  problems: ConfigProblem[],
): object | undefined {
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  const block = raw === undefined || raw === null ? {} : raw;
  if (!isPlainRecord(block)) {
    problems.push({
      path: path === '' ? '(root)' : path,
      kind: 'invalid',
      message: `must be an object of settings, got ${describeTypedValue(block)}`,
    });
    return undefined;
  }
  const plain: Record<string, unknown> = {};
  // A supplied but invalid value is reported as invalid, not also as missing.
  const supplied = new Set<string>();
  const nested: [string, unknown][] = [];
  for (const key of Object.keys(block)) {
    const field = isUnsafeKey(key) ? undefined : schema.byKey.get(key);
    if (field === undefined) {
      problems.push({ path: at(key), kind: 'unknown', ...suggestionFor(key, schema) });
      continue;
    }
    const value = block[key];
    if (value === undefined || value === null) continue;
    supplied.add(field.property);
    if (field.nested === undefined) {
      const unsafe = findUnsafeKey(value, at(key));
      if (unsafe !== undefined) {
        problems.push({
          path: unsafe,
          kind: 'invalid',
          message: "keys '__proto__', 'constructor' and 'prototype' are not allowed",
        });
        continue;
      }
      plain[field.property] = value;
    } else if (!field.nested.list) {
      nested.push([field.property, parseBlock(field.nested.schema, value, at(key), problems)]);
    } else if (!Array.isArray(value)) {
      problems.push({
        path: at(key),
        kind: 'invalid',
        message: `must be a list of blocks, got ${describeTypedValue(value)}`,
      });
    } else {
      const schemaOfItems = field.nested.schema;
      nested.push([
        field.property,
        value.map((item, i) => parseBlock(schemaOfItems, item, `${at(key)}[${i}]`, problems)),
      ]);
    }
  }

  const instance = plainToInstance(schema.configClass, plain) as Record<string, unknown>;
  for (const [property, value] of nested) instance[property] = value;

  const missing = new Set<string>();
  for (const field of schema.fields) {
    if (field.required && instance[field.property] === undefined && !supplied.has(field.property)) {
      missing.add(field.property);
      problems.push({ path: at(field.key), kind: 'missing', message: field.doc });
    }
  }
  const fieldByProperty = new Map(schema.fields.map((f) => [f.property, f]));
  for (const error of validateSync(instance, { forbidUnknownValues: false })) {
    if (missing.has(error.property)) continue;
    const field = fieldByProperty.get(error.property);
    if (field?.nested) continue;
    problems.push({
      path: at(field?.key ?? error.property),
      kind: 'invalid',
      message: messageOf(error),
    });
  }
  return instance;
}

function messageOf(error: ValidationError): string {
  const messages = Object.values(error.constraints ?? {}).map((m) =>
    m.startsWith(`${error.property} `) ? m.slice(error.property.length + 1) : m,
  );
  return `${messages.join('; ')} (got ${describeValue(error.value)})`;
}

function suggestionFor(
  key: string,
  schema: ConfigSchema,
): { suggestion?: string; message?: string } {
  const keys = [...schema.byKey.keys()];
  if (isUnsafeKey(key)) return { message: 'this key is not allowed' };
  if (keys.length === 0) return { message: 'this block takes no settings' };
  const candidate = closest(key.toLowerCase(), keys);
  const limit = Math.max(2, Math.floor(key.length / 3));
  if (distance(key.toLowerCase(), candidate) <= limit) return { suggestion: candidate };
  return { message: `known fields are ${keys.map((k) => `'${k}'`).join(', ')}` };
}

// Map-valued fields are copied by class-transformer; refuse keys that would
// reach a prototype anywhere inside them.
function findUnsafeKey(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnsafeKey(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isPlainRecord(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (isUnsafeKey(key)) return `${path}.${key}`;
    const found = findUnsafeKey(value[key], `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
