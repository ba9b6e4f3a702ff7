import type { ErrorObject } from 'ajv';
import { TemplateInvalidError } from '../errors';
import { registryFieldValidator, type RegistryField } from './generated-validators';
import { escapePointer, pointerToField } from './json-lines';
import type { Template } from './template';

/*
 * The `registry` block checked with the registry's own rules: each field is
 * validated against the schema of the request body it becomes (the API
 * contract of `@imprint/client`), so a template `validate` accepts is one the
 * registry accepts too.
 */

/** How a problem names each field of the block (its rule: the contract schema, in generated/). */
const FIELD_NAMES: Record<RegistryField, string> = {
  bucket_name: 'bucket name',
  description: 'bucket description',
  bucket_labels: 'bucket label',
  build_labels: 'build label',
  channels: 'channel name',
};

type At = (pointer: string) => { file: string; line?: number; field: string };

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const short = text.length > 40 ? `${text.slice(0, 40)}… (${text.length} characters)` : text;
  return typeof value === 'string' ? `'${short}'` : short;
}

function describe(error: ErrorObject, as: string): string {
  const key = error.propertyName ?? (error.params as { propertyName?: string }).propertyName;
  const what =
    key === undefined
      ? `${shown(error.data)} is not a valid ${as}`
      : `label key ${shown(key)} is not valid`;
  const expected = (error.parentSchema as { description?: string } | undefined)?.description;
  const rule =
    error.keyword === 'pattern' && expected
      ? `expected ${expected}`
      : (error.message ?? error.keyword);
  return `${what} for the registry: ${rule}`;
}

function pointerOf(error: ErrorObject, base: string): string {
  const name = error.propertyName ?? (error.params as { propertyName?: string }).propertyName;
  return name === undefined
    ? `${base}${error.instancePath}`
    : `${base}${error.instancePath}/${escapePointer(name)}`;
}

/**
 * Problems of `registry` (the block after variable interpolation) by the
 * registry's rules, one {@link TemplateInvalidError} per problem. Fields under
 * a pointer in `skip` (already reported by the template schema) and values
 * that still hold a `${…}` reference are not checked.
 */
export function registryBlockProblems(
  registry: unknown,
  at: At,
  skip: readonly string[] = [],
): TemplateInvalidError[] {
  if (typeof registry !== 'object' || registry === null || Array.isArray(registry)) return [];
  const problems: TemplateInvalidError[] = [];
  for (const field of Object.keys(FIELD_NAMES) as RegistryField[]) {
    if (!Object.hasOwn(registry, field)) continue;
    const validate = registryFieldValidator(field);
    const base = `/registry/${field}`;
    if (skip.some((p) => p === base || p.startsWith(`${base}/`) || base.startsWith(`${p}/`))) {
      continue;
    }
    const value = (registry as Record<string, unknown>)[field];
    if (JSON.stringify(value)?.includes('${')) continue;
    if (validate(value)) continue;
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      // ajv adds a generic `propertyNames` error after the specific one of the key.
      if (error.keyword === 'propertyNames') continue;
      const pointer = pointerOf(error, base);
      const problem = describe(error, FIELD_NAMES[field]);
      if (seen.has(`${pointer} ${problem}`)) continue;
      seen.add(`${pointer} ${problem}`);
      problems.push(new TemplateInvalidError(at(pointer), problem));
    }
  }
  return problems;
}

/**
 * The `registry` block once data outputs are in it, by the same rules: values
 * that held a `${data.…}` reference were skipped when the template was loaded,
 * so a bad output (a bucket name the registry refuses) is reported here, as a
 * template error, before the run creates anything in the registry.
 *
 * @throws {@link TemplateInvalidError} naming the first problem, with the others listed.
 */
export function assertRegistryBlockWithData(template: Template): void {
  const r = template.registry;
  if (r === undefined) return;
  const wire = {
    bucket_name: r.bucketName,
    ...(r.description === undefined ? {} : { description: r.description }),
    bucket_labels: r.bucketLabels,
    build_labels: r.buildLabels,
    channels: r.channels,
  };
  const [first, ...rest] = registryBlockProblems(wire, (pointer) => ({
    file: template.file,
    field: pointerToField(pointer),
  }));
  if (first === undefined) return;
  if (rest.length > 0) first.message += `\n${rest.map((e) => `  - ${e.message}`).join('\n')}`;
  throw first;
}
