/**
 * `@imprint/sdk`: write artifacts whose registry metadata is declared with
 * decorators, and read that metadata the way the runner and Packer core do.
 * @packageDocumentation
 */
import 'reflect-metadata';

export { SDK_VERSION, PLUGIN_API_VERSION } from './version';

export { ARTIFACT_STATE_URI, ARTIFACT_SBOM_STATE_KEY } from './image/artifact-state-uri';
export { Image } from './image/image';
export type { ImageFields, ImageWire } from './image/image';
export { decodeImages } from './image/decode-images';
export { UNSAFE_KEYS, isUnsafeKey } from './image/unsafe-keys';

export type { PackerArtifact } from './artifact/packer-artifact';
export { Artifact } from './artifact/artifact';
export {
  fromArtifact,
  withId,
  withProvider,
  withRegion,
  withSourceId,
  setLabels,
} from './artifact/from-artifact';
export type { ArtifactOverride } from './artifact/from-artifact';
export { fromMappedData } from './artifact/from-mapped-data';
export {
  ARTIFACT_SBOM_FORMATS,
  decodeArtifactSbom,
  isArtifactSbom,
} from './artifact/artifact-sbom';
export type { ArtifactSbom, ArtifactSbomFormat } from './artifact/artifact-sbom';
export {
  OS_PACKAGE_PATHS,
  OS_RELEASE_PATHS,
  osPackagePurl,
  parseApkInstalled,
  parseDpkgStatus,
  parseOsRelease,
  readOsPackages,
  readOsRelease,
} from './sbom';
export type { OsPackage, OsPackages, OsRelease, RootFileReader } from './sbom';

export { ImageId } from './metadata/decorators/image-id.decorator';
export { ProviderName } from './metadata/decorators/provider-name.decorator';
export { ProviderRegion } from './metadata/decorators/provider-region.decorator';
export { SourceImageId } from './metadata/decorators/source-image-id.decorator';
export { Label } from './metadata/decorators/label.decorator';
export type { LabelOptions } from './metadata/decorators/label.decorator';
export { Labels } from './metadata/decorators/labels.decorator';
export type { LabelsOptions } from './metadata/decorators/labels.decorator';
export { ImagesByRegion } from './metadata/decorators/images-by-region.decorator';
export { Provider } from './metadata/decorators/provider.decorator';
export { createMemberDecorator } from './metadata/create-member-decorator';
export type {
  MemberDecorator,
  MemberDecoratorDefinition,
} from './metadata/create-member-decorator';
export type { MemberRole } from './metadata/metadata-records';
export { defineArtifactMetadata } from './metadata/define-artifact-metadata';
export type {
  ArtifactMetadataDefinition,
  LabelMemberDefinition,
} from './metadata/define-artifact-metadata';
export { compileArtifactMetadata } from './metadata/artifact-metadata.builder';
export type {
  CompiledArtifactMetadata,
  CompiledLabel,
  CompiledMember,
  CompiledProvider,
} from './metadata/compiled-artifact-metadata';
export { buildRegistryMetadata } from './metadata/registry-metadata';
export { METADATA_KEYS, METADATA_FORMAT_VERSION } from './metadata/metadata-keys';

export { SDK_ERROR_CODES } from './errors/error-codes';
export type { SdkErrorCode } from './errors/error-codes';
export { ImprintError } from './errors/imprint.error';
export { ImageValidationError } from './errors/image-validation.error';
export {
  ImageDecodeError,
  SbomDecodeError,
  UnsafeKeyError,
  MissingArtifactError,
  InvalidArgumentError,
  NotAMapError,
  DecoratorUsageError,
  ArtifactMetadataConflictError,
  ArtifactMemberValueError,
  SdkVersionConflictError,
  RegistryMetadataAssertionError,
} from './errors/sdk.errors';
export { flattenErrors } from './errors/validation-issue';
export type { ValidationIssue } from './errors/validation-issue';

export type { Ui, ProgressUpdate } from './plugin/ui';
export type { BuildContext, ComponentLocation } from './plugin/build-context';
export { describeLocation } from './plugin/build-context';
export type { Builder, BuilderClass } from './plugin/builder';
export type { PostProcessor, PostProcessorClass, PostProcessResult } from './plugin/post-processor';
export { DATA_SOURCE_OUTPUT_TYPES, DATA_SOURCE_OUTPUT_NAME } from './plugin/data-source';
export type {
  DataSource,
  DataSourceClass,
  DataSourceContext,
  DataSourceOutput,
  DataSourceOutputType,
} from './plugin/data-source';
export { executeDataSource, checkDataSourceOutputs } from './plugin/data-source-outputs';
export type { ConfigClass } from './plugin/config/config-class';
export { Field } from './plugin/config/field.decorator';
export type { FieldOptions, FieldType } from './plugin/config/field.decorator';
export { compileConfigSchema } from './plugin/config/config-schema.builder';
export type { ConfigSchema, ConfigFieldSchema } from './plugin/config/config-schema.builder';
export { parseConfig } from './plugin/config/parse-config';
export { PluginSet, isPluginSet } from './plugin/plugin-set';
export type {
  PluginInfo,
  PluginDescription,
  ComponentDescription,
  ConfigFieldDescription,
  DataSourceDescription,
  DataSourceLocation,
  Prepared,
} from './plugin/plugin-set';
export { loadPlugin } from './plugin/load-plugin';
export {
  ConfigError,
  ConfigSchemaError,
  PluginRegistrationError,
  UnknownComponentError,
  PluginNotFoundError,
  PluginLoadError,
  PluginApiVersionError,
  DataSourceOutputError,
} from './errors/plugin.errors';
export type { ConfigProblem, DataSourceOutputProblem } from './errors/plugin.errors';
