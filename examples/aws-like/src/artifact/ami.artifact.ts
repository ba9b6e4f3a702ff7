import type { ArtifactSbom } from '@imprint/sdk';
import {
  ARTIFACT_SBOM_STATE_KEY,
  Artifact,
  ImagesByRegion,
  Label,
  Labels,
  Provider,
  SourceImageId,
} from '@imprint/sdk';
import type { CloudClient } from '../cloud/cloud-client';
import { ArtifactDestroyError, ImageNotFoundError } from '../errors';

/** The builder id every {@link AmiArtifact} reports; rename it with the plugin. */
export const BUILDER_ID = 'imprint.aws-like';

/** What an {@link AmiArtifact} is made of. */
export interface AmiArtifactInit {
  /** Region → image id, the build region first. */
  readonly amis: Readonly<Record<string, string>>;
  /** The image the build started from. */
  readonly sourceAmi: string;
  /** Name of the images (the same in every region). */
  readonly name: string;
  /** Operating system inherited from the source image, when it declares one. */
  readonly os?: string;
  /** Tags set on every image. */
  readonly tags?: Readonly<Record<string, string>>;
  /** The image's SBOM, stated under `imprint.sbom`; absent when none is known. */
  readonly sbom?: ArtifactSbom;
}

/**
 * The images one `aws-like` build made: one per region, sharing their source
 * image, name and tags. Its registry metadata is declared with decorators:
 * the runner reads one image per region from `state('par.artifact.metadata')`,
 * with provider `aws`, the source image id, and labels `os`, `name` and every
 * tag (the `os` and `name` labels win over tags with those keys).
 * `state('imprint.sbom')` returns the image's CycloneDX SBOM, one for all
 * regions (the copies hold the same files), when the build wrote one.
 *
 * @example
 * ```ts
 * const artifact = new AmiArtifact(
 *   { amis: { 'us-east-1': 'ami-0abc…' }, sourceAmi: 'ami-0base…', name: 'web', os: 'ubuntu' },
 *   cloud,
 * );
 * artifact.id(); // 'us-east-1:ami-0abc…'
 * ```
 */
@Provider('aws')
export class AmiArtifact extends Artifact {
  /** Region → image id. */
  @ImagesByRegion()
  readonly amis: Readonly<Record<string, string>>;

  /** The image the build started from, in the build region. */
  @SourceImageId()
  readonly sourceAmi: string;

  /** Operating system of the images, when known. */
  @Label('os')
  readonly os?: string;

  /** Name of the images. */
  @Label('name')
  readonly name: string;

  /** Tags of the images. */
  @Labels()
  readonly tags: Readonly<Record<string, string>>;

  /**
   * @param init - the images and what they share.
   * @param client - the cloud the images live in; `destroy()` deregisters them through it.
   */
  constructor(
    init: AmiArtifactInit,
    private readonly client: CloudClient,
  ) {
    super();
    this.amis = Object.freeze({ ...init.amis });
    this.sourceAmi = init.sourceAmi;
    this.name = init.name;
    this.os = init.os;
    this.tags = Object.freeze({ ...(init.tags ?? {}) });
    if (init.sbom !== undefined) this.stateData[ARTIFACT_SBOM_STATE_KEY] = init.sbom;
  }

  builderId(): string {
    return BUILDER_ID;
  }

  /** `region:ami-id` pairs joined by commas, as Packer's amazon builder prints them. */
  id(): string {
    return Object.entries(this.amis)
      .map(([region, ami]) => `${region}:${ami}`)
      .join(',');
  }

  override toString(): string {
    const lines = Object.entries(this.amis).map(([region, ami]) => `${region}: ${ami}`);
    return `AMIs were created:\n${lines.join('\n')}`;
  }

  /**
   * Deregisters the image in every region. Images already gone are skipped,
   * so calling it again after a partial failure finishes the job.
   *
   * @throws {@link ArtifactDestroyError} listing the images that could not be deregistered.
   */
  override async destroy(): Promise<void> {
    const entries = Object.entries(this.amis);
    const failures: { region: string; imageId: string; error: unknown }[] = [];
    for (const [region, imageId] of entries) {
      try {
        await this.client.deregisterImage(region, imageId);
      } catch (error) {
        if (!(error instanceof ImageNotFoundError)) failures.push({ region, imageId, error });
      }
    }
    if (failures.length > 0) throw new ArtifactDestroyError(failures, entries.length);
  }
}
