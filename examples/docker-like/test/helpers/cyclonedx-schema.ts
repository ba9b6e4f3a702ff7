import type { Spec } from '@cyclonedx/cyclonedx-library';
import { Validation } from '@cyclonedx/cyclonedx-library';

/**
 * Checks a CycloneDX JSON document against the CycloneDX JSON schema with the
 * library's own strict validator (its schema files, no network), and returns
 * the schema errors (empty when valid). The validator's optional dependencies
 * (ajv 8, ajv-formats, ajv-formats-draft2019) are this package's devDependencies.
 */
export async function cycloneDxSchemaErrors(
  json: string,
  version: Spec.Version,
): Promise<string[]> {
  const errors = await new Validation.JsonStrictValidator(version).validate(json);
  return errors === null ? [] : [JSON.stringify(errors)];
}
