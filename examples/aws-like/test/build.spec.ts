import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_STATE_URI } from '@imprint/sdk';
import { expectRegistryMetadata } from '@imprint/sdk/testing';
import plugin, { AmiArtifact, LocalCloud, sequentialIds } from '@imprint/example-aws-like';
import type { CloudFixture } from './helpers';
import { VENDOR, createCloudFixture, prepareBuilder, steppingClock } from './helpers';

const GOLDEN = join(__dirname, 'expected-metadata.json');
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

function template(fx: CloudFixture, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    region: 'us-east-1',
    source_ami_filter: {
      name: 'ubuntu/images/ubuntu-22.04-*',
      owners: [VENDOR],
      most_recent: true,
    },
    ami_name: 'web-server',
    ami_description: 'Web server on Ubuntu 22.04',
    ami_regions: ['us-west-2', 'eu-west-1'],
    tags: { team: 'web', stage: 'prod' },
    provision: [
      {
        type: 'shell',
        inline: ['mkdir -p opt/web', 'cd opt/web', 'echo "built by $IMPRINT_BUILD_NAME" > BUILD'],
      },
      { type: 'file', destination: '/etc/motd', content: 'Welcome to web-server\n' },
    ],
    cloud_dir: fx.cloudDir,
    ...extra,
  };
}

let fx: CloudFixture;
afterEach(() => fx.cleanup());

describe('a full aws-like build', () => {
  it('builds, copies and tags the image, and destroy() removes it everywhere', async () => {
    fx = await createCloudFixture();
    const { component, warnings } = await plugin.createBuilder('aws-like', template(fx), {
      name: 'base',
    });
    expect(warnings).toEqual([]);
    const context = fx.context();
    const artifact = await component.run(context);

    expect(artifact).toBeInstanceOf(AmiArtifact);
    expect(artifact.id()).toMatch(
      /^us-east-1:ami-[0-9a-f]{17},us-west-2:ami-[0-9a-f]{17},eu-west-1:ami-[0-9a-f]{17}$/,
    );
    const images = expectRegistryMetadata(artifact);
    expect(images.map((i) => i.providerRegion)).toEqual(REGIONS);
    for (const image of images) {
      expect(image).toMatchObject({
        providerName: 'aws',
        sourceImageId: fx.base.imageId,
        labels: { os: 'ubuntu', name: 'web-server', team: 'web', stage: 'prod' },
      });
    }

    // What the cloud holds, read back through a fresh client on the same directory.
    const cloud = new LocalCloud({ dir: fx.cloudDir });
    for (const image of images) {
      const [stored] = await cloud.describeImages({
        region: image.providerRegion,
        imageIds: [image.imageId],
      });
      expect(stored).toMatchObject({
        name: 'web-server',
        description: 'Web server on Ubuntu 22.04',
        sourceImageId: fx.base.imageId,
        tags: { team: 'web', stage: 'prod' },
      });
      const root = await cloud.imageRoot(image.providerRegion, image.imageId);
      expect(await readFile(join(root, 'opt/web/BUILD'), 'utf8')).toBe('built by aws-like.base\n');
      expect(await readFile(join(root, 'etc/motd'), 'utf8')).toBe('Welcome to web-server\n');
    }
    expect(await readdir(join(fx.cloudDir, 'us-east-1', 'instances'))).toEqual([]);
    expect(context.ui.entries.filter((e) => e.level === 'progress')).toEqual([
      { level: 'progress', update: { step: 'copying image to us-west-2', completed: 0, total: 2 } },
      { level: 'progress', update: { step: 'copying image to eu-west-1', completed: 1, total: 2 } },
      { level: 'progress', update: { step: 'copying image', completed: 2, total: 2 } },
    ]);

    await artifact.destroy();
    for (const region of REGIONS) {
      const left = await cloud.describeImages({ region });
      expect(left).toEqual(region === 'us-east-1' ? [fx.base] : []);
    }
    for (const image of images) {
      expect(existsSync(join(fx.cloudDir, image.providerRegion, 'snapshots', image.imageId))).toBe(
        false,
      );
    }
  });

  it('builds from source_ami and from the newest image a filter matches', async () => {
    fx = await createCloudFixture({ now: steppingClock() });
    const newer = await fx.cloud.registerImage({
      region: 'us-east-1',
      name: 'ubuntu/images/ubuntu-22.04-amd64-patched',
      ownerId: VENDOR,
      os: 'ubuntu',
    });
    const byFilter = await prepareBuilder(
      fx.cloud,
      template(fx, { ami_regions: [], provision: [] }),
    );
    const fromFilter = (await byFilter.builder.run(fx.context())) as AmiArtifact;
    expect(fromFilter.sourceAmi).toBe(newer.imageId);

    const byId = await prepareBuilder(
      fx.cloud,
      template(fx, {
        source_ami_filter: undefined,
        source_ami: fx.base.imageId,
        ami_name: 'from-id',
        ami_regions: [],
        provision: [],
      }),
    );
    const fromId = (await byId.builder.run(fx.context())) as AmiArtifact;
    expect(fromId.sourceAmi).toBe(fx.base.imageId);
  });

  it('states the registry metadata committed in test/expected-metadata.json', async () => {
    // Sequential ids and a stepping clock make the build reproducible; run
    // with UPDATE_GOLDEN=1 to rewrite the file after an intended change.
    fx = await createCloudFixture({ generateId: sequentialIds(), now: steppingClock() });
    const { builder, warnings } = await prepareBuilder(fx.cloud, template(fx));
    expect(warnings).toEqual([]);
    const context = fx.context();
    const artifact = await builder.run(context);
    const metadata = JSON.parse(JSON.stringify(artifact.state(ARTIFACT_STATE_URI))) as unknown;

    if (process.env.UPDATE_GOLDEN === '1') {
      await writeFile(GOLDEN, `${JSON.stringify(metadata, null, 2)}\n`);
    }
    expect(metadata).toEqual(JSON.parse(await readFile(GOLDEN, 'utf8')));

    expect(artifact.id()).toBe(
      'us-east-1:ami-00000000000000002,us-west-2:ami-00000000000000003,eu-west-1:ami-00000000000000004',
    );
    expect(artifact.toString()).toBe(
      [
        'AMIs were created:',
        'us-east-1: ami-00000000000000002',
        'us-west-2: ami-00000000000000003',
        'eu-west-1: ami-00000000000000004',
      ].join('\n'),
    );
    expect(context.ui.lines()).toEqual([
      'Looking up source image by source_ami_filter (name "ubuntu/images/ubuntu-22.04-*", owners 099720109477) in us-east-1',
      'Found source image ami-00000000000000001 (ubuntu/images/ubuntu-22.04-amd64-base, owner 099720109477)',
      'Launching a t3.micro instance from ami-00000000000000001',
      'Instance i-00000000000000001 is running',
      'Provisioning with provision[0] (shell): 3 command(s)',
      'Provisioning with provision[1] (file): writing /etc/motd',
      "Creating image 'web-server' from instance i-00000000000000001",
      'Image ami-00000000000000002 created in us-east-1',
      'SBOM of ami-00000000000000002: 0 OS package(s) (ubuntu)',
      'Copying image ami-00000000000000002 to 2 region(s): us-west-2, eu-west-1',
      'Copied to us-west-2: ami-00000000000000003',
      'Copied to eu-west-1: ami-00000000000000004',
      'Tagging the image in us-east-1, us-west-2, eu-west-1 with 2 tag(s)',
      'Terminating instance i-00000000000000001',
    ]);
  });
});
