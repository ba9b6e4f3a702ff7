/**
 * gRPC status codes the HCP Packer clients match on (they read `code` from the
 * `google.rpc.Status` error body; Packer matches `[Cc]ode"?:([0-9]+)`).
 */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
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

/** One of {@link GrpcCode}'s values. */
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const HTTP_STATUS: Readonly<Record<GrpcCode, number>> = {
  [GrpcCode.INVALID_ARGUMENT]: 400,
  [GrpcCode.DEADLINE_EXCEEDED]: 504,
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

/**
 * Every `reason` a {@link RegistryError} can carry. Stable: clients and docs
 * (docs/reference/errors.md) match on these, never on messages.
 */
export const RegistryErrorReason = {
  /** 3: a request field has the wrong type or shape. */
  INVALID_ARGUMENT: 'REGISTRY_ERR_INVALID_ARGUMENT',
  /** 3: a bucket name does not match `^[a-zA-Z0-9-]{3,36}$`. */
  BUCKET_NAME_INVALID: 'REGISTRY_ERR_BUCKET_NAME_INVALID',
  /** 3: a channel name does not match `^[a-zA-Z0-9-]{3,36}$`. */
  CHANNEL_NAME_INVALID: 'REGISTRY_ERR_CHANNEL_NAME_INVALID',
  /** 3: a version fingerprint breaks the fingerprint rule. */
  FINGERPRINT_INVALID: 'REGISTRY_ERR_FINGERPRINT_INVALID',
  /** 3: a bucket description is longer than 255 characters. */
  DESCRIPTION_TOO_LONG: 'REGISTRY_ERR_DESCRIPTION_TOO_LONG',
  /** 3: labels are not a map of strings, or break the size limits. */
  LABELS_INVALID: 'REGISTRY_ERR_LABELS_INVALID',
  /** 3: page size, page token or order-by is invalid. */
  PAGINATION_INVALID: 'REGISTRY_ERR_PAGINATION_INVALID',
  /** 3: `update_mask` is missing or names an unknown field. */
  UPDATE_MASK_INVALID: 'REGISTRY_ERR_UPDATE_MASK_INVALID',
  /** 3: an UpdateVersion body combines fields that cannot go together, or has a bad date/duration. */
  VERSION_UPDATE_INVALID: 'REGISTRY_ERR_VERSION_UPDATE_INVALID',
  /** 3: a build is set to BUILD_DONE without any artifact. */
  BUILD_ARTIFACTS_REQUIRED: 'REGISTRY_ERR_BUILD_ARTIFACTS_REQUIRED',
  /** 3: the managed `latest` channel cannot be deleted. */
  CHANNEL_MANAGED_DELETE: 'REGISTRY_ERR_CHANNEL_MANAGED_DELETE',

  /** 5 */
  BUCKET_NOT_FOUND: 'REGISTRY_ERR_BUCKET_NOT_FOUND',
  /** 10 from GetVersion (what Packer expects), 5 elsewhere. */
  VERSION_NOT_FOUND: 'REGISTRY_ERR_VERSION_NOT_FOUND',
  /** 5 */
  BUILD_NOT_FOUND: 'REGISTRY_ERR_BUILD_NOT_FOUND',
  /** 5 */
  CHANNEL_NOT_FOUND: 'REGISTRY_ERR_CHANNEL_NOT_FOUND',
  /** 5 */
  PRINCIPAL_NOT_FOUND: 'REGISTRY_ERR_PRINCIPAL_NOT_FOUND',

  /** 7: a viewer asked for a restricted channel (only contributors and admins see those). */
  CHANNEL_RESTRICTED: 'REGISTRY_ERR_CHANNEL_RESTRICTED',

  /** 6 */
  BUCKET_EXISTS: 'REGISTRY_ERR_BUCKET_EXISTS',
  /** 6 */
  VERSION_EXISTS: 'REGISTRY_ERR_VERSION_EXISTS',
  /** 6 */
  BUILD_EXISTS: 'REGISTRY_ERR_BUILD_EXISTS',
  /** 6 */
  CHANNEL_EXISTS: 'REGISTRY_ERR_CHANNEL_EXISTS',
  /** 6 */
  PRINCIPAL_EXISTS: 'REGISTRY_ERR_PRINCIPAL_EXISTS',
  /** 6: a build's parent_version_id / parent_channel_id is already set to another value. */
  BUILD_PARENT_IMMUTABLE: 'REGISTRY_ERR_BUILD_PARENT_IMMUTABLE',

  /** 9: the managed `latest` channel cannot be updated or be an assignment target. */
  CHANNEL_MANAGED: 'REGISTRY_ERR_CHANNEL_MANAGED',
  /** 9: the source channel of an assignment has no version. */
  CHANNEL_UNASSIGNED: 'REGISTRY_ERR_CHANNEL_UNASSIGNED',
  /** 9: the version is complete; its builds can no longer change. */
  VERSION_COMPLETE: 'REGISTRY_ERR_VERSION_COMPLETE',
  /** 9: the version is not complete (still `v0`). */
  VERSION_INCOMPLETE: 'REGISTRY_ERR_VERSION_INCOMPLETE',
  /** 9: the version is revoked; restore it first. */
  VERSION_REVOKED: 'REGISTRY_ERR_VERSION_REVOKED',
  /** 9: restore of a version that is not revoked. */
  VERSION_NOT_REVOKED: 'REGISTRY_ERR_VERSION_NOT_REVOKED',
  /** 9: the version's revocation is inherited; act on the ancestor. */
  REVOCATION_INHERITED: 'REGISTRY_ERR_REVOCATION_INHERITED',
  /** 9: the version is assigned to user channels. */
  VERSION_ASSIGNED: 'REGISTRY_ERR_VERSION_ASSIGNED',
  /** 9: a build status change that the lifecycle does not allow. */
  BUILD_STATUS_TRANSITION: 'REGISTRY_ERR_BUILD_STATUS_TRANSITION',
  /** 9: the build is BUILD_DONE and immutable. */
  BUILD_DONE: 'REGISTRY_ERR_BUILD_DONE',
  /** 9: deleting the last admin principal over HTTP; create another admin first. */
  LAST_ADMIN: 'REGISTRY_ERR_LAST_ADMIN',

  /** 14: the database cannot serve right now (down, restarting, unreachable, locked); retry. */
  DATABASE_UNAVAILABLE: 'REGISTRY_ERR_DATABASE_UNAVAILABLE',
} as const;

/** One of {@link RegistryErrorReason}'s values. */
export type RegistryErrorReason = (typeof RegistryErrorReason)[keyof typeof RegistryErrorReason];

/** Shorthand for a code-3 {@link RegistryError}. */
export function invalidArgument(
  reason: RegistryErrorReason,
  message: string,
  details: Record<string, unknown> = {},
): RegistryError {
  return new RegistryError(GrpcCode.INVALID_ARGUMENT, reason, message, details);
}

/** Shorthand for a code-9 {@link RegistryError}. */
export function failedPrecondition(
  reason: RegistryErrorReason,
  message: string,
  details: Record<string, unknown> = {},
): RegistryError {
  return new RegistryError(GrpcCode.FAILED_PRECONDITION, reason, message, details);
}

/** Shorthand for a code-5 {@link RegistryError}. */
export function notFound(
  reason: RegistryErrorReason,
  message: string,
  details: Record<string, unknown> = {},
): RegistryError {
  return new RegistryError(GrpcCode.NOT_FOUND, reason, message, details);
}

/** Shorthand for a code-6 {@link RegistryError}. */
export function alreadyExists(
  reason: RegistryErrorReason,
  message: string,
  details: Record<string, unknown> = {},
): RegistryError {
  return new RegistryError(GrpcCode.ALREADY_EXISTS, reason, message, details);
}

/** `value` as a JSON string literal, the way error messages quote names and ids. */
export function quote(value: string): string {
  return JSON.stringify(value);
}
