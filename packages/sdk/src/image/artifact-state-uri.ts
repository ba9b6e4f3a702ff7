/**
 * The state key under which an artifact keeps the registry metadata of the
 * images it produced — the same key as the Go SDK's `image.ArtifactStateURI`.
 */
export const ARTIFACT_STATE_URI = 'par.artifact.metadata';
