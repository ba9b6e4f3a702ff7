import { getMetadataStorage } from 'class-validator';
import { ConfigSchemaError } from '../../errors/plugin.errors';
import type { ConfigClass } from './config-class';
import type { FieldRecord } from './field.decorator';
import { CONFIG_FIELDS_KEY } from './field.decorator';

/** One field of a compiled config schema. */
export interface ConfigFieldSchema {
  readonly property: string;
  readonly key: string;
  readonly doc: string;
  /** Type as shown to people: `string`, `string[]`, `integer`, `'a' | 'b'`, `object`, `object[]`. */
  readonly type: string;
  readonly required: boolean;
  /** The initial value of a new config instance, when there is one. */
  readonly defaultValue?: unknown;
  readonly nested?: { readonly schema: ConfigSchema; readonly list: boolean };
}

/** The checked, cached description of a config class. */
export interface ConfigSchema {
  readonly configClass: ConfigClass;
  readonly className: string;
  readonly fields: readonly ConfigFieldSchema[];
  readonly byKey: ReadonlyMap<string, ConfigFieldSchema>;
}

type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

const cache = new WeakMap<ConfigClass, ConfigSchema>();

const SCALAR_BY_VALIDATOR: Readonly<Record<string, string>> = {
  isString: 'string',
  isNotEmpty: 'string',
  matches: 'string',
  isInt: 'integer',
  isNumber: 'number',
  isPositive: 'number',
  isBoolean: 'boolean',
  isObject: 'object',
  isUrl: 'string',
  isIn: 'enum',
};

/**
 * Compiles a config class's `@Field` declarations (own and inherited) with
 * its class-validator rules into a schema: keys, types, required flags,
 * defaults. Done once per class.
 *
 * @throws {@link ConfigSchemaError} listing every inconsistency.
 */
export function compileConfigSchema(configClass: ConfigClass): ConfigSchema {
  let schema = cache.get(configClass);
  if (schema === undefined) {
    schema = build(configClass, new Set());
    cache.set(configClass, schema);
  }
  return schema;
}

function build(configClass: ConfigClass, visiting: Set<ConfigClass>): ConfigSchema {
  const className = configClass.name || 'anonymous config class';
  if (visiting.has(configClass)) {
    throw new ConfigSchemaError(className, ['the class contains itself through nested fields']);
  }
  visiting.add(configClass);
  const chain: object[] = [];
  for (
    let c: object | null = configClass;
    c !== null && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  )
    chain.unshift(c);
  const records = new Map<string, FieldRecord>();
  for (const cls of chain) {
    for (const record of (Reflect.getOwnMetadata(CONFIG_FIELDS_KEY, cls) as
      FieldRecord[] | undefined) ?? []) {
      records.set(record.property, record);
    }
  }

  const problems: string[] = [];
  let defaults: Record<string, unknown> = {};
  try {
    defaults = new configClass() as Record<string, unknown>;
  } catch (error) {
    problems.push(
      `constructing it without arguments failed (${(error as Error).message}); config classes take no constructor arguments`,
    );
  }
  const rules = getMetadataStorage().getTargetValidationMetadatas(configClass, '', true, false);
  const rulesByProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of rules) {
    const list = rulesByProperty.get(rule.propertyName) ?? [];
    list.push(rule);
    rulesByProperty.set(rule.propertyName, list);
  }
  for (const property of rulesByProperty.keys()) {
    if (!records.has(property)) {
      problems.push(
        `${className}.${property} has validation rules but no @Field({ doc }); add @Field so templates can set it`,
      );
    }
  }

  const fields: ConfigFieldSchema[] = [];
  const byKey = new Map<string, ConfigFieldSchema>();
  for (const { property, options } of records.values()) {
    const key = options.key ?? snakeCase(property);
    const propertyRules = rulesByProperty.get(property) ?? [];
    const optional = propertyRules.some((r) => r.name === 'isOptional');
    const defaultValue = defaults[property];
    let nested: ConfigFieldSchema['nested'];
    let type: string;
    if (typeof options.type === 'function') {
      nested = { schema: safeBuild(options.type, visiting, problems), list: false };
      type = 'object';
    } else if (Array.isArray(options.type) && typeof options.type[0] === 'function') {
      nested = { schema: safeBuild(options.type[0], visiting, problems), list: true };
      type = 'object[]';
    } else if (typeof options.type === 'string') {
      type = options.type;
    } else {
      type = typeFromRules(propertyRules);
    }
    const field: ConfigFieldSchema = {
      property,
      key,
      doc: options.doc,
      type,
      required: !optional && defaultValue === undefined,
      ...(defaultValue === undefined ? {} : { defaultValue }),
      ...(nested ? { nested } : {}),
    };
    const clash = byKey.get(key);
    if (clash)
      problems.push(
        `${className}.${clash.property} and ${className}.${property} both use the key '${key}'; set a distinct @Field({ key })`,
      );
    byKey.set(key, field);
    fields.push(field);
  }
  visiting.delete(configClass);
  if (problems.length > 0) throw new ConfigSchemaError(className, problems);
  return Object.freeze({ configClass, className, fields: Object.freeze(fields), byKey });
}

function safeBuild(
  configClass: ConfigClass,
  visiting: Set<ConfigClass>,
  problems: string[],
): ConfigSchema {
  const cached = cache.get(configClass);
  if (cached) return cached;
  try {
    const schema = build(configClass, visiting);
    cache.set(configClass, schema);
    return schema;
  } catch (error) {
    if (!(error instanceof ConfigSchemaError)) throw error;
    problems.push(...error.problems.map((p) => `in nested ${error.configClass}: ${p}`));
    return { configClass, className: configClass.name, fields: [], byKey: new Map() };
  }
}

function typeFromRules(rules: readonly ValidationMetadata[]): string {
  const scalar = (each: boolean): string | undefined => {
    for (const rule of rules) {
      // class-validator stores `each: undefined` when options omit it.
      if (Boolean(rule.each) !== each || rule.name === undefined) continue;
      if (rule.name === 'isIn' && Array.isArray(rule.constraints?.[0])) {
        return (rule.constraints[0] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
      }
      const type = SCALAR_BY_VALIDATOR[rule.name];
      if (type) return type;
    }
    return undefined;
  };
  const element = scalar(true);
  if (element !== undefined || rules.some((r) => r.name === 'isArray'))
    return `${element ?? 'any'}[]`;
  return scalar(false) ?? 'any';
}

/** `amiRegions` → `ami_regions`; `sourceAMI` → `source_ami`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
