import { AUDIT_ERROR_ROWS } from './audit-error-rows';
import { HTTP_ERROR_ROWS } from './http-error-rows';
import { INPUT_ERROR_ROWS } from './input-error-rows';
import { RESOURCE_ERROR_ROWS } from './resource-error-rows';
import { SBOM_ERROR_ROWS } from './sbom-error-rows';
import { WEBHOOK_ERROR_ROWS } from './webhook-error-rows';

export type { RegistryErrorRow } from './registry-error-row';
export type { VersionRef } from './resource-error-rows';

/**
 * Every condition the registry reports, one row each (fastify's `createError`
 * discipline): its stable code, gRPC code, HTTP status and message template.
 * Call sites pass values, never sentences (`new RegistryErrors.BucketNotFound({
 * bucket_name })`). Several rows share a code where one code has several
 * messages (`REGISTRY_ERR_VERSION_NOT_FOUND` is 5/404 in general and 10/409
 * from GetVersion). The rows sit in four files by layer (SBOMs apart) (each under the size
 * one can read at once); this is the one table: docs/reference/errors.md shows
 * it and test/contract/error-docs.spec.ts keeps the two in step.
 */
export const REGISTRY_ERROR_TABLE = {
  ...INPUT_ERROR_ROWS,
  ...RESOURCE_ERROR_ROWS,
  ...SBOM_ERROR_ROWS,
  ...WEBHOOK_ERROR_ROWS,
  ...HTTP_ERROR_ROWS,
  ...AUDIT_ERROR_ROWS,
} as const;

/** The name of a row of {@link REGISTRY_ERROR_TABLE}, e.g. `BucketNotFound`. */
export type RegistryErrorCondition = keyof typeof REGISTRY_ERROR_TABLE;
