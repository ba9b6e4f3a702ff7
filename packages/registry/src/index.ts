/**
 * `@imprint/registry`: a self-hosted image metadata registry speaking the HCP
 * Packer registry API (2023-01-01), over SQLite (embedded default) or
 * PostgreSQL.
 *
 * @example
 * ```ts
 * import { openRegistryStorage, startRegistryServer } from '@imprint/registry';
 *
 * const storage = await openRegistryStorage({ dataDir: '/var/lib/imprint' });
 * const server = await startRegistryServer({ storage, port: 8080, closeStorage: true });
 * console.log(`registry at ${server.url}`);
 * ```
 * @packageDocumentation
 */
export {
  buildRegistryServer,
  startRegistryServer,
  DEFAULT_BODY_LIMIT,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_TOKEN_TTL_SECONDS,
} from './http/server';
export type {
  RegistryLogDestination,
  RegistryServerOptions,
  RunningRegistryServer,
} from './http/server';
export {
  DEFAULT_TOKEN_RATE_LIMIT_GLOBAL,
  DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT,
  DEFAULT_TOKEN_RATE_LIMIT_WINDOW_SECONDS,
} from './auth/token-rate-limit';
export type { TokenRateLimitOptions } from './auth/token-rate-limit';
export { TOKEN_BODY_LIMIT } from './auth/token.routes';
export { HTTP_ERROR_REASONS } from './errors/registry-error-codes';
export type { HttpErrorReason } from './errors/registry-error-codes';
export { ROLES } from './auth/roles';
export type { Role } from './auth/roles';
export { GrpcCode, RegistryError, RegistryErrorReason } from './domain/registry.errors';
export { RegistryErrors } from './errors/registry-errors';
export type { RegistryErrorClass } from './errors/registry-errors';
export { REGISTRY_ERROR_TABLE } from './errors/registry-error-table';
export type {
  RegistryErrorCondition,
  RegistryErrorRow,
  VersionRef,
} from './errors/registry-error-table';
export type { RegistryErrorCode } from './errors/registry-error-codes';
export type {
  Actor,
  AncestryQuery,
  BuildLocation,
  BuildRef,
  PackageQuery,
  PackageSearchQuery,
  DeletedPrincipal,
  DeletePrincipalOptions,
  Principal,
  PrincipalStore,
  RegistryService,
  RegistryStorage,
  SbomDownload,
  StorageOptions,
  VersionSelector,
  VulnerabilityQuery,
} from './domain/registry-contract';
export type {
  ImportOptions,
  ImportProblem,
  ImportRecord,
  ImportSummary,
  OsvInput,
  VulnerabilityStatus,
  VulnerabilityStore,
} from './domain';
export { OsvSourceError, checkOsvSource, readOsvSource } from './domain';
export { MAX_ANCESTRY_DEPTH, SQLITE_FILE_NAME, SYSTEM_AUTHOR, openRegistryStorage } from './domain';
export {
  LISTENER_APPLICATION_NAME,
  READ_STALENESS_BOUND_MS,
} from './storage/postgres-change-listener';
export type {
  DomainEvent,
  DomainEventListener,
  DomainEvents,
  OpenedRegistryStorage,
} from './domain';
export { ConfigValueError, defaultDataDir, parseListenAddress } from './config/parse';
export type { ListenAddress } from './config/parse';
export { createRegistryCli } from './bin/cli';
export type { RegistryCli, RegistryCliOptions, CliIo as RegistryCliIo } from './bin/cli';
