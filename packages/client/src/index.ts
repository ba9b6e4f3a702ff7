/**
 * `@imprint/client`: a typed client for the Imprint registry and any server
 * speaking the HCP Packer registry API (2023-01-01). No runtime dependencies:
 * Node built-ins and the global `fetch` only.
 * @packageDocumentation
 */
export { CLIENT_VERSION } from './version';
export {
  RegistryClient,
  isVersionComplete,
  PACKER_API_PREFIX,
  RESOURCE_MANAGER_PREFIX,
} from './registry-client';
export type {
  ResolvedLocation,
  ListCallOptions,
  ListBucketAncestryOptions,
  ListProjectsOptions,
  DeleteVersionOptions,
  RevokeVersionOptions,
  UpsertBucketOptions,
} from './registry-client';
export type { RegistryClientOptions, RetryOptions, CallOptions, FetchLike } from './options';
export { CLIENT_ERROR_CODES } from './errors/client-error-codes';
export type { ClientErrorCode } from './errors/client-error-codes';
export { GrpcCode, grpcCodeName } from './errors/grpc-code';
export {
  RegistryClientError,
  RegistryApiError,
  RegistryConnectionError,
  RegistryTimeoutError,
  RegistryAuthError,
  RegistryDiscoveryError,
  RegistryAbortedError,
  RegistryResponseError,
  RegistryConfigError,
  RegistryArgumentError,
  isRegistryApiError,
  isNotFound,
  isAlreadyExists,
  isVersionNotFound,
  isInvalidArgument,
  isFailedPrecondition,
  isPermissionDenied,
  isUnauthenticated,
} from './errors/client.errors';
export type {
  RegistryApiErrorInit,
  RegistryConnectionErrorInit,
  RegistryAuthErrorInit,
} from './errors/client.errors';
export type * from './models';
