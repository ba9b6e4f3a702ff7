import { ArrayNotEmpty, IsArray, Matches } from 'class-validator';
import { Field } from '@imprint/sdk';
import { REF_NAME_PATTERN } from '../oci/media-types';

/**
 * Configuration of the `docker-like-tag` post-processor.
 *
 * @example
 * ```hcl
 * post-processor "docker-like-tag" { tags = ["1.0", "stable"] }
 * ```
 */
export class DockerLikeTagConfig {
  /** Ref names to point at the image. */
  @Field({
    doc: "Ref names to add to the image in its layout's index.json (org.opencontainers.image.ref.name); a ref that already names another image moves to this one, as with docker tag.",
  })
  @IsArray()
  @ArrayNotEmpty()
  @Matches(REF_NAME_PATTERN, {
    each: true,
    message:
      '$property must hold OCI ref names such as "1.0" or "stable" (letters and digits joined by -._:@+)',
  })
  tags!: string[];
}
