import { ConfigError, UnknownComponentError, executeDataSource } from '@imprint/sdk';
import { createTestDataSourceContext, runDataSource } from '@imprint/sdk/testing';
import plugin, {
  AWS_LIKE_ERROR_CODES,
  AmbiguousSourceImageError,
  AwsLikeAmiDataSource,
  BuilderNotPreparedError,
  SourceImageNotFoundError,
  sequentialIds,
} from '@imprint/example-aws-like';
import type { CloudFixture } from './helpers';
import { VENDOR, createCloudFixture, prepareBuilder, rejectionOf, steppingClock } from './helpers';

let fx: CloudFixture;

beforeEach(async () => {
  fx = await createCloudFixture({ generateId: sequentialIds(), now: steppingClock() });
});
afterEach(() => fx.cleanup());

const lookup = (raw: Record<string, unknown>) =>
  runDataSource(
    plugin,
    'aws-like-ami',
    { region: 'us-east-1', cloud_dir: fx.cloudDir, ...raw },
    { location: { name: 'ubuntu' } },
  );

describe('the aws-like-ami data source', () => {
  it('is registered beside the builder', () => {
    expect(plugin.dataSourceNames()).toEqual(['aws-like-ami']);
    expect(plugin.describe().dataSources.map((d) => d.outputs.map((o) => o.name))).toEqual([
      ['id', 'name', 'region', 'owner_id', 'creation_date', 'tags'],
    ]);
  });

  it('finds an image in the local cloud by name pattern and owner, with every output', async () => {
    const { outputs, warnings, ui } = await lookup({ name: 'ubuntu/images/*', owners: [VENDOR] });
    expect(warnings).toEqual([]);
    expect(outputs).toEqual({
      id: fx.base.imageId,
      name: 'ubuntu/images/ubuntu-22.04-amd64-base',
      region: 'us-east-1',
      owner_id: VENDOR,
      creation_date: '2024-01-01T00:00:00.000Z',
      tags: {},
    });
    expect(ui.lines()).toEqual([
      `Looking up image by filter (name "ubuntu/images/*", owners ${VENDOR}) in us-east-1`,
      `Found image ${fx.base.imageId} (ubuntu/images/ubuntu-22.04-amd64-base, owner ${VENDOR})`,
    ]);
  });

  it('matches tags and takes the newest with most_recent, as source_ami_filter does', async () => {
    const tagged = await fx.cloud.registerImage({
      region: 'us-east-1',
      name: 'ubuntu/images/ubuntu-22.04-amd64-hardened',
      ownerId: VENDOR,
      tags: { stage: 'gold', team: 'sec' },
    });
    const newer = await fx.cloud.registerImage({
      region: 'us-east-1',
      name: 'ubuntu/images/ubuntu-24.04-amd64-hardened',
      ownerId: VENDOR,
      tags: { stage: 'gold' },
    });
    const byTags = await lookup({ name: 'ubuntu/*', tags: { stage: 'gold', team: 'sec' } });
    expect(byTags.outputs.id).toBe(tagged.imageId);
    expect(byTags.outputs.tags).toEqual({ stage: 'gold', team: 'sec' });
    const newest = await lookup({ name: 'ubuntu/*', tags: { stage: 'gold' }, most_recent: true });
    expect(newest.outputs.id).toBe(newer.imageId);

    // The builder picks the same image from the same filter: one definition of the lookup.
    const { builder } = await prepareBuilder(fx.cloud, {
      region: 'us-east-1',
      source_ami_filter: { name: 'ubuntu/*', most_recent: true },
      ami_name: 'web',
    });
    const context = fx.context();
    const artifact = await builder.run(context);
    expect(artifact.sourceAmi).toBe(newer.imageId);
  });

  it('fails when nothing matches, naming the filter and the region', async () => {
    const error = await rejectionOf(lookup({ name: 'debian-*', tags: { stage: 'gold' } }));
    expect(error).toBeInstanceOf(SourceImageNotFoundError);
    expect((error as SourceImageNotFoundError).code).toBe(AWS_LIKE_ERROR_CODES.SOURCE_NOT_FOUND);
    expect(error.message).toBe(
      'aws-like-ami data \'ubuntu\': no source image matches filter (name "debian-*", tags stage=gold) in region us-east-1. Check the id or filter, check that the image lives in us-east-1 (images are per region), or seed it with LocalCloud.registerImage().',
    );
  });

  it('fails when several images match and most_recent is not set', async () => {
    await fx.cloud.registerImage({
      region: 'us-east-1',
      name: 'ubuntu/images/ubuntu-22.04-arm64-base',
      ownerId: VENDOR,
    });
    const error = await rejectionOf(lookup({ name: 'ubuntu/*' }));
    expect(error).toBeInstanceOf(AmbiguousSourceImageError);
    expect(error.message).toBe(
      'aws-like-ami data \'ubuntu\': 2 images in us-east-1 match filter (name "ubuntu/*") (ami-00000000000000001, ami-00000000000000002). Narrow name, owners or tags, or set most_recent = true to take the newest.',
    );
  });

  it('reports configuration problems with the SDK ConfigError, naming the data block', async () => {
    const error = await rejectionOf(lookup({ region: 'us-est-1', nmae: 'x' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      [
        "aws-like-ami data 'ubuntu' has 2 configuration problems:",
        "  - unknown field 'nmae' in aws-like-ami data 'ubuntu': did you mean 'name'?",
        "  - missing required field 'name' in aws-like-ami data 'ubuntu' (Image name pattern: `*` matches any characters (including `/`), `?` one character.)",
      ].join('\n'),
    );
    const region = await rejectionOf(lookup({ region: 'us-est-1', name: 'x' }));
    expect(region.message).toMatch(
      /^invalid field 'region' in aws-like-ami data 'ubuntu': unknown region "us-est-1"; did you mean "us-east-1"\? This cloud has: us-east-1, /,
    );
  });

  it('stops before looking when the run is cancelled', async () => {
    const context = createTestDataSourceContext();
    context.abort(new Error('cancelled by user'));
    await expect(
      runDataSource(
        plugin,
        'aws-like-ami',
        { region: 'us-east-1', name: '*', cloud_dir: fx.cloudDir },
        { context },
      ),
    ).rejects.toThrow('cancelled by user');
    expect(context.ui.lines()).toEqual([]);
  });

  it('refuses to execute before prepare()', async () => {
    const context = createTestDataSourceContext();
    const error = await rejectionOf(
      executeDataSource(new AwsLikeAmiDataSource(), context, {
        kind: 'data',
        component: 'aws-like-ami',
      }),
    );
    expect(error).toBeInstanceOf(BuilderNotPreparedError);
    expect(error.message).toBe(
      'AwsLikeAmiDataSource.execute() was called before prepare(). Create data sources with plugin.createDataSource(), which prepares them, or call prepare(config, location) first.',
    );
  });

  it('is unknown under a misspelt name', async () => {
    await expect(plugin.createDataSource('aws-like-am', {})).rejects.toThrow(UnknownComponentError);
    await expect(plugin.createDataSource('aws-like-am', {})).rejects.toThrow(
      "Plugin @imprint/example-aws-like has no data source named 'aws-like-am' (did you mean 'aws-like-ami'?); it has: 'aws-like-ami'.",
    );
  });
});
