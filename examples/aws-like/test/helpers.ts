import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentLocation } from '@imprint/sdk';
import { parseConfig } from '@imprint/sdk';
import type { TestBuildContext } from '@imprint/sdk/testing';
import { createTestBuildContext } from '@imprint/sdk/testing';
import type {
  CloudClient,
  CloudConnector,
  CloudImage,
  LocalCloudOptions,
} from '@imprint/example-aws-like';
import { AwsLikeBuilder, AwsLikeConfig, LocalCloud } from '@imprint/example-aws-like';

/** Where the tests' builders are configured. */
export const LOCATION: ComponentLocation = { kind: 'source', component: 'aws-like', name: 'base' };

/** The vendor account that publishes the base images. */
export const VENDOR = '099720109477';

/** A local cloud in a fresh temporary directory, seeded with one base image. */
export interface CloudFixture {
  readonly root: string;
  readonly cloudDir: string;
  readonly workDir: string;
  readonly cloud: LocalCloud;
  readonly base: CloudImage;
  /** A build context whose work directory is inside the fixture. */
  context(): TestBuildContext;
  cleanup(): Promise<void>;
}

export async function createCloudFixture(
  options: Omit<LocalCloudOptions, 'dir'> = {},
): Promise<CloudFixture> {
  const root = await mkdtemp(join(tmpdir(), 'imprint-aws-like-'));
  const cloudDir = join(root, 'cloud');
  const workDir = join(root, 'work');
  await mkdir(workDir);
  const cloud = new LocalCloud({ dir: cloudDir, ...options });
  const base = await cloud.registerImage({
    region: 'us-east-1',
    name: 'ubuntu/images/ubuntu-22.04-amd64-base',
    description: 'Ubuntu 22.04 base image',
    ownerId: VENDOR,
    os: 'ubuntu',
    files: { '/etc/os-release': 'ID=ubuntu\nVERSION_ID="22.04"\n' },
  });
  return {
    root,
    cloudDir,
    workDir,
    cloud,
    base,
    context: () => createTestBuildContext({ workDir, buildName: 'aws-like.base' }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** A builder working in `client`, prepared with `raw` as the template would give it. */
export async function prepareBuilder(
  client: CloudClient,
  raw: Record<string, unknown>,
): Promise<{ builder: AwsLikeBuilder; warnings: string[] }> {
  const connect: CloudConnector = () => client;
  const builder = new AwsLikeBuilder(connect);
  const warnings = await builder.prepare(parseConfig(AwsLikeConfig, raw, LOCATION), LOCATION);
  return { builder, warnings };
}

/**
 * `inner` with some methods replaced: fault injection without mocking the
 * cloud. Every other call goes to the real implementation.
 */
export function wrapClient(inner: CloudClient, overrides: Partial<CloudClient>): CloudClient {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof CloudClient];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Catches the rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Every image (id and name) in the given regions. */
export async function imagesIn(
  cloud: CloudClient,
  regions: readonly string[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const region of regions) {
    out[region] = (await cloud.describeImages({ region })).map((i) => i.name);
  }
  return out;
}

/** A clock that starts at `start` and moves one minute forward on every reading. */
export function steppingClock(start = '2024-01-01T00:00:00.000Z'): () => Date {
  let next = Date.parse(start);
  return () => {
    const now = new Date(next);
    next += 60_000;
    return now;
  };
}
