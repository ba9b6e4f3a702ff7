import { IsNotEmpty, IsString } from 'class-validator';
import { Field } from '@imprint/sdk';

/**
 * Configuration of the `docker-like-layout` data source: which image to find
 * (its image ID, as the registry stores it) and where this machine keeps OCI
 * layouts.
 *
 * @example
 * ```json
 * "data": {
 *   "docker-like-layout.base": {
 *     "image_id": "${data.imprint-artifact.base.external_identifier}",
 *     "search_dir": "${var.images_dir}"
 *   }
 * }
 * ```
 */
export class DockerLikeLayoutConfig {
  /** The image ID: the `sha256:` digest of the image config. */
  @Field({
    doc: "Image ID to find: the sha256 digest of the image config (what docker-like artifacts store as their image id, e.g. an imprint-artifact data source's external_identifier).",
  })
  @IsString()
  @IsNotEmpty()
  // Its sha256 form is checked when the data source executes (execute() throws the same
  // ConfigError a decorator would): the value usually comes from another data block's output.
  imageId!: string;

  /** Root of the search; relative paths resolve against the directory the build runs from. */
  @Field({
    doc: 'Directory to search for OCI image layouts, a few levels deep (relative paths resolve against the directory the build runs from).',
  })
  @IsString()
  @IsNotEmpty()
  searchDir!: string;
}
