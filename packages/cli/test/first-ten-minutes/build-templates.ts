import { mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalCloud } from '@imprint/example-aws-like';
import type { TempDirs } from '@imprint/registry/testing';
import type { Running } from '../helpers/bin';
import { eventually, writeJson } from '../helpers/bin';

/** A docker-like build that takes a second: its layout goes to `out` (outside the temp dir). */
export function quickTemplate(bucket: string, out: string, file = '/etc/base') {
  return {
    required_plugins: { 'docker-like': '@imprint/example-docker-like' },
    sources: {
      'docker-like.base': {
        base: 'scratch',
        tag: 'base',
        output_dir: out,
        created: '2024-01-01T00:00:00Z',
        files: [{ content: 'base\n', destination: file }],
      },
    },
    build: { sources: ['docker-like.base'] },
    registry: { bucket_name: bucket, channels: ['production'] },
  };
}

/**
 * A template with one aws-like build that provisions for a minute, seeded in a fresh local cloud.
 * A `stubborn` one provisions for 10 s, ignoring SIGTERM: cancelling it takes aws-like's 2 s
 * grace before SIGKILL, time enough for a second signal.
 */
export async function slowTemplate(
  dirs: TempDirs,
  bucket: string,
  stubborn = false,
): Promise<string> {
  const dir = await dirs.make();
  const cloudDir = join(dir, 'cloud');
  const base = await new LocalCloud({ dir: cloudDir }).registerImage({
    region: 'us-east-1',
    name: 'test/images/base',
    ownerId: '099720109477',
    os: 'ubuntu',
    files: { '/etc/os-release': 'ID=ubuntu\n' },
  });
  return writeJson(dir, 'slow.pkr.json', {
    required_plugins: { 'aws-like': '@imprint/example-aws-like' },
    sources: {
      'aws-like.slow': {
        region: 'us-east-1',
        source_ami: base.imageId,
        ami_name: `${bucket}-image`,
        provision: [
          {
            type: 'shell',
            inline: ['echo provisioning', stubborn ? "trap '' TERM; sleep 10" : 'sleep 60'],
          },
        ],
        cloud_dir: cloudDir,
      },
    },
    build: { sources: ['aws-like.slow'] },
    registry: { bucket_name: bucket },
  });
}

/** A fresh directory to be the child's `TMPDIR`, so that what the run leaves there is exactly checked. */
export async function freshTmp(dirs: TempDirs): Promise<string> {
  const dir = await dirs.make();
  return mkdtemp(join(dir, 'tmp-'));
}

/** Every path under `dir`, relative, sorted. */
export async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

/** Waits until the slow build provisions (its work directory exists in `tmp`). */
export async function provisioning(run: Running, tmp: string): Promise<void> {
  await eventually('the slow build provisioning', 30_000, async () => {
    if (run.child.exitCode !== null) {
      throw new Error(`imprint exited early:\n${run.stdout}\n${run.stderr}`);
    }
    const inTmp = await tree(tmp);
    return run.stdout.includes('provisioning') && inTmp.some((p) => p.endsWith('aws-like.slow'))
      ? true
      : undefined;
  });
}
