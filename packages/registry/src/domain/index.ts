/**
 * The registry's domain and storage layer: open a store, then call the
 * service. This is what the HTTP layer (and tests) import.
 * @packageDocumentation
 */
export type {
  Actor,
  AncestryQuery,
  BuildLocation,
  BuildRef,
  PackageQuery,
  PackageSearchQuery,
  Principal,
  PrincipalStore,
  RegistryService,
  RegistryStorage,
  SbomDownload,
  StorageOptions,
  VersionSelector,
  VulnerabilityQuery,
} from './registry-contract';
export type {
  ImportRecord,
  VulnerabilityStatus,
  VulnerabilityStore,
} from '../resources/vulnerabilities/vulnerability-store';
export type {
  ImportOptions,
  ImportProblem,
  ImportSummary,
  OsvInput,
} from '../resources/vulnerabilities/vulnerability-import';
export {
  OsvSourceError,
  checkOsvSource,
  readOsvSource,
} from '../resources/vulnerabilities/osv-sources';
export { MAX_ANCESTRY_DEPTH } from './registry-contract';
export { GrpcCode, RegistryError, RegistryErrorReason, RegistryErrors } from './registry.errors';
export {
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  SQLITE_FILE_NAME,
  openRegistryStorage,
} from '../storage/open-registry-storage';
export type { OpenedRegistryStorage } from '../storage/open-registry-storage';
export type { DomainEvent, DomainEventListener, DomainEvents } from './domain-events';
export { SqlRegistryService } from './registry.service';
export { MAX_SEARCH_RESULTS } from '../resources/search/search.service';
export {
  SqlPrincipalStore,
  MAX_TOKEN_TTL_SECONDS,
  PRINCIPAL_NAME_PATTERN,
} from './principal.store';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination';
export { FINGERPRINT_PATTERN, MAX_DESCRIPTION_LENGTH, NAME_PATTERN } from './validation';
export { LATEST_CHANNEL, SYSTEM_AUTHOR } from './context';
export { parseRfc3339, parseSignedDurationMs } from './time';
