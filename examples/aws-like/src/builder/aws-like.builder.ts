import type { BuildContext, Builder, ComponentLocation } from '@imprint/sdk';
import { ConfigError, describeLocation } from '@imprint/sdk';
import { AmiArtifact } from '../artifact/ami.artifact';
import type { CloudClient } from '../cloud/cloud-client';
import { LocalCloud } from '../cloud/local-cloud';
import { AwsLikeConfig } from '../config/aws-like.config';
import { defaultCloudDir } from '../config/cloud-dir';
import { checkConfig } from '../config/config-rules';
import { BuilderNotPreparedError } from '../errors';
import type { BuildState } from './build-state';
import { runSteps } from './run-steps';
import { checkImageNameStep } from './steps/check-image-name.step';
import { copyImageStep } from './steps/copy-image.step';
import { createImageStep } from './steps/create-image.step';
import { launchInstanceStep } from './steps/launch-instance.step';
import { provisionSteps } from './steps/provision.step';
import { sbomStep } from './steps/sbom.step';
import { sourceImageStep } from './steps/source-image.step';
import { tagImagesStep } from './steps/tag-images.step';

/** Opens the cloud a builder works in, from its configuration. */
export type CloudConnector = (settings: {
  /** `cloud_dir`, or its default. */
  readonly cloudDir: string;
  readonly config: AwsLikeConfig;
}) => CloudClient;

/** The default {@link CloudConnector}: a {@link LocalCloud} in `cloud_dir`. */
export const connectLocalCloud: CloudConnector = ({ cloudDir }) =>
  new LocalCloud({ dir: cloudDir });

interface Prepared {
  readonly config: AwsLikeConfig;
  readonly client: CloudClient;
  readonly copyRegions: readonly string[];
  readonly location: ComponentLocation;
}

/**
 * The `aws-like` builder: finds the source image, launches an instance from
 * it, runs the provisioning steps, snapshots it into a new image, states the
 * image's SBOM (the OS packages on the instance), copies the image to
 * `ami_regions` and tags every copy. A failed or cancelled build
 * terminates its instance and deregisters the images it made.
 *
 * The runner constructs it without arguments (the local cloud). Tests and
 * other embedders may pass a {@link CloudConnector}, for instance to wrap the
 * client and inject faults.
 *
 * @example
 * ```ts
 * const { component } = await plugin.createBuilder('aws-like', {
 *   region: 'us-east-1',
 *   source_ami: 'ami-0123456789abcdef0',
 *   ami_name: 'web',
 * }, { name: 'base' });
 * const artifact = await component.run(context);
 * ```
 */
export class AwsLikeBuilder implements Builder<AwsLikeConfig> {
  /** Describes and validates the builder's configuration. */
  static readonly configClass = AwsLikeConfig;

  private prepared?: Prepared;

  /** @param connect - opens the cloud; {@link connectLocalCloud} by default. */
  constructor(private readonly connect: CloudConnector = connectLocalCloud) {}

  /**
   * Checks the rules that span fields and the regions against the cloud.
   * @returns warnings (repeated or needless `ami_regions` entries).
   * @throws `ConfigError` listing every problem, with its template path.
   */
  async prepare(config: AwsLikeConfig, location: ComponentLocation): Promise<string[]> {
    const client = this.connect({ cloudDir: config.cloudDir ?? defaultCloudDir(), config });
    const { problems, warnings, copyRegions } = checkConfig(config, await client.regions());
    if (problems.length > 0) throw new ConfigError(location, problems);
    this.prepared = { config, client, copyRegions, location };
    return warnings;
  }

  /**
   * Runs the build.
   * @throws the step's error (see the README's error table), `BuildCancelledError` when cancelled.
   */
  async run(context: BuildContext): Promise<AmiArtifact> {
    if (this.prepared === undefined) throw new BuilderNotPreparedError();
    const { config, client, copyRegions, location } = this.prepared;
    const state: BuildState = {
      config,
      client,
      copyRegions,
      context,
      location,
      where: describeLocation(location),
      images: new Map(),
    };
    await runSteps(
      [
        sourceImageStep,
        checkImageNameStep,
        launchInstanceStep,
        ...provisionSteps(config.provision),
        createImageStep,
        sbomStep,
        copyImageStep,
        tagImagesStep,
      ],
      state,
    );
    const source = state.sourceImage!;
    return new AmiArtifact(
      {
        amis: Object.fromEntries(state.images),
        sourceAmi: source.imageId,
        name: config.amiName,
        ...(source.os === undefined ? {} : { os: source.os }),
        tags: config.tags,
        sbom: state.sbom,
      },
      client,
    );
  }
}
