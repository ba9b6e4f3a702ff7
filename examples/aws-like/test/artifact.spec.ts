import { ARTIFACT_STATE_URI, Image } from '@imprint/sdk';
import { expectRegistryMetadata } from '@imprint/sdk/testing';
import {
  AmiArtifact,
  ArtifactDestroyError,
  BUILDER_ID,
  sequentialIds,
} from '@imprint/example-aws-like';
import type { CloudFixture } from './helpers';
import { createCloudFixture, rejectionOf, wrapClient } from './helpers';

let fx: CloudFixture;
beforeEach(async () => {
  fx = await createCloudFixture({ generateId: sequentialIds() });
});
afterEach(() => fx.cleanup());

const amis = { 'us-east-1': 'ami-0000000000000000a', 'eu-west-1': 'ami-0000000000000000b' };

describe('AmiArtifact', () => {
  it('states one image per region, with provider aws, the source image and labels', () => {
    const artifact = new AmiArtifact(
      {
        amis,
        sourceAmi: 'ami-00000000000000001',
        name: 'web',
        os: 'ubuntu',
        tags: { team: 'web' },
      },
      fx.cloud,
    );
    const images = expectRegistryMetadata(artifact);
    const labels = { team: 'web', os: 'ubuntu', name: 'web' };
    expect(images).toEqual([
      new Image({
        imageId: 'ami-0000000000000000a',
        providerName: 'aws',
        providerRegion: 'us-east-1',
        sourceImageId: 'ami-00000000000000001',
        labels,
      }),
      new Image({
        imageId: 'ami-0000000000000000b',
        providerName: 'aws',
        providerRegion: 'eu-west-1',
        sourceImageId: 'ami-00000000000000001',
        labels,
      }),
    ]);
    expect(JSON.parse(JSON.stringify(artifact.state(ARTIFACT_STATE_URI)))[0]).toEqual({
      ImageID: 'ami-0000000000000000a',
      ProviderName: 'aws',
      ProviderRegion: 'us-east-1',
      Labels: labels,
      SourceImageID: 'ami-00000000000000001',
    });
  });

  it('leaves out the os label when the source image has no os, and lets os and name win over tags', () => {
    const artifact = new AmiArtifact(
      {
        amis,
        sourceAmi: 'ami-00000000000000001',
        name: 'web',
        tags: { name: 'tagged', os: 'x', a: 'b' },
      },
      fx.cloud,
    );
    expect(expectRegistryMetadata(artifact)[0].labels).toEqual({ name: 'web', os: 'x', a: 'b' });
    const withOs = new AmiArtifact(
      { amis, sourceAmi: 'ami-00000000000000001', name: 'web', os: 'ubuntu', tags: { os: 'x' } },
      fx.cloud,
    );
    expect(expectRegistryMetadata(withOs)[0].labels).toEqual({ name: 'web', os: 'ubuntu' });
  });

  it('prints ids and a summary as the amazon builder does', () => {
    const artifact = new AmiArtifact(
      { amis, sourceAmi: 'ami-00000000000000001', name: 'web' },
      fx.cloud,
    );
    expect(artifact.builderId()).toBe(BUILDER_ID);
    expect(artifact.builderId()).toBe('imprint.aws-like');
    expect(artifact.id()).toBe('us-east-1:ami-0000000000000000a,eu-west-1:ami-0000000000000000b');
    expect(artifact.toString()).toBe(
      'AMIs were created:\nus-east-1: ami-0000000000000000a\neu-west-1: ami-0000000000000000b',
    );
    expect(artifact.files()).toEqual([]);
  });

  it('fails the registry check when it holds no image', () => {
    const artifact = new AmiArtifact(
      { amis: {}, sourceAmi: 'ami-00000000000000001', name: 'web' },
      fx.cloud,
    );
    expect(() => expectRegistryMetadata(artifact)).toThrow(
      'AmiArtifact.amis (@ImagesByRegion()) holds no images; the artifact must state at least one region → image id entry',
    );
  });

  it('destroys its images in every region, and again is a no-op', async () => {
    const east = await fx.cloud.registerImage({ region: 'us-east-1', name: 'web' });
    const west = await fx.cloud.registerImage({ region: 'eu-west-1', name: 'web' });
    const artifact = new AmiArtifact(
      {
        amis: { 'us-east-1': east.imageId, 'eu-west-1': west.imageId },
        sourceAmi: fx.base.imageId,
        name: 'web',
      },
      fx.cloud,
    );
    await artifact.destroy();
    expect(await fx.cloud.describeImages({ region: 'us-east-1' })).toEqual([fx.base]);
    expect(await fx.cloud.describeImages({ region: 'eu-west-1' })).toEqual([]);
    await artifact.destroy();
  });

  it('deregisters what it can and lists what it could not', async () => {
    const east = await fx.cloud.registerImage({ region: 'us-east-1', name: 'web' });
    const west = await fx.cloud.registerImage({ region: 'eu-west-1', name: 'web' });
    const flaky = wrapClient(fx.cloud, {
      deregisterImage: async (region, imageId) => {
        if (region === 'us-east-1') throw new Error('throttled');
        return fx.cloud.deregisterImage(region, imageId);
      },
    });
    const artifact = new AmiArtifact(
      {
        amis: { 'us-east-1': east.imageId, 'eu-west-1': west.imageId },
        sourceAmi: fx.base.imageId,
        name: 'web',
      },
      flaky,
    );
    const error = await rejectionOf(artifact.destroy());
    expect(error).toBeInstanceOf(ArtifactDestroyError);
    expect((error as ArtifactDestroyError).code).toBe('AWS_LIKE_ERR_DESTROY_FAILED');
    expect(error.message).toBe(
      `Could not deregister 1 of 2 images:\n  - us-east-1:${east.imageId}: throttled\nThe others were deregistered. Call destroy() again once the cause is fixed; images already gone are skipped.`,
    );
    expect(await fx.cloud.describeImages({ region: 'eu-west-1' })).toEqual([]);
    expect((await fx.cloud.describeImages({ region: 'us-east-1' })).map((i) => i.imageId)).toEqual([
      fx.base.imageId,
      east.imageId,
    ]);
  });
});
