import { GrpcCode, httpStatusFromGrpcCode } from '@imprint/client';
import { ImprintError } from '@imprint/sdk';

/**
 * An error the registry reports to clients: a gRPC `code`, the HTTP status
 * that goes with it, a stable Imprint `reason` (e.g. `REGISTRY_ERR_BUCKET_NOT_FOUND`,
 * listed in docs/reference/errors.md) and a message saying what was wrong and
 * how to fix it. Serialised as `{ code, message, details: [{ reason, ... }] }`.
 *
 * Every condition has its own subclass, made from its row of the error table
 * ({@link RegistryErrors}); this base stays the one type to catch.
 */
export class RegistryError extends ImprintError {
  /** The stable code, the same string as {@link RegistryError.reason}. */
  readonly code: string;
  readonly httpStatus: number;

  constructor(
    readonly grpcCode: GrpcCode,
    readonly reason: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    httpStatus: number = httpStatusFromGrpcCode(grpcCode),
    options?: ErrorOptions,
  ) {
    super(message, options);
    // Logs, tests and callers without the class match on this name, whatever the condition.
    this.name = 'RegistryError';
    this.code = reason;
    this.httpStatus = httpStatus;
  }

  /** The `google.rpc.Status` body. */
  toStatus(): { code: number; message: string; details: unknown[] } {
    return {
      code: this.grpcCode,
      message: this.message,
      details: [{ '@type': 'imprint.registry.ErrorInfo', reason: this.reason, ...this.details }],
    };
  }
}

export { GrpcCode };
