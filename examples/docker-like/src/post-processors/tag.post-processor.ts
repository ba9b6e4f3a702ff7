import type {
  BuildContext,
  ComponentLocation,
  PackerArtifact,
  PostProcessor,
  PostProcessResult,
} from '@imprint/sdk';
import { DockerLikeImageArtifact } from '../artifact/docker-like-image.artifact';
import { TAG_POST_PROCESSOR_ID } from '../artifact/state-keys';
import { DockerLikeTagConfig } from '../config/tag.config';
import { readInputImage } from './input-image';

/**
 * The `docker-like-tag` post-processor: adds ref names to an image in its OCI
 * layout (`org.opencontainers.image.ref.name` annotations on manifest
 * descriptors in `index.json`), the layout equivalent of `docker tag`.
 *
 * The image is unchanged, so the returned artifact keeps the input's image ID
 * and its `sourceImageId` (the base, not the input: an image is not its own
 * parent); its `tags` label lists every ref of the image after tagging, and
 * it states the input's SBOM (`imprint.sbom`) unchanged. The input is kept.
 */
export class DockerLikeTagPostProcessor implements PostProcessor<DockerLikeTagConfig> {
  /** Describes and validates the configuration. */
  static readonly configClass = DockerLikeTagConfig;
  private config!: DockerLikeTagConfig;

  /** Stores the validated configuration; duplicate tags are dropped. */
  prepare(config: DockerLikeTagConfig, _location: ComponentLocation): void {
    this.config = { tags: [...new Set(config.tags)] };
  }

  /**
   * Tags the image the input artifact describes.
   *
   * @throws {@link InputArtifactError} when the input is not a docker-like image.
   */
  async postProcess(context: BuildContext, artifact: PackerArtifact): Promise<PostProcessResult> {
    const input = await readInputImage(artifact, 'docker-like-tag', context.signal);
    const { layout, image } = input;
    for (const tag of this.config.tags) {
      context.signal.throwIfAborted();
      await layout.setRef(image.descriptor, tag);
      context.ui.say(`Tagged ${image.descriptor.digest} as '${tag}' in ${layout.dir}`);
    }
    const result = new DockerLikeImageArtifact({
      builderId: TAG_POST_PROCESSOR_ID,
      layoutDir: layout.dir,
      imageId: image.configDigest,
      sourceImageId: input.sourceImageId,
      manifestDigest: image.descriptor.digest,
      blobDigests: [
        image.descriptor.digest,
        image.configDigest,
        ...image.manifest.layers.map((l) => l.digest),
      ],
      ownRefs: this.config.tags,
      tags: await layout.refsOf(image.descriptor.digest),
      architecture: image.config.architecture,
      os: image.config.os,
      // A tag changes no content and no name: the input's SBOM still describes the image.
      ...(input.sbom === undefined ? {} : { sbom: input.sbom }),
    });
    return { artifact: result, keepInput: true };
  }
}
