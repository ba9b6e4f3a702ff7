import type { PackerArtifact } from '@imprint/sdk';
import { ARTIFACT_STATE_URI, decodeImages } from '@imprint/sdk';
import { DOCKER_LIKE_STATE_KEYS } from '../artifact/state-keys';
import { InputArtifactError } from '../errors';
import type { LoadedImage } from '../oci/oci-layout';
import { OciLayout } from '../oci/oci-layout';

/** The image a post-processor received, found through the artifact's state. */
export interface InputImage {
  readonly layout: OciLayout;
  readonly image: LoadedImage;
  /** The input's registry `sourceImageId`: the parent that outputs inherit. */
  readonly sourceImageId: string;
}

/**
 * Finds the image behind an artifact of the docker-like builder or
 * post-processors, through its `docker-like.*` state keys (so it works with
 * any artifact class that states them), and re-checks every blob.
 *
 * @throws {@link InputArtifactError} when the artifact is not a docker-like image or its layout lost the image.
 */
export async function readInputImage(
  artifact: PackerArtifact,
  postProcessor: string,
  signal: AbortSignal,
): Promise<InputImage> {
  const builderId = safeBuilderId(artifact);
  const fail = (problem: string) => new InputArtifactError(postProcessor, builderId, problem);
  const layoutDir = artifact.state(DOCKER_LIKE_STATE_KEYS.layoutDir);
  const manifestDigest = artifact.state(DOCKER_LIKE_STATE_KEYS.manifestDigest);
  if (typeof layoutDir !== 'string' || typeof manifestDigest !== 'string') {
    throw fail(
      `it does not state '${DOCKER_LIKE_STATE_KEYS.layoutDir}' and '${DOCKER_LIKE_STATE_KEYS.manifestDigest}', so it is not an image in an OCI layout`,
    );
  }
  const images = decodeImages(artifact.state(ARTIFACT_STATE_URI));
  if (images.length !== 1)
    throw fail(`it states ${images.length} registry images; expected exactly one`);
  images[0].validate();

  const layout = await OciLayout.open(layoutDir, (problem) =>
    fail(`its image layout ${layoutDir} is gone (${problem})`),
  );
  const [descriptor] = await layout.descriptorsOf(manifestDigest);
  if (descriptor === undefined) {
    throw fail(
      `no ref in ${layout.indexFile} points at its manifest ${manifestDigest} any more (was the image untagged?)`,
    );
  }
  const image = await layout.loadImage(descriptor, signal);
  return { layout, image, sourceImageId: images[0].sourceImageId };
}

function safeBuilderId(artifact: PackerArtifact): string {
  try {
    return artifact.builderId();
  } catch {
    return 'unknown builder';
  }
}
