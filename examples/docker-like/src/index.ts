/**
 * `@imprint/example-docker-like`: an example Imprint plugin that builds OCI
 * container images without a container engine. Its main export is the
 * plugin's `PluginSet`, which offers:
 *
 * - builder `docker-like`: base (`scratch` or an OCI layout) + files + config → OCI image layout;
 * - post-processor `docker-like-tag`: adds ref names in the layout's `index.json`;
 * - post-processor `docker-like-push`: copies the image into a directory registry;
 * - data source `docker-like-layout`: finds the OCI layout holding an image, by image ID.
 *
 * Copy this package to start a plugin of your own; see its README.
 * @packageDocumentation
 */
import { PluginSet } from '@imprint/sdk';
import { DockerLikeBuilder } from './builder/docker-like.builder';
import { DockerLikeLayoutDataSource } from './data-source/docker-like-layout.data-source';
import { DockerLikePushPostProcessor } from './post-processors/push.post-processor';
import { DockerLikeTagPostProcessor } from './post-processors/tag.post-processor';
import { PLUGIN_NAME, PLUGIN_VERSION } from './version';

/**
 * The plugin: what the runner loads with `loadPlugin('@imprint/example-docker-like', dir)`.
 *
 * @example
 * ```ts
 * import plugin from '@imprint/example-docker-like';
 * const { component } = await plugin.createBuilder('docker-like', { base: 'scratch' }, { name: 'app' });
 * ```
 */
const plugin = new PluginSet({ name: PLUGIN_NAME, version: PLUGIN_VERSION })
  .registerBuilder('docker-like', DockerLikeBuilder)
  .registerPostProcessor('docker-like-tag', DockerLikeTagPostProcessor)
  .registerPostProcessor('docker-like-push', DockerLikePushPostProcessor)
  .registerDataSource('docker-like-layout', DockerLikeLayoutDataSource);

export default plugin;
export { plugin };
export { PLUGIN_NAME, PLUGIN_VERSION } from './version';

export { DockerLikeBuilder, DEFAULT_PLATFORM } from './builder/docker-like.builder';
export { SCRATCH } from './builder/build-settings';
export { HISTORY_AUTHOR } from './builder/image-config';
export { DockerLikeTagPostProcessor } from './post-processors/tag.post-processor';
export { DockerLikePushPostProcessor } from './post-processors/push.post-processor';
export {
  DockerLikeLayoutDataSource,
  LAYOUT_SEARCH_DEPTH,
} from './data-source/docker-like-layout.data-source';

export { DockerLikeConfig } from './config/docker-like.config';
export { FileConfig } from './config/file.config';
export { DockerLikeTagConfig } from './config/tag.config';
export { DockerLikePushConfig, REPOSITORY_PATTERN, TAG_PATTERN } from './config/push.config';
export { DockerLikeLayoutConfig } from './config/docker-like-layout.config';

export { LayoutImageArtifact } from './artifact/layout-image.artifact';
export type { LayoutImageFields } from './artifact/layout-image.artifact';
export { DockerLikeImageArtifact } from './artifact/docker-like-image.artifact';
export type { DockerLikeImageFields } from './artifact/docker-like-image.artifact';
export { PushedImageArtifact } from './artifact/pushed-image.artifact';
export type { PushedImageFields } from './artifact/pushed-image.artifact';
export {
  BUILDER_ID,
  DOCKER_LIKE_STATE_KEYS,
  DOCKER_REGION,
  PUSH_POST_PROCESSOR_ID,
  SCRATCH_SOURCE_IMAGE_ID,
  TAG_POST_PROCESSOR_ID,
} from './artifact/state-keys';

export {
  OCI_ANNOTATIONS,
  OCI_LAYOUT_VERSION,
  OCI_MEDIA_TYPES,
  REF_NAME_PATTERN,
  SUPPORTED_LAYER_MEDIA_TYPES,
} from './oci/media-types';
export type {
  OciDescriptor,
  OciExecConfig,
  OciHistory,
  OciImageConfig,
  OciIndex,
  OciManifest,
  OciPlatform,
} from './oci/oci-types';
export { SHA256_DIGEST_PATTERN, digestHex, isSha256Digest, sha256Digest } from './oci/digest';
export { BlobStore } from './oci/blob-store';
export type { BlobRef } from './oci/blob-store';
export { OciLayout } from './oci/oci-layout';
export type { LoadedImage, MissingLayoutError } from './oci/oci-layout';
export { buildLayer } from './oci/tar-layer';
export type { BuildLayerOptions, BuiltLayer, LayerEntry } from './oci/tar-layer';

export {
  DOCKER_LIKE_ERROR_CODES,
  DockerLikeError,
  BaseNotFoundError,
  LayoutInvalidError,
  BlobMissingError,
  DigestMismatchError,
  RefNotFoundError,
  UnsupportedImageError,
  PlatformMismatchError,
  SourceNotFoundError,
  SourceUnsupportedError,
  PathConflictError,
  OutputNotWritableError,
  OutputConflictError,
  InputArtifactError,
  PushTargetError,
  ImageNotFoundError,
  AmbiguousImageError,
  UnnamedImageError,
} from './errors';
export type { DockerLikeErrorCode, UnreadableLayout } from './errors';
