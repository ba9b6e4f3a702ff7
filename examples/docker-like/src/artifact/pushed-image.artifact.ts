import { Label, ProviderRegion } from '@imprint/sdk';
import type { LayoutImageFields } from './layout-image.artifact';
import { LayoutImageArtifact } from './layout-image.artifact';

/** Fields of a {@link PushedImageArtifact}. */
export interface PushedImageFields extends LayoutImageFields {
  /** The repository's layout directory: `<registry_dir>/<repository>`. */
  readonly repositoryDir: string;
  readonly repository: string;
  readonly tag: string;
}

/**
 * An image pushed by `docker-like-push` into a directory registry. The image
 * itself is unchanged by the push, so `imageId` stays the config digest and
 * `sourceImageId` the base's ID (not the local copy's: that would make the
 * image its own parent). What changes is where it lives:
 *
 * | field           | value                                          |
 * | --------------- | ---------------------------------------------- |
 * | `providerRegion`| `<registry_dir>/<repository>`                  |
 * | labels          | `manifest_digest`, `pushed_ref` (`repository:tag`) |
 */
export class PushedImageArtifact extends LayoutImageArtifact {
  /** The repository's layout directory. */
  @ProviderRegion() readonly region: string;
  readonly repository: string;
  readonly tag: string;

  constructor(fields: PushedImageFields) {
    super(fields);
    this.region = fields.repositoryDir;
    this.repository = fields.repository;
    this.tag = fields.tag;
  }

  /** `repository:tag`, e.g. `team/app:1.0`. */
  @Label('pushed_ref')
  get pushedRef(): string {
    return `${this.repository}:${this.tag}`;
  }

  /** `team/app:1.0@sha256:… in /srv/registry/team/app`. */
  override toString(): string {
    return `${this.pushedRef}@${this.manifestDigest} in ${this.region}`;
  }
}
