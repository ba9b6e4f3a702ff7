/**
 * Keys under which docker-like artifacts answer `state(name)` besides
 * `par.artifact.metadata`: how the post-processors find the image an
 * artifact describes without depending on its class.
 */
export const DOCKER_LIKE_STATE_KEYS = {
  /** Absolute path of the OCI image layout holding the image. */
  layoutDir: 'docker-like.layout_dir',
  /** Digest of the image's manifest in that layout. */
  manifestDigest: 'docker-like.manifest_digest',
  /** Digest of the image config: the image ID. */
  imageId: 'docker-like.image_id',
  /** Ref names the artifact itself created in the layout. */
  refs: 'docker-like.refs',
} as const;

/** Id of the docker-like builder, as `artifact.builderId()` returns it. */
export const BUILDER_ID = 'imprint.docker-like';

/** Id of the docker-like-tag post-processor. */
export const TAG_POST_PROCESSOR_ID = 'imprint.post-processor.docker-like-tag';

/** Id of the docker-like-push post-processor. */
export const PUSH_POST_PROCESSOR_ID = 'imprint.post-processor.docker-like-push';

/**
 * The `sourceImageId` of images built `FROM scratch`. Registry metadata
 * requires a source image; an empty image has none, so this fixed value
 * stands for it (the registry shows it as a root).
 */
export const SCRATCH_SOURCE_IMAGE_ID = 'scratch';

/** The provider region of local images, as the Docker plugin reports it. */
export const DOCKER_REGION = 'docker';
