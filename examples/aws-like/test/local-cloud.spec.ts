import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AWS_LIKE_ERROR_CODES,
  CloudStateError,
  DEFAULT_REGIONS,
  ImageNameInUseError,
  ImageNotFoundError,
  InstanceNotFoundError,
  InvalidCloudRequestError,
  LocalCloud,
  PathOutsideInstanceError,
  RESOURCE_ID_PATTERN,
  UnknownRegionError,
  randomIds,
  sequentialIds,
} from '@imprint/example-aws-like';
import type { CloudFixture } from './helpers';
import { VENDOR, createCloudFixture, rejectionOf, steppingClock } from './helpers';

let fx: CloudFixture;
beforeEach(async () => {
  fx = await createCloudFixture({ generateId: sequentialIds(), now: steppingClock() });
});
afterEach(() => fx.cleanup());

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length))
    .sort();
}

/** Running and not a zombie: a killed child may linger unreaped in a container. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('LocalCloud images', () => {
  it('registers a base image with a fresh id and persists it', async () => {
    expect(fx.base).toEqual({
      imageId: 'ami-00000000000000001',
      region: 'us-east-1',
      name: 'ubuntu/images/ubuntu-22.04-amd64-base',
      description: 'Ubuntu 22.04 base image',
      ownerId: VENDOR,
      creationDate: '2024-01-01T00:00:00.000Z',
      os: 'ubuntu',
      tags: {},
    });
    const reopened = new LocalCloud({ dir: fx.cloudDir });
    expect(await reopened.describeImages({ region: 'us-east-1' })).toEqual([fx.base]);
    expect(await filesUnder(await reopened.imageRoot('us-east-1', fx.base.imageId))).toEqual([
      '/etc/os-release',
    ]);
  });

  it('keeps one state file per region, with no temporary or lock files left', async () => {
    await fx.cloud.registerImage({ region: 'eu-west-1', name: 'other' });
    const state = JSON.parse(await readFile(join(fx.cloudDir, 'us-east-1', 'images.json'), 'utf8'));
    expect(state).toEqual({ formatVersion: 1, images: [fx.base] });
    expect((await readdir(fx.cloudDir)).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect((await readdir(join(fx.cloudDir, 'us-east-1'))).sort()).toEqual([
      'images.json',
      'snapshots',
    ]);
  });

  it('makes random ids in the EC2 format by default', () => {
    const ids = new Set(Array.from({ length: 50 }, () => randomIds('ami')));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(randomIds('i')).toMatch(RESOURCE_ID_PATTERN);
  });

  it('filters by id, EC2 name wildcards and owner', async () => {
    const mine = await fx.cloud.registerImage({ region: 'us-east-1', name: 'web (v1) [blue]' });
    const names = async (query: object) =>
      (await fx.cloud.describeImages({ region: 'us-east-1', ...query })).map((i) => i.imageId);
    expect(await names({ imageIds: [mine.imageId] })).toEqual([mine.imageId]);
    expect(await names({ name: 'ubuntu/*-22.04-*' })).toEqual([fx.base.imageId]);
    expect(await names({ name: 'ubuntu/images/ubuntu-22.0?-amd64-base' })).toEqual([
      fx.base.imageId,
    ]);
    expect(await names({ name: 'ubuntu' })).toEqual([]);
    // Brackets and parentheses are literal in EC2 names, not glob syntax.
    expect(await names({ name: 'web (v1) [blue]' })).toEqual([mine.imageId]);
    expect(await names({ name: 'web (v?) [b*]' })).toEqual([mine.imageId]);
    expect(await names({ name: 'web (v1) b' })).toEqual([]);
    expect(await names({ owners: [VENDOR] })).toEqual([fx.base.imageId]);
    expect(await names({ owners: ['self'] })).toEqual([mine.imageId]);
    expect(await names({ owners: [] })).toEqual([fx.base.imageId, mine.imageId]);
  });

  it('rejects an unknown region, naming the known ones', async () => {
    const error = await rejectionOf(fx.cloud.describeImages({ region: 'mars-1' }));
    expect(error).toBeInstanceOf(UnknownRegionError);
    expect((error as UnknownRegionError).code).toBe(AWS_LIKE_ERROR_CODES.UNKNOWN_REGION);
    expect(error.message).toBe(
      `Unknown region 'mars-1'. This cloud has: ${DEFAULT_REGIONS.join(', ')}. Use one of them, or configure the cloud's regions (LocalCloud option \`regions\`).`,
    );
    const small = new LocalCloud({ dir: fx.cloudDir, regions: ['r-1'] });
    await expect(small.registerImage({ region: 'us-east-1', name: 'x' })).rejects.toThrow(
      "Unknown region 'us-east-1'. This cloud has: r-1.",
    );
  });

  it('keeps names unique per owner and region', async () => {
    await fx.cloud.registerImage({ region: 'us-east-1', name: 'web' });
    const error = await rejectionOf(fx.cloud.registerImage({ region: 'us-east-1', name: 'web' }));
    expect(error).toBeInstanceOf(ImageNameInUseError);
    expect(error.message).toBe(
      "Image name 'web' is already used by ami-00000000000000002 in region us-east-1. Choose another ami_name, deregister ami-00000000000000002, or set force_deregister = true to replace it.",
    );
    await fx.cloud.registerImage({ region: 'us-west-2', name: 'web' });
    await fx.cloud.registerImage({ region: 'us-east-1', name: 'web', ownerId: VENDOR });
    // The failed attempt left no snapshot behind.
    expect((await readdir(join(fx.cloudDir, 'us-east-1', 'snapshots'))).sort()).toEqual([
      'ami-00000000000000001',
      'ami-00000000000000002',
      'ami-00000000000000005',
    ]);
  });

  it('tags and deregisters images', async () => {
    await fx.cloud.createTags('us-east-1', fx.base.imageId, { team: 'core' });
    await fx.cloud.createTags('us-east-1', fx.base.imageId, { stage: 'prod', team: 'web' });
    const [tagged] = await fx.cloud.describeImages({ region: 'us-east-1' });
    expect(tagged.tags).toEqual({ team: 'web', stage: 'prod' });

    const snapshot = await fx.cloud.imageRoot('us-east-1', fx.base.imageId);
    await fx.cloud.deregisterImage('us-east-1', fx.base.imageId);
    expect(await fx.cloud.describeImages({ region: 'us-east-1' })).toEqual([]);
    expect(existsSync(snapshot)).toBe(false);

    const error = await rejectionOf(fx.cloud.deregisterImage('us-east-1', fx.base.imageId));
    expect(error).toBeInstanceOf(ImageNotFoundError);
    expect(error.message).toBe(
      'Image ami-00000000000000001 does not exist in region us-east-1; it was never created there or has been deregistered.',
    );
    await expect(fx.cloud.createTags('us-east-1', fx.base.imageId, { a: 'b' })).rejects.toThrow(
      ImageNotFoundError,
    );
  });

  it('rejects unsafe tag keys and relative seed paths', async () => {
    const tags = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const error = await rejectionOf(fx.cloud.createTags('us-east-1', fx.base.imageId, tags));
    expect(error).toBeInstanceOf(InvalidCloudRequestError);
    expect(error.message).toBe('createTags: tag key "__proto__" is not allowed');
    await expect(
      fx.cloud.registerImage({ region: 'us-east-1', name: 'x', files: { 'etc/motd': 'x' } }),
    ).rejects.toThrow(
      'registerImage: file paths are absolute paths inside the image, e.g. /etc/motd; got "etc/motd"',
    );
  });

  it('refuses an id generator that breaks the id format', async () => {
    const cloud = new LocalCloud({ dir: fx.cloudDir, generateId: () => 'ami-123' });
    const error = await rejectionOf(cloud.registerImage({ region: 'us-east-1', name: 'x' }));
    expect(error).toBeInstanceOf(InvalidCloudRequestError);
    expect(error.message).toBe(
      'generateId: expected an id like ami-0123456789abcdef0, got "ami-123"',
    );
  });
});

describe('LocalCloud state on disk', () => {
  it('reports a corrupt state file and how to recover', async () => {
    const file = join(fx.cloudDir, 'us-east-1', 'images.json');
    await writeFile(file, '{"formatVersion": 1, "images": [');
    const error = await rejectionOf(fx.cloud.describeImages({ region: 'us-east-1' }));
    expect(error).toBeInstanceOf(CloudStateError);
    expect((error as CloudStateError).code).toBe(AWS_LIKE_ERROR_CODES.CLOUD_STATE);
    expect(error.message).toMatch(
      new RegExp(
        `^Local cloud state ${file}: is not valid JSON \\(.+\\)\\. Restore it from a backup, or delete it to forget every image in us-east-1\\.$`,
      ),
    );
  });

  it('reports a state file of another shape', async () => {
    const file = join(fx.cloudDir, 'us-east-1', 'images.json');
    await writeFile(file, JSON.stringify({ formatVersion: 1, images: [{ imageId: 7 }] }));
    await expect(fx.cloud.describeImages({ region: 'us-east-1' })).rejects.toThrow(
      `Local cloud state ${file}: images[0].imageId is not a string. It was written by something else than LocalCloud (format 1); restore it, or delete it to forget every image in us-east-1.`,
    );
    await writeFile(file, JSON.stringify({ formatVersion: 2, images: [] }));
    await expect(fx.cloud.describeImages({ region: 'us-east-1' })).rejects.toThrow(
      `Local cloud state ${file}: is not an image list of format version 1.`,
    );
  });

  it('loses no update when clouds on the same directory write at once', async () => {
    const other = new LocalCloud({ dir: fx.cloudDir });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? fx.cloud : other).createTags('us-east-1', fx.base.imageId, {
          [`k${i}`]: `v${i}`,
        }),
      ),
    );
    const [image] = await new LocalCloud({ dir: fx.cloudDir }).describeImages({
      region: 'us-east-1',
    });
    expect(Object.keys(image.tags)).toHaveLength(20);
  });

  it('takes over a lock left by a process that has exited', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    await mkdir(join(fx.cloudDir, 'us-east-1', '.lock'));
    await writeFile(join(fx.cloudDir, 'us-east-1', '.lock', 'owner'), String(dead));
    await fx.cloud.createTags('us-east-1', fx.base.imageId, { after: 'crash' });
    expect(existsSync(join(fx.cloudDir, 'us-east-1', '.lock'))).toBe(false);
  });

  it('waits for a lock held by a live process, then says who holds it', async () => {
    await mkdir(join(fx.cloudDir, 'us-east-1', '.lock'));
    await writeFile(join(fx.cloudDir, 'us-east-1', '.lock', 'owner'), String(process.ppid));
    const cloud = new LocalCloud({ dir: fx.cloudDir, lockTimeoutMs: 50 });
    const error = await rejectionOf(cloud.createTags('us-east-1', fx.base.imageId, { a: 'b' }));
    expect(error).toBeInstanceOf(CloudStateError);
    expect(error.message).toBe(
      `Local cloud state ${join(fx.cloudDir, 'us-east-1', '.lock')}: locked by process ${process.ppid} for more than 50 ms. Wait for the other build to finish; if no build is running, delete the lock directory.`,
    );
  });
});

describe('LocalCloud instances', () => {
  it('launches an instance on a copy of the image and snapshots it into a new image', async () => {
    const instance = await fx.cloud.runInstance({
      region: 'us-east-1',
      imageId: fx.base.imageId,
      instanceType: 't3.micro',
    });
    expect(instance).toEqual({
      instanceId: 'i-00000000000000001',
      region: 'us-east-1',
      imageId: fx.base.imageId,
      instanceType: 't3.micro',
    });
    const lines: string[] = [];
    const result = await fx.cloud.runCommand(
      instance,
      'cat etc/os-release | head -1; echo "$IMPRINT_INSTANCE_ID" > instance-id; echo oops >&2; exit 3',
      { onOutput: (line, stream) => lines.push(`${stream}: ${line}`) },
    );
    expect(result).toEqual({ exitCode: 3 });
    expect(lines.sort()).toEqual(['stderr: oops', 'stdout: ID=ubuntu']);
    await fx.cloud.uploadFile(instance, '/etc/motd', 'hello\n');

    const image = await fx.cloud.createImage({ instance, name: 'web', description: 'd' });
    expect(image).toEqual({
      imageId: 'ami-00000000000000002',
      region: 'us-east-1',
      name: 'web',
      description: 'd',
      ownerId: '123456789012',
      creationDate: '2024-01-01T00:01:00.000Z',
      os: 'ubuntu',
      sourceImageId: fx.base.imageId,
      tags: {},
    });
    const root = await fx.cloud.imageRoot('us-east-1', image.imageId);
    expect(await filesUnder(root)).toEqual(['/etc/motd', '/etc/os-release', '/instance-id']);
    expect(await readFile(join(root, 'instance-id'), 'utf8')).toBe('i-00000000000000001\n');
    // The base image is untouched.
    expect(await filesUnder(await fx.cloud.imageRoot('us-east-1', fx.base.imageId))).toEqual([
      '/etc/os-release',
    ]);

    await fx.cloud.terminateInstance(instance);
    await fx.cloud.terminateInstance(instance);
    const error = await rejectionOf(fx.cloud.runCommand(instance, 'true'));
    expect(error).toBeInstanceOf(InstanceNotFoundError);
    expect(error.message).toBe(
      'Instance i-00000000000000001 does not exist in region us-east-1; it was terminated or never launched.',
    );
  });

  it('copies an image to another region with the same source image', async () => {
    const instance = await fx.cloud.runInstance({
      region: 'us-east-1',
      imageId: fx.base.imageId,
      instanceType: 't3.micro',
    });
    const image = await fx.cloud.createImage({ instance, name: 'web', description: '' });
    const copy = await fx.cloud.copyImage({
      sourceRegion: 'us-east-1',
      imageId: image.imageId,
      destinationRegion: 'eu-west-1',
      name: 'web',
      description: '',
    });
    expect(copy).toMatchObject({
      imageId: 'ami-00000000000000003',
      region: 'eu-west-1',
      sourceImageId: fx.base.imageId,
      os: 'ubuntu',
    });
    expect(await filesUnder(await fx.cloud.imageRoot('eu-west-1', copy.imageId))).toEqual([
      '/etc/os-release',
    ]);
    const error = await rejectionOf(
      fx.cloud.copyImage({
        sourceRegion: 'us-west-2',
        imageId: image.imageId,
        destinationRegion: 'eu-west-1',
        name: 'web',
        description: '',
      }),
    );
    expect(error.message).toBe(
      `Image ${image.imageId} does not exist in region us-west-2; it was never created there or has been deregistered.`,
    );
  });

  it('cannot launch from an image that does not exist', async () => {
    await expect(
      fx.cloud.runInstance({
        region: 'us-east-1',
        imageId: 'ami-0000000000000dead',
        instanceType: 't3.micro',
      }),
    ).rejects.toThrow(
      'Image ami-0000000000000dead does not exist in region us-east-1; it was never created there or has been deregistered.',
    );
  });

  it('refuses file destinations outside the instance', async () => {
    const instance = await fx.cloud.runInstance({
      region: 'us-east-1',
      imageId: fx.base.imageId,
      instanceType: 't3.micro',
    });
    const outside = join(fx.root, 'outside');
    await mkdir(outside);
    await fx.cloud.runCommand(instance, `ln -s '${outside}' escape && ln -s /nonexistent dangling`);
    const cases: [string, string][] = [
      ['etc/motd', 'it is not an absolute path'],
      ['/', 'it names a directory, not a file'],
      ['/escape/x', 'a link on its path leads outside the instance'],
      ['/escape/deep/x', 'a link on its path leads outside the instance'],
      ['/dangling/x', 'a link on its path leads outside the instance'],
    ];
    for (const [destination, reason] of cases) {
      const error = await rejectionOf(fx.cloud.uploadFile(instance, destination, 'x'));
      expect(error).toBeInstanceOf(PathOutsideInstanceError);
      expect(error.message).toBe(
        `Cannot write '${destination}' on instance ${instance.instanceId}: ${reason}. Destinations are absolute paths inside the instance (e.g. /etc/motd) and must not pass through links that lead outside it.`,
      );
    }
    expect(await readdir(outside)).toEqual([]);
    // `..` cannot climb out: the path is resolved from the instance root.
    await fx.cloud.uploadFile(instance, '/../../etc/motd', 'inside\n');
    expect(await fx.cloud.runCommand(instance, 'test "$(cat etc/motd)" = inside')).toEqual({
      exitCode: 0,
    });
    // A link at the destination itself is replaced, not followed.
    await fx.cloud.runCommand(instance, `ln -s '${outside}/target' link`);
    await fx.cloud.uploadFile(instance, '/link', 'x');
    expect(await readdir(outside)).toEqual([]);
  });

  it('kills the command and everything it started when cancelled', async () => {
    const instance = await fx.cloud.runInstance({
      region: 'us-east-1',
      imageId: fx.base.imageId,
      instanceType: 't3.micro',
    });
    const controller = new AbortController();
    const started = Date.now();
    const running = fx.cloud.runCommand(
      instance,
      'sleep 30 & echo $! > bg.pid; echo started; wait',
      {
        signal: controller.signal,
        onOutput: (line) => {
          if (line === 'started') controller.abort(new Error('Ctrl-C'));
        },
      },
    );
    const error = await rejectionOf(running);
    expect(error.message).toBe('the command was cancelled');
    expect((error.cause as Error).message).toBe('Ctrl-C');
    expect(Date.now() - started).toBeLessThan(10_000);
    const root = join(fx.cloudDir, 'us-east-1', 'instances', instance.instanceId, 'root');
    const pid = Number(await readFile(join(root, 'bg.pid'), 'utf8'));
    for (let i = 0; i < 100 && isAlive(pid); i++) await delay(20);
    expect(isAlive(pid)).toBe(false);
  });
});
