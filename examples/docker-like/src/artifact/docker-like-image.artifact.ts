import { Label, ProviderRegion } from '@imprint/sdk';
import type { LayoutImageFields } from './layout-image.artifact';
import { LayoutImageArtifact } from './layout-image.artifact';
import { DOCKER_REGION } from './state-keys';

/** Fields of a {@link DockerLikeImageArtifact}. */
export interface DockerLikeImageFields extends LayoutImageFields {
  /** Every ref name that points at the image in its layout. */
  readonly tags: readonly string[];
  readonly architecture: string;
  readonly os: string;
}

/**
 * A local OCI image, produced by the `docker-like` builder and by the
 * `docker-like-tag` post-processor. Registry metadata:
 *
 * | field           | value                                              |
 * | --------------- | -------------------------------------------------- |
 * | `imageId`       | config digest (`sha256:…`, the image ID)           |
 * | `providerName`  | `docker`                                           |
 * | `providerRegion`| `docker`, as the Docker plugin reports local images |
 * | `sourceImageId` | the base image's ID, or `scratch`                  |
 * | labels          | `manifest_digest`, `tags` (comma-separated), `architecture`, `os` |
 */
export class DockerLikeImageArtifact extends LayoutImageArtifact {
  /** Always `docker`. */
  @ProviderRegion() readonly region = DOCKER_REGION;
  /** Ref names pointing at the image. */
  readonly tags: readonly string[];
  /** CPU architecture, e.g. `amd64`. */
  @Label('architecture') readonly architecture: string;
  /** Operating system, e.g. `linux`. */
  @Label('os') readonly os: string;

  constructor(fields: DockerLikeImageFields) {
    super(fields);
    this.tags = [...fields.tags];
    this.architecture = fields.architecture;
    this.os = fields.os;
  }

  /** The `tags` label: ref names joined with commas, e.g. `latest,1.0`. */
  @Label('tags')
  get tagList(): string {
    return this.tags.join(',');
  }

  /** `OCI image sha256:… (latest) in /path/to/layout`. */
  override toString(): string {
    return `OCI image ${this.imageId} (${this.tagList}) in ${this.layoutDir}`;
  }
}
