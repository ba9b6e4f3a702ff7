/**
 * `@imprint/client`: a typed client for the Imprint registry and any server
 * speaking the HCP Packer registry API (2023-01-01), and that API's contract
 * (`./contract`, TypeBox schemas the registry serves from). One dependency,
 * TypeBox; otherwise the global `fetch`, `URL`, `TextEncoder` and `btoa`
 * only, so it runs in Node (≥ 20.19) and in browsers (the registry's console
 * uses it).
 * @packageDocumentation
 */
export { CLIENT_VERSION } from './version';
export {
  RegistryClient,
  isVersionComplete,
  PACKER_API_PREFIX,
  RESOURCE_MANAGER_PREFIX,
  IAM_CALLER_IDENTITY_PATH,
  WEBHOOKS_PATH,
} from './registry-client';
export type {
  ResolvedLocation,
  ListCallOptions,
  ListBucketAncestryOptions,
  ListProjectsOptions,
  ListPackagesOptions,
  SearchPackagesOptions,
  ListVulnerabilitiesOptions,
  ListVulnerablePackagesOptions,
  Paginate,
  DeleteVersionOptions,
  RevokeVersionOptions,
  UpsertBucketOptions,
  IssuedToken,
  ListAuditEventsOptions,
  WebhookOperations,
} from './registry-client';
export type { ListWebhookDeliveriesOptions } from './operations/webhooks';
export type { RegistryClientOptions, RetryOptions, CallOptions, FetchLike } from './options';
export { ROLES, hasRole, isRole } from './roles';
export type { Role } from './roles';
export { CLIENT_ERROR_CODES } from './errors/client-error-codes';
export type { ClientErrorCode } from './errors/client-error-codes';
export { GrpcCode, grpcCodeName, httpStatusFromGrpcCode } from './errors/grpc-code';
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
export type { ListOptions } from './models';
// The API contract: every wire schema with its type (Bucket, Version, …), enums, patterns and limits.
export * from './contract';
