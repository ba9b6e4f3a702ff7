import { grpcCodeName } from '@imprint/client';
import { REGISTRY_ERROR_TABLE, RegistryErrors } from '@imprint/registry';
import type { RegistryError, RegistryErrorCondition } from '@imprint/registry';
import { ERROR_SAMPLES } from './error-samples';

/** A table cell as docs/reference/errors.md writes it: `|` escaped for the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * The cells docs/reference/errors.md shows for one condition of the error
 * table: condition, code, gRPC code, HTTP status, and the message its sample
 * values give (in a code span).
 */
export function documentedCells(condition: RegistryErrorCondition): string[] {
  const error = new (
    RegistryErrors[condition] as unknown as new (params: unknown) => RegistryError
  )(ERROR_SAMPLES[condition]);
  const status =
    typeof REGISTRY_ERROR_TABLE[condition].httpStatus === 'function'
      ? 'the framework’s 4xx'
      : String(error.httpStatus);
  return [
    `\`${condition}\``,
    `\`${error.code}\``,
    `${error.grpcCode} ${grpcCodeName(error.grpcCode)}`,
    status,
    `\`${cell(error.message)}\``,
  ];
}

/** The conditions in table order. */
export const CONDITIONS = Object.keys(REGISTRY_ERROR_TABLE) as RegistryErrorCondition[];
