/* eslint-disable @typescript-eslint/no-require-imports */
import type { ValidateFunction } from 'ajv';

/*
 * The template schema and the registry block's rules, compiled ahead of time
 * (generated/validators.js, made by scripts/generate-validators.ts from
 * schema/template.schema.json and @imprint/client's API contract): loading
 * them costs a few milliseconds, where compiling them at run time loaded ajv
 * and TypeBox (about 150 ms of every `imprint validate`).
 */

type RegistryField = 'bucket_name' | 'description' | 'bucket_labels' | 'build_labels' | 'channels';

const generated = require('../../generated/validators.js') as Record<
  'template' | `registry.${RegistryField}`,
  ValidateFunction
>;

/** The template schema (schema/template.schema.json). */
export const validateTemplateSchema: ValidateFunction = generated.template;

/** The registry's own rule for one field of the `registry` block. */
export function registryFieldValidator(field: RegistryField): ValidateFunction {
  return generated[`registry.${field}`];
}

export type { RegistryField };
