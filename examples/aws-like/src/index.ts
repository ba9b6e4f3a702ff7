/**
 * `@imprint/example-aws-like`: an example Imprint plugin with one builder,
 * `aws-like`, and one data source, `aws-like-ami`, for an EC2-like cloud (a
 * local, file-backed implementation is included). Copy this package to start a plugin; see the README.
 * @packageDocumentation
 */
import { PluginSet } from '@imprint/sdk';
import { AwsLikeBuilder } from './builder/aws-like.builder';
import { AwsLikeAmiDataSource } from './data-source/aws-like-ami.data-source';
import { PLUGIN_NAME, PLUGIN_VERSION } from './version';

/**
 * The plugin: what the runner loads. The package's main export is this
 * `PluginSet` (as `default` and as `plugin`).
 *
 * @example
 * ```ts
 * import plugin from '@imprint/example-aws-like';
 * const { component, warnings } = await plugin.createBuilder('aws-like', rawConfig, { name: 'base' });
 * ```
 */
const plugin = new PluginSet({ name: PLUGIN_NAME, version: PLUGIN_VERSION })
  .registerBuilder('aws-like', AwsLikeBuilder)
  .registerDataSource('aws-like-ami', AwsLikeAmiDataSource);

export default plugin;
export { plugin };

export { PLUGIN_NAME, PLUGIN_VERSION } from './version';
export { AwsLikeBuilder, connectLocalCloud } from './builder/aws-like.builder';
export type { CloudConnector } from './builder/aws-like.builder';
export { AwsLikeConfig } from './config/aws-like.config';
export { AwsLikeAmiDataSource } from './data-source/aws-like-ami.data-source';
export type { AmiCloudConnector } from './data-source/aws-like-ami.data-source';
export { AwsLikeAmiConfig } from './config/aws-like-ami.config';
export { SourceAmiFilterConfig } from './config/source-ami-filter.config';
export { ProvisionStepConfig, PROVISION_STEP_TYPES } from './config/provision-step.config';
export type { ProvisionStepType } from './config/provision-step.config';
export { CLOUD_DIR_ENV, defaultCloudDir } from './config/cloud-dir';
export { AmiArtifact, BUILDER_ID } from './artifact/ami.artifact';
export type { AmiArtifactInit } from './artifact/ami.artifact';
export type {
  CloudClient,
  CloudImage,
  CloudInstance,
  DescribeImagesQuery,
  RunCommandOptions,
} from './cloud/cloud-client';
export { LocalCloud } from './cloud/local-cloud';
export type { LocalCloudOptions, RegisterImageRequest } from './cloud/local-cloud';
export { DEFAULT_REGIONS } from './cloud/regions';
export { AMI_SBOM_PROPERTIES } from './sbom/ami-sbom';
export { randomIds, sequentialIds, RESOURCE_ID_PATTERN } from './cloud/ids';
export type { IdGenerator, ResourcePrefix } from './cloud/ids';
export {
  AWS_LIKE_ERROR_CODES,
  AwsLikeError,
  SourceImageNotFoundError,
  AmbiguousSourceImageError,
  UnknownRegionError,
  ImageNotFoundError,
  ImageNameInUseError,
  InstanceNotFoundError,
  PathOutsideInstanceError,
  ProvisionError,
  ImageCopyError,
  BuildCancelledError,
  ArtifactDestroyError,
  CloudStateError,
  InvalidCloudRequestError,
  BuilderNotPreparedError,
} from './errors';
export type { AwsLikeErrorCode } from './errors';
