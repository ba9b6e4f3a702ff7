import { GrpcCode } from '@imprint/client';
import { RegistryErrorReason as R } from './registry-error-codes';
import { row } from './registry-error-row';

/** The rows of {@link REGISTRY_ERROR_TABLE} about the audit log. */
export const AUDIT_ERROR_ROWS = {
  /**
   * The audit log fails closed: a change whose entry cannot be written does
   * not run. `why` is the database's own message (no request data).
   */
  AuditUnavailable: row<{ operation: string; why: string }>(
    R.AUDIT_UNAVAILABLE,
    GrpcCode.UNAVAILABLE,
    (p) =>
      `${p.operation} was not run: its audit log entry could not be written (${p.why}); ` +
      'nothing changed. Retry once the database accepts writes (see /readyz and the server log)',
    { details: (p) => ({ operation: p.operation }) },
  ),
} as const;
