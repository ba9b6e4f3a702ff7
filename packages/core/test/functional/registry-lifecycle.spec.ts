import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Build } from '@imprint/client';
import type { RunEvent } from '@imprint/core';
import { TemplateTypeMismatchError, runBuild } from '@imprint/core';
import { tempDirs, useRegistry, writeTemplate } from '../helpers/fixtures';
import { PLAIN_PLUGINS, usePlainPlugin } from '../helpers/plain-plugin';

jest.setTimeout(30_000);

/**
 * Packer's registry lifecycle details (reference §3): channels assigned when
 * the version completes, template type checked on resume, build labels merged
 * into builds that are not done, one run id per run, the `git_sha` label.
 */
const dirs = tempDirs();
const registry = useRegistry(dirs);
const plugin = usePlainPlugin(dirs);

const PLUGINS = PLAIN_PLUGINS;

/** Two `plain` sources whose `plain-meta` post-processor states registry metadata. */
function twoBuilds(
  bucket: string,
  registryBlock: Record<string, unknown> = {},
  delayMs = 0,
): Record<string, unknown> {
  return {
    required_plugins: PLUGINS,
    sources: {
      'plain.a': { id: `${bucket}-a` },
      'plain.b': { id: `${bucket}-b`, delay_ms: delayMs },
    },
    build: { sources: ['plain.a', 'plain.b'], post_processors: [[{ type: 'plain-meta' }]] },
    registry: { bucket_name: bucket, ...registryBlock },
  };
}

async function builds(bucket: string, fp: string): Promise<Record<string, Build>> {
  const { builds: list } = await registry.client.listBuilds(bucket, fp);
  return Object.fromEntries(list.map((b) => [b.component_type, b]));
}

/** Runs the first build of a two-build version to done and cancels the second: an incomplete version. */
async function incompleteVersion(
  work: string,
  file: string,
): Promise<{ fp: string; runId: string }> {
  const controller = new AbortController();
  const first = await runBuild({
    template: file,
    env: {},
    pluginDir: plugin.dir,
    registry: registry.client,
    parallel: 1,
    runDir: join(work, 'run-1'),
    signal: controller.signal,
    onEvent: (e) => {
      if (e.build === 'plain.b' && e.kind === 'say') controller.abort(new Error('stop'));
    },
  });
  expect(first.builds.map((b) => [b.name, b.status])).toEqual([
    ['plain.a', 'done'],
    ['plain.b', 'cancelled'],
  ]);
  expect(first.registry?.versionComplete).toBe(false);
  return { fp: first.registry!.fingerprint, runId: first.runId };
}

describe('channels', () => {
  it('are assigned as soon as the last build is done, even when a later step of the run fails', async () => {
    const work = await dirs.make();
    const file = await writeTemplate(
      work,
      'chan.pkr.json',
      twoBuilds('core-chan-early', { channels: ['production'] }),
    );
    const events: RunEvent[] = [];
    const failure = await runBuild({
      template: file,
      env: {},
      pluginDir: plugin.dir,
      registry: registry.client,
      parallel: 1,
      fingerprint: 'chan-early-1',
      runDir: join(work, 'run'),
      onEvent: (e) => {
        events.push(e);
        // The reporter breaks on the very last line of the last build (say, stdout closed).
        if (e.build === 'plain.b' && e.message.startsWith('artifact: ')) {
          throw new Error('reporter broke after the last build');
        }
      },
    }).catch((error: unknown) => error);
    expect((failure as Error).message).toBe('reporter broke after the last build');

    // The version completed with plain.b's done build, and its channel followed at once.
    expect((await registry.client.getVersion('core-chan-early', 'chan-early-1')).name).toBe('v1');
    const channel = await registry.client.getChannel('core-chan-early', 'production');
    expect(channel.version?.fingerprint).toBe('chan-early-1');

    // Not before: the first done build left the version incomplete.
    const lines = events.map((e) => e.line);
    const assigned = lines.indexOf(
      'version chan-early-1 is complete; assigned it to channel(s) production',
    );
    expect(assigned).toBeGreaterThan(lines.findIndex((l) => l.startsWith('plain.b: running')));
    expect(assigned).toBeLessThan(lines.findIndex((l) => l.startsWith('plain.b: artifact: ')));
  });

  it('are not assigned while the version is incomplete', async () => {
    const work = await dirs.make();
    const file = await writeTemplate(
      work,
      'chan2.pkr.json',
      twoBuilds('core-chan-incomplete', { channels: ['production'] }),
    );
    const { fp } = await incompleteVersion(work, file);
    expect((await registry.client.getVersion('core-chan-incomplete', fp)).name).toBe('v0');
    const { channels } = await registry.client.listChannels('core-chan-incomplete');
    expect(channels.find((c) => c.name === 'production')).toBeUndefined();
  });
});

describe('resuming a fingerprint', () => {
  it('refuses a version created from a template of the other type (HCL2 vs JSON)', async () => {
    const work = await dirs.make();
    // A version created by an HCL2 run (the type is what matters, not who wrote it).
    await registry.client.upsertBucket('core-type');
    await registry.client.createVersion('core-type', {
      fingerprint: 'type-hcl',
      template_type: 'HCL2',
    });
    const file = await writeTemplate(work, 'type.pkr.json', twoBuilds('core-type'));
    const error = await runBuild({
      template: file,
      env: { IMPRINT_BUILD_FINGERPRINT: 'type-hcl' },
      pluginDir: plugin.dir,
      registry: registry.client,
      runDir: join(work, 'run'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateTypeMismatchError);
    expect(error).toMatchObject({
      code: 'IMPRINT_ERR_RUN_TEMPLATE_TYPE_MISMATCH',
      storedType: 'HCL2',
      templateType: 'JSON',
    });
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('fingerprint type-hcl');
    // Nothing was built or created: the version has no builds.
    expect((await registry.client.listBuilds('core-type', 'type-hcl')).builds).toEqual([]);

    // The other way round: an HCL2 template on a version a JSON run created.
    const jsonRun = await incompleteVersion(work, file);
    const hcl = join(work, 'type.pkr.hcl');
    await writeFile(
      hcl,
      `packer {
  required_plugins {
    plain = "imprint-plugin-plain"
  }
}
source "plain" "a" {}
build {
  sources = ["source.plain.a"]
}
registry {
  bucket_name = "core-type"
}
`,
    );
    await expect(
      runBuild({
        template: hcl,
        env: {},
        fingerprint: jsonRun.fp,
        pluginDir: plugin.dir,
        registry: registry.client,
        runDir: join(work, 'run-hcl'),
      }),
    ).rejects.toMatchObject({
      code: 'IMPRINT_ERR_RUN_TEMPLATE_TYPE_MISMATCH',
      storedType: 'JSON',
      templateType: 'HCL2',
    });
  });

  it("merges the template's build_labels into builds not done yet, skips done builds, and records each run's id", async () => {
    const work = await dirs.make();
    const first = join(work, 'first.pkr.json');
    await writeTemplate(
      work,
      'first.pkr.json',
      twoBuilds('core-labels', { build_labels: { os: 'linux', stage: 'one' } }),
    );
    const { fp, runId: firstRunId } = await incompleteVersion(work, first);
    const before = await builds('core-labels', fp);
    expect(before['plain.b']).toMatchObject({
      status: 'BUILD_CANCELLED',
      labels: { os: 'linux', stage: 'one' },
      packer_run_uuid: firstRunId,
    });

    // The template changed its build labels; plain.b is slow enough to be seen running.
    const second = await writeTemplate(
      work,
      'second.pkr.json',
      twoBuilds('core-labels', { build_labels: { stage: 'two', team: 'web' } }, 800),
    );
    let whileRunning: Promise<Record<string, Build>> | undefined;
    const events: RunEvent[] = [];
    const result = await runBuild({
      template: second,
      env: { IMPRINT_BUILD_FINGERPRINT: fp },
      pluginDir: plugin.dir,
      registry: registry.client,
      runDir: join(work, 'run-2'),
      onEvent: (e) => {
        events.push(e);
        if (e.build === 'plain.b' && e.message === 'working') {
          whileRunning = builds('core-labels', fp);
        }
      },
    });
    expect(result.status).toBe('done');
    expect(result.runId).not.toBe(firstRunId);
    expect(result.builds.map((b) => [b.name, b.status])).toEqual([
      ['plain.a', 'skipped'],
      ['plain.b', 'done'],
    ]);
    expect(events.map((e) => e.line)).toContain('plain.a: skipping already done build');

    // Merged before the build ran (old keys kept, new values win), with this run's id.
    const running = (await whileRunning!)['plain.b'];
    expect(running.status).toBe('BUILD_RUNNING');
    expect(running.labels).toEqual({ os: 'linux', stage: 'two', team: 'web' });
    expect(running.packer_run_uuid).toBe(result.runId);

    const after = await builds('core-labels', fp);
    // The done build is left as it was: its labels and its run.
    expect(after['plain.a']).toEqual(before['plain.a']);
    expect(after['plain.a'].packer_run_uuid).toBe(firstRunId);
    expect(after['plain.b']).toMatchObject({
      status: 'BUILD_DONE',
      labels: expect.objectContaining({ os: 'linux', stage: 'two', team: 'web', from: 'meta' }),
      packer_run_uuid: result.runId,
    });
    expect(after['plain.b'].metadata.packer).toMatchObject({ run_uuid: result.runId });
  });
});

describe('build metadata', () => {
  it('records one run id for every build of a run, and the git_sha of the template directory', async () => {
    const work = await dirs.make();
    // A minimal git work tree whose HEAD is a known commit (no git command needed to make it).
    const sha = '0123456789abcdef0123456789abcdef01234567';
    await mkdir(join(work, '.git', 'objects'), { recursive: true });
    await mkdir(join(work, '.git', 'refs', 'heads'), { recursive: true });
    await writeFile(join(work, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(join(work, '.git', 'refs', 'heads', 'main'), `${sha}\n`);

    const file = await writeTemplate(
      work,
      'meta.pkr.json',
      twoBuilds('core-run-id', { build_labels: { os: 'linux' } }),
    );
    const result = await runBuild({
      template: file,
      env: {},
      pluginDir: plugin.dir,
      registry: registry.client,
      runDir: join(work, 'run'),
    });
    expect(result.status).toBe('done');
    expect(result.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const stored = Object.values(await builds('core-run-id', result.registry!.fingerprint));
    expect(stored).toHaveLength(2);
    for (const build of stored) {
      expect(build.packer_run_uuid).toBe(result.runId);
      expect(build.metadata.packer).toMatchObject({ run_uuid: result.runId });
      expect(build.metadata.vcs).toEqual({ type: 'git', details: { commit: sha } });
      expect(build.labels).toMatchObject({ git_sha: sha, os: 'linux' });
    }

    // Another run of the same template: another id.
    const again = await runBuild({
      template: file,
      env: {},
      pluginDir: plugin.dir,
      registry: registry.client,
      runDir: join(work, 'run-again'),
    });
    expect(again.runId).not.toBe(result.runId);
  });
});
