import type { ArtifactSbom, BuildContext, ComponentLocation } from '@imprint/sdk';
import type { CloudClient, CloudImage, CloudInstance } from '../cloud/cloud-client';
import type { AwsLikeConfig } from '../config/aws-like.config';

/**
 * What the steps of one build share (Packer's state bag, typed): inputs set
 * by the builder, results filled in by the steps as they succeed, so that
 * cleanups know exactly what exists.
 */
export interface BuildState {
  readonly config: AwsLikeConfig;
  /** `ami_regions` without duplicates and the build region. */
  readonly copyRegions: readonly string[];
  readonly client: CloudClient;
  readonly context: BuildContext;
  /** For messages: `aws-like source 'base'`. */
  readonly where: string;
  readonly location: ComponentLocation;
  /** Set by the source image step. */
  sourceImage?: CloudImage;
  /** Set while an instance runs. */
  instance?: CloudInstance;
  /** Region → id of every image this build made so far, the build region first. */
  readonly images: Map<string, string>;
  /** Set by the create-image step: the new image, in the build region. */
  image?: CloudImage;
  /** Set by the sbom step: what the artifact states under `imprint.sbom`. */
  sbom?: ArtifactSbom;
}

/**
 * One step of a build, as in Packer's multistep: `run` does the work;
 * `cleanup`, if any, runs after the whole build (in reverse order, whether it
 * succeeded or not) for every step that started.
 */
export interface BuildStep {
  /** Shown in progress and cancellation messages, e.g. `provision[0] (shell)`. */
  readonly name: string;
  run(state: BuildState): Promise<void>;
  cleanup?(state: BuildState, failed: boolean): Promise<void>;
}
