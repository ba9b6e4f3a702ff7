/**
 * `@imprint/core`: the Imprint build runner. Loads JSON templates, prepares
 * plugins' builders and post-processors, runs builds and publishes their
 * images to a registry speaking the HCP Packer API.
 * @packageDocumentation
 */
export { RUNNER_VERSION } from './version';
export {
  CORE_ERROR_CODES,
  TemplateError,
  TemplateSyntaxError,
  TemplateInvalidError,
  UnknownVariableError,
  TemplateVariableError,
  UnknownSourceError,
  UnknownPluginError,
  TemplateConfigError,
  RegistryNotConfiguredError,
  VersionCompleteError,
  TemplateTypeMismatchError,
  SpoolInvalidError,
  RunOptionsError,
  DataSourceFailedError,
} from './errors';
export type { CoreErrorCode, TemplateLocation } from './errors';
// Everything `@imprint/core/template` offers, defined there once.
export * from './template';
export { runBuild, DEFAULT_HEARTBEAT_MS } from './run/run-build';
export type { RunBuildOptions, RunResult, BuildResult, BuildOutcome } from './run/run-build';
export type { RegistrySummary } from './registry/registry-port';
export type { SbomOutcome, SbomUpload } from './sbom/registry-sboms';
export { downloadSbom, decompressSbom } from './sbom/registry-sboms';
export type { RunEvent, RunEventKind, RunEventHandler } from './run/events';
export { pushSpool, SPOOL_FORMAT } from './run/spool';
export type { PushSpoolOptions, PushSpoolResult, SpoolContent, SpoolBuild } from './run/spool';
