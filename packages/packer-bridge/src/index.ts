/**
 * `@imprint/packer-bridge`: makes an Imprint plugin package a Packer plugin
 * binary. {@link packagePlugin} writes the manifest and builds the Go bridge;
 * the binary starts this package's host (`dist/host/main.js`), which runs the
 * plugin. PROTOCOL.md is the contract between the two halves.
 * @packageDocumentation
 */

export { packagePlugin, PACKER_PLUGIN_PROTOCOL } from './package/package-plugin';
export type { PackageOptions, PackageResult, PackagedComponent } from './package/package-plugin';
export { findGo, requiredGo } from './package/go-toolchain';
export type { GoToolchain } from './package/go-toolchain';
export { PLUGIN_SOURCE_NAMESPACE } from './package/install-instructions';

export { createManifest } from './manifest/create-manifest';
export type { ManifestOptions } from './manifest/create-manifest';
export { ctyOf } from './manifest/cty';
export {
  PACKER_NAME,
  checkPackerName,
  derivePackerName,
  packerVisibleName,
  renamingNotices,
} from './manifest/packer-name';

export { MANIFEST_VERSION, PACKER_DEFAULT_NAME, COMPONENT_KINDS } from './protocol/manifest';
export type {
  ComponentKind,
  CtyType,
  Manifest,
  ManifestComponent,
  ManifestField,
} from './protocol/manifest';
export { FD, LONG_OPS } from './protocol/messages';
export type {
  ArtifactValues,
  BuildInfo,
  Call,
  CallReply,
  Event,
  Op,
  ReadyLine,
  Reply,
  Request,
  Results,
  WireArtifact,
  WireError,
} from './protocol/messages';
export { LineSplitter, encodeLine } from './protocol/lines';
export { PROGRESS_INTERVAL_MS } from './host/event-ui';

export {
  BRIDGE_ERROR_CODES,
  PackerBridgeError,
  BadRequestError,
  BadHostArgumentsError,
  OutputExistsError,
  InputCallError,
  BadPackerNameError,
  BadPluginVersionError,
  UnmappablePluginError,
  HostNotBuiltError,
  GoMissingError,
  GoBuildError,
} from './errors';
export type { BridgeErrorCode } from './errors';
