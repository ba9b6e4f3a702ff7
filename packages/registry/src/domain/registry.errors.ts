/**
 * gRPC status codes the HCP Packer clients match on (they read `code` from the
 * `google.rpc.Status` error body; Packer matches `[Cc]ode"?:([0-9]+)`).
 */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const HTTP_STATUS: Readonly<Record<GrpcCode, number>> = {
  [GrpcCode.INVALID_ARGUMENT]: 400,
  [GrpcCode.NOT_FOUND]: 404,
  [GrpcCode.ALREADY_EXISTS]: 409,
  [GrpcCode.PERMISSION_DENIED]: 403,
  [GrpcCode.RESOURCE_EXHAUSTED]: 429,
  // HCP answers refused operations on managed channels with 400 + code 9.
  [GrpcCode.FAILED_PRECONDITION]: 400,
  // GetVersion of an unknown fingerprint: 409 + code 10, which Packer expects.
  [GrpcCode.ABORTED]: 409,
  [GrpcCode.INTERNAL]: 500,
  [GrpcCode.UNAVAILABLE]: 503,
  [GrpcCode.UNAUTHENTICATED]: 401,
};

/**
 * An error the registry reports to clients: a gRPC `code`, the HTTP status
 * that goes with it, a stable Imprint `reason` (e.g. `REGISTRY_ERR_BUCKET_NOT_FOUND`,
 * listed in docs/reference/errors.md) and a message saying what was wrong and
 * how to fix it. Serialised as `{ code, message, details: [{ reason, ... }] }`.
 */
export class RegistryError extends Error {
  readonly httpStatus: number;

  constructor(
    readonly grpcCode: GrpcCode,
    readonly reason: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RegistryError';
    this.httpStatus = HTTP_STATUS[grpcCode];
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
