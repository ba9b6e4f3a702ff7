import type { GrpcCode } from '@imprint/client';
import type { RegistryErrorCode } from './registry-error-codes';

export interface RegistryErrorRow<P> {
  readonly code: RegistryErrorCode;
  readonly grpcCode: GrpcCode;
  /**
   * Only where the HTTP layer answers otherwise than the gateway mapping of
   * `grpcCode` (`httpStatusFromGrpcCode`): 413, 415, 431, 408, a framework's 4xx, and
   * HCP's 400 (not 409) for a set-once parent id changed.
   */
  readonly httpStatus?: number | ((params: P) => number);
  readonly message: (params: P) => string;
  /** The extra fields of the `details` entry; `params` themselves when absent. */
  readonly details?: (params: P) => Record<string, unknown>;
}

type RowOptions<P> = Pick<RegistryErrorRow<P>, 'httpStatus' | 'details'>;

export function row<P = void>(
  code: RegistryErrorCode,
  grpcCode: GrpcCode,
  message: (params: P) => string,
  options: RowOptions<P> = {},
): RegistryErrorRow<P> {
  return { code, grpcCode, message, ...options };
}
/** For rows whose `details` carry nothing beyond the reason. */
export const noDetails = () => ({});
/** For rows whose `details` name one fixed field. */
export const onlyField = (field: string) => () => ({ field });

export type Field = { field: string };
