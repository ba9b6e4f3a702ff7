import type { ArtifactSbom, PackerArtifact } from '@imprint/sdk';
import {
  ARTIFACT_SBOM_STATE_KEY,
  ARTIFACT_STATE_URI,
  decodeArtifactSbom,
  decodeImages,
} from '@imprint/sdk';
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
  /** The input's SBOM (`imprint.sbom`), which outputs carry forward; absent when it states none. */
  readonly sbom?: ArtifactSbom;
}

/**
 * Finds the image behind an artifact of the docker-like builder or
 * post-processors, through its `docker-like.*` state keys (so it works with
 * any artifact class that states them), and re-checks every blob. The
 * input's SBOM is read too, for the outputs to carry forward.
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
  let sbom: ArtifactSbom | undefined;
  try {
    sbom = decodeArtifactSbom(artifact.state(ARTIFACT_SBOM_STATE_KEY));
  } catch (error) {
    throw fail(
      `its '${ARTIFACT_SBOM_STATE_KEY}' state is not an SBOM (${(error as Error).message})`,
    );
  }

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
  return {
    layout,
    image,
    sourceImageId: images[0].sourceImageId,
    ...(sbom === undefined ? {} : { sbom }),
  };
}

function safeBuilderId(artifact: PackerArtifact): string {
  try {
    return artifact.builderId();
  } catch {
    return 'unknown builder';
  }
}
