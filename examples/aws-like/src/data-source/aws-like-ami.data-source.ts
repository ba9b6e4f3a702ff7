import type {
  ComponentLocation,
  DataSource,
  DataSourceContext,
  DataSourceOutput,
} from '@imprint/sdk';
import { ConfigError, describeLocation } from '@imprint/sdk';
import type { CloudClient } from '../cloud/cloud-client';
import { describeFilter, findImageByFilter } from '../cloud/find-image';
import { LocalCloud } from '../cloud/local-cloud';
import { AwsLikeAmiConfig } from '../config/aws-like-ami.config';
import { defaultCloudDir } from '../config/cloud-dir';
import { regionProblem } from '../config/config-rules';
import { BuilderNotPreparedError } from '../errors';

/** Opens the cloud the data source looks in, from its `cloud_dir` (or its default). */
export type AmiCloudConnector = (cloudDir: string) => CloudClient;

interface Prepared {
  readonly config: AwsLikeAmiConfig;
  readonly client: CloudClient;
  readonly where: string;
}

/**
 * The `aws-like-ami` data source: finds one image in a region by name
 * pattern, owners and tags, exactly as the builder's `source_ami_filter`
 * does, so that a template can build from it
 * (`source_ami = data.aws-like-ami.ubuntu.id`).
 *
 * @example
 * ```ts
 * const { component } = await plugin.createDataSource('aws-like-ami', {
 *   region: 'us-east-1', name: 'ubuntu/*', most_recent: true,
 * }, { name: 'ubuntu' });
 * const outputs = await plugin.executeDataSource(component, { ui, signal }, { component: 'aws-like-ami', name: 'ubuntu' });
 * ```
 */
export class AwsLikeAmiDataSource implements DataSource<AwsLikeAmiConfig> {
  /** Describes and validates the data source's configuration. */
  static readonly configClass = AwsLikeAmiConfig;

  /** What `execute()` returns. */
  static readonly outputs: readonly DataSourceOutput[] = [
    { name: 'id', type: 'string', description: 'Id of the image, e.g. ami-0123456789abcdef0.' },
    { name: 'name', type: 'string', description: 'Name of the image.' },
    { name: 'region', type: 'string', description: 'Region the image lives in.' },
    { name: 'owner_id', type: 'string', description: 'Account that owns the image.' },
    {
      name: 'creation_date',
      type: 'string',
      description: 'When the image was created (ISO 8601).',
    },
    { name: 'tags', type: 'map', description: 'Tags of the image.' },
  ];

  private prepared?: Prepared;

  /** @param connect - opens the cloud; a {@link LocalCloud} in `cloud_dir` by default. */
  constructor(private readonly connect: AmiCloudConnector = (dir) => new LocalCloud({ dir })) {}

  /**
   * Checks the region against the cloud.
   * @throws `ConfigError` naming the region and the closest known one.
   */
  async prepare(config: AwsLikeAmiConfig, location: ComponentLocation): Promise<void> {
    const client = this.connect(config.cloudDir ?? defaultCloudDir());
    const problem = regionProblem('region', config.region, await client.regions());
    if (problem !== undefined) throw new ConfigError(location, [problem]);
    this.prepared = { config, client, where: describeLocation(location) };
  }

  /**
   * Looks the image up.
   * @throws `SourceImageNotFoundError` when nothing matches, `AmbiguousSourceImageError`
   *   when several match and `most_recent` is not set.
   */
  async execute(context: DataSourceContext): Promise<Record<string, unknown>> {
    if (this.prepared === undefined) {
      throw new BuilderNotPreparedError({
        call: 'AwsLikeAmiDataSource.execute()',
        kind: 'data sources',
        factory: 'plugin.createDataSource()',
      });
    }
    const { config, client, where } = this.prepared;
    context.signal.throwIfAborted();
    const query = describeFilter('filter', config);
    context.ui.say(`Looking up image by ${query} in ${config.region}`);
    const image = await findImageByFilter(client, config.region, config, {
      query,
      where,
      narrow: 'name, owners or tags',
    });
    context.ui.message(`Found image ${image.imageId} (${image.name}, owner ${image.ownerId})`);
    return {
      id: image.imageId,
      name: image.name,
      region: image.region,
      owner_id: image.ownerId,
      creation_date: image.creationDate,
      tags: { ...image.tags },
    };
  }
}
