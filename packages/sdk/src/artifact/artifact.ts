import { ARTIFACT_STATE_URI } from '../image/artifact-state-uri';
import { buildRegistryMetadata } from '../metadata/registry-metadata';
import type { PackerArtifact } from './packer-artifact';

/**
 * Base class for the artifacts a builder or post-processor produces. Declare
 * the registry metadata with decorators on fields or getters; `state()`
 * answers `par.artifact.metadata` with a validated `Image` (or `Image[]` with
 * `@ImagesByRegion()`), and any other key from {@link Artifact.stateData}.
 *
 * @example
 * ```ts
 * @Provider('aws')
 * class AmiArtifact extends Artifact {
 *   @ImageId() ami = 'ami-0abc';
 *   @ProviderRegion() region = 'us-east-1';
 *   @SourceImageId() sourceAmi = 'ami-0base';
 *   @Label('os') os = 'ubuntu';
 *   builderId() { return 'imprint.aws-like'; }
 *   id() { return `${this.region}:${this.ami}`; }
 * }
 * new AmiArtifact().state(ARTIFACT_STATE_URI); // Image { imageId: 'ami-0abc', ... }
 * ```
 */
export abstract class Artifact implements PackerArtifact {
  /** Extra values returned by `state(name)` for names other than `par.artifact.metadata`. */
  stateData: Record<string, unknown> = {};

  /** Id of the builder that made the artifact; the default provider name. */
  abstract builderId(): string;

  /** Provider-specific id of the artifact; the default image id. */
  abstract id(): string;

  /** Local files of the artifact. None by default. */
  files(): string[] {
    return [];
  }

  /** `<id> (<builderId>)` by default. */
  toString(): string {
    return `${this.id()} (${this.builderId()})`;
  }

  /**
   * Registry metadata for `par.artifact.metadata`, else `stateData[name]`.
   *
   * @throws {@link ImageValidationError} when the declared metadata is invalid.
   */
  state(name: string): unknown {
    if (name === ARTIFACT_STATE_URI) return buildRegistryMetadata(this);
    return Object.hasOwn(this.stateData, name) ? this.stateData[name] : undefined;
  }

  /** Nothing to delete by default; artifacts that own cloud resources override it. */
  destroy(): void | Promise<void> {}
}
