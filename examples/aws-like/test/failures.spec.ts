import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CloudClient } from '@imprint/example-aws-like';
import {
  AWS_LIKE_ERROR_CODES,
  AmbiguousSourceImageError,
  BuildCancelledError,
  ImageCopyError,
  ImageNameInUseError,
  PathOutsideInstanceError,
  ProvisionError,
  SourceImageNotFoundError,
  sequentialIds,
} from '@imprint/example-aws-like';
import type { CloudFixture } from './helpers';
import {
  VENDOR,
  createCloudFixture,
  imagesIn,
  prepareBuilder,
  rejectionOf,
  steppingClock,
  wrapClient,
} from './helpers';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

let fx: CloudFixture;
beforeEach(async () => {
  fx = await createCloudFixture({ generateId: sequentialIds(), now: steppingClock() });
});
afterEach(() => fx.cleanup());

function template(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    region: 'us-east-1',
    source_ami: fx.base.imageId,
    ami_name: 'web-server',
    ami_regions: ['us-west-2', 'eu-west-1'],
    tags: { team: 'web' },
    provision: [{ type: 'shell', inline: ['echo provisioning'] }],
    ...extra,
  };
}

async function build(
  raw: Record<string, unknown>,
  client: CloudClient = fx.cloud,
  context = fx.context(),
): Promise<Error> {
  const { builder } = await prepareBuilder(client, raw);
  return rejectionOf(builder.run(context));
}

/** The cloud holds nothing but the base image, and no instance runs. */
async function expectNothingLeft(): Promise<void> {
  expect(await imagesIn(fx.cloud, REGIONS)).toEqual({
    'us-east-1': [fx.base.name],
    'us-west-2': [],
    'eu-west-1': [],
  });
  const instances = join(fx.cloudDir, 'us-east-1', 'instances');
  expect(await readdir(instances).catch(() => [])).toEqual([]);
}

describe('source image failures', () => {
  it('fails on a source_ami that does not exist in the region', async () => {
    const error = await build(template({ source_ami: 'ami-0000000000000dead' }));
    expect(error).toBeInstanceOf(SourceImageNotFoundError);
    expect((error as SourceImageNotFoundError).code).toBe(AWS_LIKE_ERROR_CODES.SOURCE_NOT_FOUND);
    expect(error.message).toBe(
      "aws-like source 'base': no source image matches source_ami ami-0000000000000dead in region us-east-1. Check the id or filter, check that the image lives in us-east-1 (images are per region), or seed it with LocalCloud.registerImage().",
    );
    await expectNothingLeft();
  });

  it('fails on a source image that lives in another region', async () => {
    const error = await build(template({ region: 'us-west-2', ami_regions: [] }));
    expect(error.message).toBe(
      `aws-like source 'base': no source image matches source_ami ${fx.base.imageId} in region us-west-2. Check the id or filter, check that the image lives in us-west-2 (images are per region), or seed it with LocalCloud.registerImage().`,
    );
  });

  it('fails when source_ami_filter matches nothing', async () => {
    const error = await build(
      template({
        source_ami: undefined,
        source_ami_filter: { name: 'debian-*', owners: [VENDOR] },
      }),
    );
    expect(error).toBeInstanceOf(SourceImageNotFoundError);
    expect(error.message).toBe(
      'aws-like source \'base\': no source image matches source_ami_filter (name "debian-*", owners 099720109477) in region us-east-1. Check the id or filter, check that the image lives in us-east-1 (images are per region), or seed it with LocalCloud.registerImage().',
    );
  });

  it('fails when source_ami_filter matches several images and most_recent is not set', async () => {
    await fx.cloud.registerImage({
      region: 'us-east-1',
      name: 'ubuntu/images/ubuntu-22.04-arm64-base',
      ownerId: VENDOR,
    });
    const error = await build(
      template({ source_ami: undefined, source_ami_filter: { name: 'ubuntu/*' } }),
    );
    expect(error).toBeInstanceOf(AmbiguousSourceImageError);
    expect((error as AmbiguousSourceImageError).code).toBe(AWS_LIKE_ERROR_CODES.SOURCE_AMBIGUOUS);
    expect(error.message).toBe(
      'aws-like source \'base\': 2 images in us-east-1 match source_ami_filter (name "ubuntu/*") (ami-00000000000000001, ami-00000000000000002). Narrow source_ami_filter, or set most_recent = true to take the newest.',
    );
  });
});

describe('image name failures', () => {
  it('fails before launching when ami_name is taken in a target region', async () => {
    const taken = await fx.cloud.registerImage({ region: 'eu-west-1', name: 'web-server' });
    const error = await build(template());
    expect(error).toBeInstanceOf(ImageNameInUseError);
    expect(error.message).toBe(
      `Image name 'web-server' is already used by ${taken.imageId} in region eu-west-1. Choose another ami_name, deregister ${taken.imageId}, or set force_deregister = true to replace it.`,
    );
    expect(await readdir(join(fx.cloudDir, 'us-east-1'))).not.toContain('instances');
  });

  it('replaces the old images with force_deregister, so a build can be repeated', async () => {
    const { builder } = await prepareBuilder(fx.cloud, template());
    const first = await builder.run(fx.context());
    const again = await prepareBuilder(fx.cloud, template({ force_deregister: true }));
    const context = fx.context();
    const second = await again.builder.run(context);
    expect(second.id()).not.toBe(first.id());
    expect(await imagesIn(fx.cloud, REGIONS)).toEqual({
      'us-east-1': [fx.base.name, 'web-server'],
      'us-west-2': ['web-server'],
      'eu-west-1': ['web-server'],
    });
    expect(context.ui.lines()).toContain(
      "Deregistering ami-00000000000000002 in us-east-1: it is named 'web-server' (force_deregister)",
    );
  });
});

describe('provisioning failures', () => {
  it('fails with the step, the exit status and the end of its output; nothing is left', async () => {
    const error = await build(
      template({
        provision: [
          { type: 'shell', inline: ['echo one', 'echo two >&2', 'exit 7', 'echo never'] },
        ],
      }),
    );
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).code).toBe(AWS_LIKE_ERROR_CODES.PROVISION_FAILED);
    expect(error.message).toBe(
      [
        'Provisioning step provision[0] (shell) failed on instance i-00000000000000001: the commands exited with status 7. The instance is terminated and no image is created; fix the step and run the build again.',
        'Last output:',
        '  one',
        '  two',
      ].join('\n'),
    );
    await expectNothingLeft();
  });

  it('stops at the first failing command', async () => {
    const error = await build(
      template({ provision: [{ type: 'shell', inline: ['false', 'echo after'] }] }),
    );
    expect(error.message).toMatch(/the commands exited with status 1\. .*run the build again\.$/);
  });

  it('fails a file step whose destination leads outside the instance', async () => {
    const error = await build(
      template({
        provision: [
          { type: 'shell', inline: ['ln -s /tmp escape'] },
          { type: 'file', destination: '/escape/owned', content: 'x' },
        ],
      }),
    );
    expect(error).toBeInstanceOf(ProvisionError);
    expect(error.cause).toBeInstanceOf(PathOutsideInstanceError);
    expect(error.message).toBe(
      "Provisioning step provision[1] (file) failed on instance i-00000000000000001: Cannot write '/escape/owned' on instance i-00000000000000001: a link on its path leads outside the instance. Destinations are absolute paths inside the instance (e.g. /etc/motd) and must not pass through links that lead outside it. The instance is terminated and no image is created; fix the step and run the build again.",
    );
    await expectNothingLeft();
  });
});

describe('a copy that fails half-way', () => {
  const failingIn = (region: string): CloudClient =>
    wrapClient(fx.cloud, {
      copyImage: async (request) => {
        if (request.destinationRegion === region) throw new Error('snapshot quota exceeded');
        return fx.cloud.copyImage(request);
      },
    });

  it('deregisters the images already made and names the region that failed', async () => {
    const context = fx.context();
    const error = await build(template(), failingIn('eu-west-1'), context);
    expect(error).toBeInstanceOf(ImageCopyError);
    expect((error as ImageCopyError).code).toBe(AWS_LIKE_ERROR_CODES.COPY_FAILED);
    expect((error as ImageCopyError).failedRegion).toBe('eu-west-1');
    expect((error.cause as Error).message).toBe('snapshot quota exceeded');
    expect(error.message).toBe(
      'Copying image ami-00000000000000002 from us-east-1 to eu-west-1 failed: snapshot quota exceeded. The images this build made (us-east-1:ami-00000000000000002, us-west-2:ami-00000000000000003) are deregistered before this error is reported; fix the cause (or remove eu-west-1 from ami_regions) and run the build again.',
    );
    await expectNothingLeft();
    expect(context.ui.lines().slice(-3)).toEqual([
      'Deregistering ami-00000000000000002 in us-east-1: the build did not finish',
      'Deregistering ami-00000000000000003 in us-west-2: the build did not finish',
      'Terminating instance i-00000000000000001',
    ]);
  });

  it('reports an image it cannot deregister and still throws the copy error', async () => {
    const client = wrapClient(failingIn('eu-west-1'), {
      deregisterImage: async (region) => {
        throw new Error(`${region} is unreachable`);
      },
    });
    const context = fx.context();
    const error = await build(template(), client, context);
    expect(error).toBeInstanceOf(ImageCopyError);
    expect(context.ui.entries.filter((e) => e.level === 'error')).toEqual([
      {
        level: 'error',
        text: 'Could not deregister ami-00000000000000002 in us-east-1: us-east-1 is unreachable. Deregister it by hand.',
      },
      {
        level: 'error',
        text: 'Could not deregister ami-00000000000000003 in us-west-2: us-west-2 is unreachable. Deregister it by hand.',
      },
    ]);
  });
});

describe('cancellation', () => {
  it('stops before doing anything when cancelled before the start', async () => {
    const context = fx.context();
    context.abort(new Error('Ctrl-C'));
    const error = await build(template(), fx.cloud, context);
    expect(error).toBeInstanceOf(BuildCancelledError);
    expect((error as BuildCancelledError).code).toBe(AWS_LIKE_ERROR_CODES.CANCELLED);
    expect(error.message).toBe(
      "Build aws-like.base was cancelled during step 'source-image'; its instance and images are cleaned up before this error is reported.",
    );
    expect(context.ui.lines()).toEqual([]);
  });

  it('kills a running shell step, terminates the instance and creates no image', async () => {
    const context = fx.context();
    const say = context.ui.message.bind(context.ui);
    context.ui.message = (text) => {
      say(text);
      if (text === 'started') context.abort(new Error('Ctrl-C'));
    };
    const started = Date.now();
    const error = await build(
      template({ provision: [{ type: 'shell', inline: ['echo started', 'sleep 30'] }] }),
      fx.cloud,
      context,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(BuildCancelledError);
    expect(error.message).toBe(
      "Build aws-like.base was cancelled during step 'provision[0] (shell)'; its instance and images are cleaned up before this error is reported.",
    );
    await expectNothingLeft();
  });

  it('deregisters the images made so far when cancelled between copies', async () => {
    const context = fx.context();
    const client = wrapClient(fx.cloud, {
      copyImage: async (request) => {
        const copy = await fx.cloud.copyImage(request);
        context.abort(new Error('timeout'));
        return copy;
      },
    });
    const error = await build(template(), client, context);
    expect(error).toBeInstanceOf(BuildCancelledError);
    expect(error.message).toBe(
      "Build aws-like.base was cancelled during step 'copy-image (to eu-west-1)'; its instance and images are cleaned up before this error is reported.",
    );
    expect((error.cause as Error).message).toBe('timeout');
    await expectNothingLeft();
  });
});
