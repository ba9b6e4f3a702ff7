/*
 * The stable codes (`reason` on the wire) of every registry error. Clients and
 * docs/reference/errors.md match on these, never on messages. The table in
 * registry-error-table.ts gives each condition its code, gRPC code, HTTP
 * status and message.
 */

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
  /** 5: no SBOM of that name on the build, or the SBOM of a download URL was deleted since. */
  SBOM_NOT_FOUND: 'REGISTRY_ERR_SBOM_NOT_FOUND',
  /** 6: the build already has an SBOM of that name (names are unique per build, as on HCP). */
  SBOM_EXISTS: 'REGISTRY_ERR_SBOM_EXISTS',
  /** 3: `compressed_sbom` is not base64, not zstd, not JSON, or not the declared format. */
  SBOM_INVALID: 'REGISTRY_ERR_SBOM_INVALID',
  /** 3: the SBOM is larger than LIMITS.sbomCompressedBytes, or decompresses past LIMITS.sbomDecompressedBytes. */
  SBOM_TOO_LARGE: 'REGISTRY_ERR_SBOM_TOO_LARGE',
  /** 7: an SBOM download URL whose signature is wrong or whose time is up. */
  SBOM_LINK_INVALID: 'REGISTRY_ERR_SBOM_LINK_INVALID',
  /** 3: a webhook target URL is not an absolute https (or allowed http) URL, or carries credentials. */
  WEBHOOK_URL_INVALID: 'REGISTRY_ERR_WEBHOOK_URL_INVALID',
  /** 3: a webhook target is a private, loopback or link-local address the operator has not allowed. */
  WEBHOOK_TARGET_REFUSED: 'REGISTRY_ERR_WEBHOOK_TARGET_REFUSED',
  /** 9: the target did not answer the verification event with a 2xx, so the webhook was not created (or enabled). */
  WEBHOOK_VERIFICATION_FAILED: 'REGISTRY_ERR_WEBHOOK_VERIFICATION_FAILED',
  /** 5: no webhook with that id. */
  WEBHOOK_NOT_FOUND: 'REGISTRY_ERR_WEBHOOK_NOT_FOUND',
  /** 6: a webhook of that name exists. */
  WEBHOOK_EXISTS: 'REGISTRY_ERR_WEBHOOK_EXISTS',
  /** 6: a build's parent_version_id / parent_channel_id is already set to another value. */
  BUILD_PARENT_IMMUTABLE: 'REGISTRY_ERR_BUILD_PARENT_IMMUTABLE',

  /** 9: the managed `latest` channel cannot be assigned a version (UpdateChannel or assignment target). */
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
  /** 9: CreateRegistry, UpdateRegistry or DeleteRegistry (2021-04-30): the registry is fixed. */
  REGISTRY_MANAGED: 'REGISTRY_ERR_REGISTRY_MANAGED',
  /** 9: deleting the last admin principal over HTTP; create another admin first. */
  LAST_ADMIN: 'REGISTRY_ERR_LAST_ADMIN',

  /** 14: the database cannot serve right now (down, restarting, unreachable, locked); retry. */
  DATABASE_UNAVAILABLE: 'REGISTRY_ERR_DATABASE_UNAVAILABLE',
  /** 14: the audit log entry of a change could not be written, so the change did not run; retry. */
  AUDIT_UNAVAILABLE: 'REGISTRY_ERR_AUDIT_UNAVAILABLE',
} as const;

/** One of {@link RegistryErrorReason}'s values. */
export type RegistryErrorReason = (typeof RegistryErrorReason)[keyof typeof RegistryErrorReason];

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

/** Any code a registry error carries: a domain reason or an HTTP-layer one. */
export type RegistryErrorCode = RegistryErrorReason | HttpErrorReason;
