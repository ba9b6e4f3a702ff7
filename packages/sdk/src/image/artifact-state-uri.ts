/**
 * The state key under which an artifact keeps the registry metadata of the
 * images it produced — the same key as the Go SDK's `image.ArtifactStateURI`.
 */
export const ARTIFACT_STATE_URI = 'par.artifact.metadata';

/**
 * The state key under which an artifact states the software bill of materials
 * of what it produced, as an `ArtifactSbom`. The registry stores it beside the
 * build's metadata.
 */
export const ARTIFACT_SBOM_STATE_KEY = 'imprint.sbom';
