import { GrpcCode, RegistryError } from '../domain/registry.errors';

/**
 * Stable `reason`s of the errors the HTTP layer itself reports (the domain
 * layer has its own). Listed in docs/reference/registry-api.md.
 */
export const HTTP_ERROR_REASONS = {
  /** A path, query or body value fails its JSON schema. 400, code 3. */
  INVALID_ARGUMENT: 'REGISTRY_ERR_INVALID_ARGUMENT',
  /** The body is not JSON although its content type says so. 400, code 3. */
  MALFORMED_JSON: 'REGISTRY_ERR_MALFORMED_JSON',
  /** The body uses `__proto__`, `constructor` or `prototype` as a key. 400, code 3. */
  FORBIDDEN_KEY: 'REGISTRY_ERR_FORBIDDEN_KEY',
  /** The body has a content type the route does not take. 415, code 3. */
  UNSUPPORTED_MEDIA_TYPE: 'REGISTRY_ERR_UNSUPPORTED_MEDIA_TYPE',
  /** The body is larger than the configured limit. 413, code 3. */
  BODY_TOO_LARGE: 'REGISTRY_ERR_BODY_TOO_LARGE',
  /** The URL cannot be decoded (bad percent-encoding). 400, code 3. */
  BAD_URL: 'REGISTRY_ERR_BAD_URL',
  /** The request line and headers are larger than Node's header limit (16 KiB by default). 431, code 3. */
  HEADERS_TOO_LARGE: 'REGISTRY_ERR_HEADERS_TOO_LARGE',
  /** The bytes received are not a valid HTTP/1.1 request (Node's parser refused them). 400, code 3. */
  MALFORMED_REQUEST: 'REGISTRY_ERR_MALFORMED_REQUEST',
  /** The request did not arrive completely in time (Node's `headersTimeout` / `requestTimeout`). 408, code 4. */
  REQUEST_TIMEOUT: 'REGISTRY_ERR_REQUEST_TIMEOUT',
  /** No route has this method and path. 404, code 5. */
  ROUTE_NOT_FOUND: 'REGISTRY_ERR_ROUTE_NOT_FOUND',
  /** The organization id in the path is not this registry's. 404, code 5. */
  ORGANIZATION_NOT_FOUND: 'REGISTRY_ERR_ORGANIZATION_NOT_FOUND',
  /** The project id in the path is not this registry's. 404, code 5. */
  PROJECT_NOT_FOUND: 'REGISTRY_ERR_PROJECT_NOT_FOUND',
  /** No bearer token, or an unknown or expired one. 401, code 16. */
  UNAUTHENTICATED: 'REGISTRY_ERR_UNAUTHENTICATED',
  /** The token endpoint got wrong or missing client credentials. 401, code 16. */
  INVALID_CLIENT: 'REGISTRY_ERR_INVALID_CLIENT',
  /** The token endpoint got a grant type other than `client_credentials`. 400, code 3. */
  UNSUPPORTED_GRANT_TYPE: 'REGISTRY_ERR_UNSUPPORTED_GRANT_TYPE',
  /**
   * Too many failed `POST /oauth2/token` requests from this client address, or
   * from all clients together, within the rate-limit window. 429 with
   * `Retry-After`, code 8.
   */
  TOKEN_RATE_LIMITED: 'REGISTRY_ERR_TOKEN_RATE_LIMITED',
  /** The principal's role is below the one the operation needs. 403, code 7. */
  PERMISSION_DENIED: 'REGISTRY_ERR_PERMISSION_DENIED',
  /** A bug: the server logged the details. 500, code 13. */
  INTERNAL: 'REGISTRY_ERR_INTERNAL',
  /** The database cannot be reached (`/readyz`), or the server is shutting down. 503, code 14. */
  UNAVAILABLE: 'REGISTRY_ERR_UNAVAILABLE',
  /** Start-up: a non-loopback address with no principals configured. */
  NO_PRINCIPALS: 'REGISTRY_ERR_NO_PRINCIPALS',
  /** Start-up: the listen address is taken. */
  ADDRESS_IN_USE: 'REGISTRY_ERR_ADDRESS_IN_USE',
} as const;

export type HttpErrorReason = (typeof HTTP_ERROR_REASONS)[keyof typeof HTTP_ERROR_REASONS];

/**
 * A {@link RegistryError} whose HTTP status is not the default one of its gRPC
 * code (413 and 415 travel with code 3, INVALID_ARGUMENT).
 */
export class RegistryHttpError extends RegistryError {
  constructor(
    httpStatus: number,
    grpcCode: GrpcCode,
    reason: HttpErrorReason,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(grpcCode, reason, message, details);
    (this as { httpStatus: number }).httpStatus = httpStatus;
  }
}

export function invalidArgument(
  message: string,
  details: Record<string, unknown> = {},
  reason: HttpErrorReason = HTTP_ERROR_REASONS.INVALID_ARGUMENT,
): RegistryError {
  return new RegistryError(GrpcCode.INVALID_ARGUMENT, reason, message, details);
}

export function unauthenticated(
  message: string,
  reason: HttpErrorReason = HTTP_ERROR_REASONS.UNAUTHENTICATED,
): RegistryError {
  return new RegistryError(GrpcCode.UNAUTHENTICATED, reason, message);
}

export function permissionDenied(message: string, details: Record<string, unknown>): RegistryError {
  return new RegistryError(
    GrpcCode.PERMISSION_DENIED,
    HTTP_ERROR_REASONS.PERMISSION_DENIED,
    message,
    details,
  );
}

export function notFound(
  reason: HttpErrorReason,
  message: string,
  details: Record<string, unknown> = {},
): RegistryError {
  return new RegistryError(GrpcCode.NOT_FOUND, reason, message, details);
}

export function internalError(requestId: string): RegistryError {
  return new RegistryError(
    GrpcCode.INTERNAL,
    HTTP_ERROR_REASONS.INTERNAL,
    `internal error; the server log has the details under request id ${requestId}`,
    { request_id: requestId },
  );
}
