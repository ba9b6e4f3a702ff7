import type { PackerArtifact } from '../artifact/packer-artifact';
import { ImprintError } from '../errors/imprint.error';
import { ImageValidationError } from '../errors/image-validation.error';
import { RegistryMetadataAssertionError } from '../errors/sdk.errors';
import { flattenErrors } from '../errors/validation-issue';
import { ARTIFACT_STATE_URI } from '../image/artifact-state-uri';
import { decodeImages } from '../image/decode-images';
import type { Image } from '../image/image';
import { artifactClassName, recordImageOrigin } from '../image/image-origin';
import { describeTypedValue } from '../errors/describe-value';

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
  if (typeof artifact !== 'object' || artifact === null || typeof artifact.state !== 'function') {
    throw new RegistryMetadataAssertionError(
      `Expected an artifact with a state() method, but got ${describeTypedValue(artifact)}.`,
    );
  }
  const className = artifactClassName(artifact);
  let images: Image[];
  try {
    images = decodeImages(artifact.state(ARTIFACT_STATE_URI));
    for (const image of images) {
      recordImageOrigin(image, className);
      image.validate();
    }
  } catch (error) {
    if (error instanceof ImageValidationError) {
      const issues = flattenErrors(error.issues);
      throw new RegistryMetadataAssertionError(
        `Expected ${className} to state valid registry metadata, but:\n${issues.map((i) => `  - ${i}`).join('\n')}\n\n${error.message}`,
        issues,
        { cause: error },
      );
    }
    // Errors from another copy of the SDK are not instances of this copy's classes.
    if (isImprintError(error)) {
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

function isImprintError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof ImprintError ||
    (error instanceof Error &&
      String((error as { code?: unknown }).code).startsWith('IMPRINT_ERR_'))
  );
}
