import { IsNotEmpty, IsString, Matches } from 'class-validator';
import { Field } from '@imprint/sdk';

/** Repository names as the distribution spec defines them: `library/app`, `team-a/web.api`. */
export const REPOSITORY_PATTERN =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** Tags as the distribution spec defines them. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Configuration of the `docker-like-push` post-processor, which copies an
 * image into a directory registry: one OCI image layout per repository at
 * `<registry_dir>/<repository>`.
 *
 * @example
 * ```hcl
 * post-processor "docker-like-push" {
 *   registry_dir = "/srv/registry"
 *   repository   = "team/app"
 *   tag          = "1.0"
 * }
 * ```
 */
export class DockerLikePushConfig {
  /** Root directory of the directory registry. */
  @Field({
    doc: 'Root directory of the directory registry (created if missing); relative paths resolve against the directory the build runs from.',
  })
  @IsString()
  @IsNotEmpty()
  registryDir!: string;

  /** Repository to push to; its layout is `<registry_dir>/<repository>`. */
  @Field({
    doc: 'Repository to push to, e.g. "team/app"; the image goes to the OCI layout <registry_dir>/<repository>.',
  })
  @IsString()
  @Matches(REPOSITORY_PATTERN, {
    message:
      '$property must be a repository name: lower-case letters and digits separated by ".", "_", "__" or "-", with "/" between components (e.g. "team/app")',
  })
  repository!: string;

  /** Tag of the pushed image in the repository. */
  @Field({
    doc: 'Tag of the pushed image in the repository; an existing tag moves to the pushed image.',
  })
  @IsString()
  @Matches(TAG_PATTERN, {
    message:
      '$property must be a tag: up to 128 letters, digits, "_", "." or "-", not starting with "." or "-"',
  })
  tag = 'latest';
}
