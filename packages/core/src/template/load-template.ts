import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isUnsafeKey } from '@imprint/sdk';
import {
  TemplateError,
  TemplateInvalidError,
  TemplateSyntaxError,
  TemplateVariableError,
  UnknownPluginError,
  UnknownSourceError,
} from '../errors';
import type { DataReference } from '../data/data-refs';
import { collectDataRefs } from '../data/data-refs';
import { orderDataBlocks } from './data-blocks';
import { interpolateValue } from './interpolate';
import {
  jsonPointerLines,
  escapePointer,
  lineAtOffset,
  lineOf,
  pointerToField,
} from './json-lines';
import { validateTemplateSchema } from './generated-validators';
import { hclToRawTemplate, isHclTemplate } from './hcl';
import { registryBlockProblems } from './registry-block';
import { describeSchemaError, errorPointer, relevantErrors } from './schema-errors';
import type {
  BuildBlock,
  DataDefinition,
  PostProcessorDefinition,
  RegistryBlock,
  SourceDefinition,
  Template,
  VariableOptions,
  VariableType,
} from './template';

/** Path of the published JSON Schema of templates. */
export const TEMPLATE_SCHEMA_PATH = join(__dirname, '..', '..', 'schema', 'template.schema.json');

/**
 * Reads, validates and resolves a template: JSON (`*.pkr.json`) or HCL2 (`*.pkr.hcl`,
 * parsed with `@cdktf/hcl2json` and mapped onto the JSON form).
 *
 * @example
 * ```ts
 * const template = await loadTemplate('app.pkr.json', { vars: { tag: '1.0' } });
 * ```
 * @throws {@link TemplateSyntaxError}, {@link TemplateInvalidError},
 *   {@link UnknownVariableError}, {@link TemplateVariableError},
 *   {@link UnknownSourceError}, {@link UnknownPluginError}: each names the file, line and field.
 *   Every problem found is reported at once: the error is the first one (in line order), and its
 *   message lists the others below it, one `  - file:line (field): problem` line each. The
 *   `registry` block is checked with the registry's own rules (the API contract's schemas).
 */
export async function loadTemplate(file: string, options: VariableOptions = {}): Promise<Template> {
  const path = resolve(file);
  const text = await readFile(path, 'utf8');
  return parseTemplate(text, path, options);
}

/** Like {@link loadTemplate}, from text already read (`file` is used in messages and as the base directory). */
export async function parseTemplate(
  text: string,
  file: string,
  options: VariableOptions = {},
): Promise<Template> {
  const path = resolve(file);
  let raw: unknown;
  let lines: Map<string, number>;
  if (isHclTemplate(path)) {
    ({ raw, lines } = await hclToRawTemplate(text, path));
  } else {
    raw = parseJson(text, path);
    lines = jsonPointerLines(text);
  }
  const at = (pointer: string) => {
    const line = lineOf(lines, pointer);
    return { file: path, ...(line === undefined ? {} : { line }), field: pointerToField(pointer) };
  };
  rejectUnsafeKeys(raw, '', at);

  const problems: TemplateError[] = [];
  const validate = validateTemplateSchema;
  if (!validate(raw)) {
    const errors = relevantErrors(validate.errors ?? []);
    for (const e of errors) {
      problems.push(new TemplateInvalidError(at(errorPointer(e)), describeSchemaError(e)));
    }
    const registry = (raw as { registry?: unknown }).registry;
    problems.push(...registryBlockProblems(registry, at, errors.map(errorPointer)));
    throw allProblems(problems);
  }
  const doc = raw as RawTemplate;
  let variables: Record<string, unknown> | undefined;
  try {
    variables = resolveVariables(doc, path, options, at);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    problems.push(error);
  }
  // Without resolved variables, references are left as they are (their problem is reported).
  // Data references are kept (resolved at run time) and collected where variables may appear.
  const dataRefs: DataReference[] = [];
  const interpolate = <T>(value: T, pointer: string): T => {
    const result =
      variables === undefined
        ? value
        : (interpolateValue(value, pointer, variables, at, (e) => problems.push(e)) as T);
    collectDataRefs(result, pointer, dataRefs);
    return result;
  };

  const dataBlocks = Object.entries(doc.data ?? {}).map(([key, config]): DataDefinition => {
    const dot = key.lastIndexOf('.');
    const pointer = `/data/${escapePointer(key)}`;
    const line = lineOf(lines, pointer);
    return {
      key,
      type: key.slice(0, dot),
      name: key.slice(dot + 1),
      config: interpolate(config, pointer),
      ...(line === undefined ? {} : { line }),
    };
  });

  const requiredPlugins = doc.required_plugins ?? {};
  const sources = new Map<string, SourceDefinition>();
  for (const [key, config] of Object.entries(doc.sources)) {
    const dot = key.lastIndexOf('.');
    const type = key.slice(0, dot);
    const pointer = `/sources/${escapePointer(key)}`;
    if (!Object.hasOwn(requiredPlugins, type)) {
      problems.push(
        new UnknownPluginError(
          at(pointer),
          `source type '${type}' has no entry in required_plugins; add "required_plugins": { "${type}": "<npm package>" }`,
        ),
      );
    }
    const line = lineOf(lines, pointer);
    sources.set(key, {
      key,
      type,
      name: key.slice(dot + 1),
      config: interpolate(config, pointer),
      ...(line === undefined ? {} : { line }),
    });
  }

  const rawBuilds = Array.isArray(doc.build) ? doc.build : [doc.build];
  const buildPointer = (i: number) => (Array.isArray(doc.build) ? `/build/${i}` : '/build');
  const builds: BuildBlock[] = rawBuilds.map((block, i) => {
    const base = buildPointer(i);
    block.sources.forEach((ref, j) => {
      if (!sources.has(ref)) {
        const known = [...sources.keys()].join(', ');
        problems.push(
          new UnknownSourceError(
            at(`${base}/sources/${j}`),
            `build references source '${ref}', which is not defined in "sources" (defined: ${known})`,
          ),
        );
      }
    });
    const chains = (block.post_processors ?? []).map((chain, c) =>
      chain.map((entry, p): PostProcessorDefinition => {
        const pointer = `${base}/post_processors/${c}/${p}`;
        const { type, name, ...config } = entry;
        if (!Object.hasOwn(requiredPlugins, type)) {
          problems.push(
            new UnknownPluginError(
              at(`${pointer}/type`),
              `post-processor type '${type}' has no entry in required_plugins; add "required_plugins": { "${type}": "<npm package>" }`,
            ),
          );
        }
        const line = lineOf(lines, pointer);
        return {
          type,
          ...(name === undefined ? {} : { name: interpolate(name, `${pointer}/name`) }),
          config: interpolate(config, pointer),
          ...(line === undefined ? {} : { line }),
          field: pointerToField(pointer),
        };
      }),
    );
    return {
      ...(block.name === undefined ? {} : { name: interpolate(block.name, `${base}/name`) }),
      sources: [...block.sources],
      postProcessors: chains,
    };
  });

  let registry: RegistryBlock | undefined;
  if (doc.registry !== undefined) {
    const r = interpolate(doc.registry, '/registry');
    problems.push(...registryBlockProblems(r, at));
    registry = {
      bucketName: r.bucket_name,
      ...(r.description === undefined ? {} : { description: r.description }),
      bucketLabels: r.bucket_labels ?? {},
      buildLabels: r.build_labels ?? {},
      channels: r.channels ?? [],
    };
  }

  const ordered = orderDataBlocks(dataBlocks, dataRefs, requiredPlugins, at);
  problems.push(...ordered.problems);
  if (problems.length > 0) throw allProblems(problems);
  return {
    file: path,
    dir: dirname(path),
    templateType: isHclTemplate(path) ? 'HCL2' : 'JSON',
    requiredPlugins,
    variables: variables ?? {},
    data: ordered.data,
    dataReferences: dataRefs.map(({ pointer, ...ref }) => ({ ...ref, ...at(pointer) })),
    sources,
    builds,
    ...(registry === undefined ? {} : { registry }),
  };
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message);
    const lineMatch = /line (\d+)/.exec(message);
    const line = lineMatch
      ? Number(lineMatch[1])
      : offset
        ? lineAtOffset(text, Number(offset[1]))
        : undefined;
    throw new TemplateSyntaxError(
      { file: path, ...(line === undefined ? {} : { line }) },
      `not valid JSON: ${message}`,
      { cause: error },
    );
  }
}

interface RawTemplate {
  required_plugins?: Record<string, string>;
  variables?: Record<string, { default?: unknown; type?: VariableType; description?: string }>;
  data?: Record<string, Record<string, unknown>>;
  sources: Record<string, Record<string, unknown>>;
  build: RawBuild | RawBuild[];
  registry?: {
    bucket_name: string;
    description?: string;
    bucket_labels?: Record<string, string>;
    build_labels?: Record<string, string>;
    channels?: string[];
  };
}

interface RawBuild {
  name?: string;
  sources: string[];
  post_processors?: ({ type: string; name?: string } & Record<string, unknown>)[][];
}

type At = (pointer: string) => { file: string; line?: number; field: string };

/**
 * One error for every problem: the first in line order, its message followed by
 * the others' (each already `file:line (field): problem`).
 */
function allProblems(problems: readonly TemplateError[]): TemplateError {
  const sorted = [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const [first, ...rest] = sorted;
  if (rest.length > 0) {
    first.message += `\n${rest.map((e) => `  - ${e.message}`).join('\n')}`;
  }
  return first;
}

function rejectUnsafeKeys(value: unknown, pointer: string, at: At): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => rejectUnsafeKeys(v, `${pointer}/${i}`, at));
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      const child = `${pointer}/${escapePointer(key)}`;
      if (isUnsafeKey(key)) {
        throw new TemplateInvalidError(at(child), `the key '${key}' is not allowed`);
      }
      rejectUnsafeKeys((value as Record<string, unknown>)[key], child, at);
    }
  }
}

function resolveVariables(
  doc: RawTemplate,
  file: string,
  options: VariableOptions,
  at: At,
): Record<string, unknown> {
  const declared = doc.variables ?? {};
  const values = new Map<string, unknown>();
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.default !== undefined) values.set(name, spec.default);
  }
  const env = options.env ?? process.env;
  for (const name of Object.keys(declared)) {
    const fromEnv = env[`IMPRINT_VAR_${name}`];
    if (fromEnv !== undefined) {
      values.set(name, convert(fromEnv, declared[name].type, name, `IMPRINT_VAR_${name}`, file));
    }
  }
  const override = (
    name: string,
    value: unknown,
    origin: string,
    location: { file: string; line?: number },
  ) => {
    if (!Object.hasOwn(declared, name)) {
      throw new TemplateVariableError(
        { ...location, field: name },
        `${origin} sets variable '${name}', which the template does not declare (declared: ${Object.keys(declared).join(', ') || 'none'})`,
      );
    }
    values.set(name, convert(value, declared[name].type, name, origin, file));
  };
  for (const varFile of options.varFiles ?? []) {
    const varPath = resolve(varFile);
    let text: string;
    try {
      text = readFileSync(varPath, 'utf8');
    } catch (error) {
      throw new TemplateVariableError(
        { file: varPath },
        `cannot read the var file: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new TemplateSyntaxError(
        { file: varPath },
        `var file is not valid JSON: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TemplateVariableError(
        { file: varPath, line: 1 },
        'a var file holds one JSON object of name → value',
      );
    }
    const varLines = jsonPointerLines(text);
    for (const [name, value] of Object.entries(parsed)) {
      const line = varLines.get(`/${escapePointer(name)}`);
      override(name, value, `var file ${varPath}`, {
        file: varPath,
        ...(line === undefined ? {} : { line }),
      });
    }
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) {
    override(name, value, 'vars option', { file });
  }
  const result: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(declared)) {
    if (!values.has(name)) {
      throw new TemplateVariableError(
        at(`/variables/${escapePointer(name)}`),
        `variable '${name}' has no default and no value; set it with vars, a var file or IMPRINT_VAR_${name}`,
      );
    }
    const value = values.get(name);
    if (spec.type !== undefined && !hasType(value, spec.type)) {
      throw new TemplateVariableError(
        at(`/variables/${escapePointer(name)}`),
        `variable '${name}' is declared as ${spec.type} but its value is ${JSON.stringify(value)}`,
      );
    }
    result[name] = value;
  }
  return result;
}

function convert(
  value: unknown,
  type: VariableType | undefined,
  name: string,
  origin: string,
  file: string,
): unknown {
  if (typeof value !== 'string' || type === undefined || type === 'string') return value;
  if (type === 'number' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (type === 'bool' && (value === 'true' || value === 'false')) return value === 'true';
  if (type === 'list' || type === 'map') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      // reported below
    }
  }
  throw new TemplateVariableError(
    { file, field: name },
    `${origin}: '${value}' is not a ${type} (variable '${name}')`,
  );
}

function hasType(value: unknown, type: VariableType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}
