/**
 * What a builder or post-processor hands back: the TypeScript form of
 * Packer's `packersdk.Artifact` interface.
 */
export interface PackerArtifact {
  /** Id of the builder that made the artifact, e.g. `mitchellh.amazonebs`. */
  builderId(): string;
  /** Local files that make up the artifact, if any. */
  files(): string[];
  /** Provider-specific id of the artifact, e.g. `us-east-1:ami-0abc`. */
  id(): string;
  /** Human description, printed at the end of a build. */
  toString(): string;
  /**
   * Extra data by key. For `par.artifact.metadata` ({@link ARTIFACT_STATE_URI})
   * it returns the registry metadata of the produced images.
   */
  state(name: string): unknown;
  /** Deletes the artifact (images, files) from wherever it lives. */
  destroy(): void | Promise<void>;
}
