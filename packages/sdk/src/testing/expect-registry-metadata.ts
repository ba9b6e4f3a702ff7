import type { PackerArtifact } from '../artifact/packer-artifact';
import { ImprintError } from '../errors/imprint.error';
import { ImageValidationError } from '../errors/image-validation.error';
import { RegistryMetadataAssertionError } from '../errors/sdk.errors';
import { flattenErrors } from '../errors/validation-issue';
import { ARTIFACT_STATE_URI } from '../image/artifact-state-uri';
import { decodeImages } from '../image/decode-images';
import type { Image } from '../image/image';
import { artifactClassName } from '../image/image-origin';

/**
 * Asserts that an artifact states valid registry metadata, the way a consumer
 * reads it: `state(ARTIFACT_STATE_URI)`, decoded, each image validated. Works
 * with any test runner (it throws). Returns the images for further checks.
 *
 * @example
 * ```ts
 * const [image] = expectRegistryMetadata(artifact);
 * expect(image.sourceImageId).toBe('ami-0base');
 * ```
 * @throws {@link RegistryMetadataAssertionError} listing the validation issues.
 */
export function expectRegistryMetadata(artifact: PackerArtifact): Image[] {
  const className = artifactClassName(artifact ?? {});
  let images: Image[];
  try {
    images = decodeImages(artifact.state(ARTIFACT_STATE_URI));
    for (const image of images) image.validate();
  } catch (error) {
    if (error instanceof ImageValidationError) {
      const issues = flattenErrors(error.issues);
      throw new RegistryMetadataAssertionError(
        `Expected ${className} to state valid registry metadata, but:\n${issues.map((i) => `  - ${i}`).join('\n')}\n\n${error.message}`,
        issues,
        { cause: error },
      );
    }
    if (error instanceof ImprintError) {
      throw new RegistryMetadataAssertionError(
        `Expected ${className} to state valid registry metadata, but: ${error.message}`,
        [error.message],
        { cause: error },
      );
    }
    throw error;
  }
  if (images.length === 0) {
    throw new RegistryMetadataAssertionError(
      `Expected ${className} to state registry metadata under '${ARTIFACT_STATE_URI}', but it stated none. Extend Artifact and declare the metadata with decorators, or return fromArtifact(this, ...) from state().`,
    );
  }
  return images;
}
