import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryClient } from '@imprint/client';
import type { RunEvent } from '@imprint/core';
import { RUNNER_VERSION, SPOOL_FORMAT, pushSpool, runBuild } from '@imprint/core';
import { closedPort } from '@imprint/registry/testing';
import { REPO_ROOT, tempDirs, useRegistry, writeTemplate } from './helpers/fixtures';

jest.setTimeout(30_000);

const dirs = tempDirs();
const registry = useRegistry(dirs);

const PLUGINS = {
  'docker-like': '@imprint/example-docker-like',
  'docker-like-tag': '@imprint/example-docker-like',
};
const CREATED = '2024-01-01T00:00:00Z';

function baseTemplate(bucket: string, channels: string[] = []) {
  return {
    required_plugins: PLUGINS,
    variables: { out: { type: 'string' } },
    sources: {
      'docker-like.base': {
        base: 'scratch',
        tag: 'base',
        output_dir: '${var.out}',
        created: CREATED,
        files: [{ content: 'base\n', destination: '/etc/base' }],
      },
    },
    build: {
      name: 'base',
      sources: ['docker-like.base'],
      post_processors: [[{ type: 'docker-like-tag', tags: ['stable'] }]],
    },
    registry: {
      bucket_name: bucket,
      description: 'the base image',
      bucket_labels: { team: 'core' },
      build_labels: { os: 'linux' },
      channels,
    },
  };
}

describe('runBuild against a real registry with the real example plugins', () => {
  it('builds a base then an app from it; the registry links the app to its base', async () => {
    const work = await dirs.make();
    const baseOut = join(work, 'base-layout');
    const events: RunEvent[] = [];
    const base = await runBuild({
      template: await writeTemplate(
        work,
        'base.pkr.json',
        baseTemplate('core-base', ['production']),
      ),
      vars: { out: baseOut },
      env: {},
      pluginDir: REPO_ROOT,
      registry: registry.client,
      runDir: join(work, 'run-base'),
      onEvent: (e) => events.push(e),
    });
    expect(base.status).toBe('done');
    expect(base.builds).toHaveLength(1);
    const [baseBuild] = base.builds;
    expect(baseBuild).toMatchObject({
      name: 'docker-like.base',
      status: 'done',
      registryStatus: 'BUILD_DONE',
    });
    // Builder and tag artifacts describe the same image: deduplicated.
    expect(baseBuild.artifacts).toHaveLength(2);
    expect(baseBuild.images).toHaveLength(1);
    const baseImageId = baseBuild.images[0].imageId;
    expect(baseImageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(events.some((e) => e.line.startsWith('docker-like.base: ') && e.kind === 'say')).toBe(
      true,
    );
    expect(base.registry).toMatchObject({
      bucket: 'core-base',
      versionComplete: true,
      channels: ['production'],
    });
    expect(base.registry?.resumeHint).toBeUndefined();
    expect(base.registry?.fingerprint).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    const fp = base.registry!.fingerprint;
    const version = await registry.client.getVersion('core-base', fp);
    expect(version.name).toBe('v1');
    expect(version.template_type).toBe('JSON');
    const bucket = await registry.client.getBucket('core-base');
    expect(bucket).toMatchObject({ description: 'the base image', labels: { team: 'core' } });
    const { builds } = await registry.client.listBuilds('core-base', fp);
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatchObject({
      component_type: 'docker-like.base',
      status: 'BUILD_DONE',
      platform: 'docker',
      source_external_identifier: 'scratch',
      labels: expect.objectContaining({ os: 'linux', tags: 'base,stable' }),
    });
    expect(builds[0].artifacts.map((a) => [a.external_identifier, a.region])).toEqual([
      [baseImageId, 'docker'],
    ]);
    expect(builds[0].metadata.packer).toEqual({
      version: RUNNER_VERSION,
      plugins: [{ name: '@imprint/example-docker-like', version: '0.1.0' }],
      run_uuid: base.runId,
    });
    expect(builds[0].packer_run_uuid).toBe(base.runId);
    expect(builds[0].metadata.vcs).toBeUndefined(); // the temp dir is not a git repository
    const channel = await registry.client.getChannel('core-base', 'production');
    expect(channel.version?.fingerprint).toBe(fp);

    // The app, built from the base's layout, in a bucket of its own.
    const app = await runBuild({
      template: await writeTemplate(work, 'app.pkr.json', {
        required_plugins: PLUGINS,
        variables: { base: { type: 'string' } },
        sources: {
          'docker-like.app': {
            base: '${var.base}',
            base_ref: 'stable',
            tag: '1.0',
            created: CREATED,
            files: [{ content: 'app\n', destination: '/srv/app/main' }],
          },
        },
        build: { sources: ['docker-like.app'] },
        registry: { bucket_name: 'core-app' },
      }),
      vars: { base: baseOut },
      env: { GITHUB_ACTIONS: 'true', GITHUB_SHA: 'abc123', GITHUB_REPOSITORY: 'acme/app' },
      pluginDir: REPO_ROOT,
      registry: registry.client,
      runDir: join(work, 'run-app'),
    });
    expect(app.status).toBe('done');
    expect(app.builds[0].images[0].sourceImageId).toBe(baseImageId);
    const appBuilds = await registry.client.listBuilds('core-app', app.registry!.fingerprint);
    expect(appBuilds.builds[0].source_external_identifier).toBe(baseImageId);
    expect(appBuilds.builds[0].metadata.cicd).toEqual({
      type: 'github-actions',
      details: { GITHUB_SHA: 'abc123', GITHUB_REPOSITORY: 'acme/app' },
    });
    const ancestry = await registry.client.listBucketAncestry('core-app', {
      type: 'ANCESTRY_TYPE_PARENTS',
    });
    expect(ancestry.relations.map((r) => r.parent?.bucket_name)).toContain('core-base');
  });

  it('stores a failed build, gives a resume hint, and resumes skipping done builds', async () => {
    const work = await dirs.make();
    const file = await writeTemplate(work, 'two.pkr.json', {
      required_plugins: PLUGINS,
      variables: { src: { type: 'string' } },
      sources: {
        'docker-like.good': {
          base: 'scratch',
          created: CREATED,
          files: [{ content: 'g', destination: '/g' }],
        },
        'docker-like.bad': {
          base: 'scratch',
          created: CREATED,
          files: [{ source: '${var.src}', destination: '/b' }],
        },
      },
      build: { sources: ['docker-like.good', 'docker-like.bad'] },
      registry: { bucket_name: 'core-resume', channels: ['dev'] },
    });
    const missing = join(work, 'missing.txt');
    const first = await runBuild({
      template: file,
      vars: { src: missing },
      env: {},
      pluginDir: REPO_ROOT,
      registry: registry.client,
      parallel: 1,
      runDir: join(work, 'run-1'),
    });
    expect(first.status).toBe('failed');
    const byName = Object.fromEntries(first.builds.map((b) => [b.name, b]));
    expect(byName['docker-like.good'].status).toBe('done');
    expect(byName['docker-like.bad']).toMatchObject({
      status: 'failed',
      registryStatus: 'BUILD_FAILED',
    });
    expect(byName['docker-like.bad'].error).toContain(missing);
    const fp = first.registry!.fingerprint;
    expect(first.registry).toMatchObject({
      versionComplete: false,
      resumeHint: `IMPRINT_BUILD_FINGERPRINT=${fp}`,
    });
    const stored = (await registry.client.listBuilds('core-resume', fp)).builds;
    const storedBad = stored.find((b) => b.component_type === 'docker-like.bad')!;
    expect(storedBad.status).toBe('BUILD_FAILED');
    expect(String(storedBad.metadata.error)).toContain(missing);
    expect((await registry.client.getVersion('core-resume', fp)).name).toBe('v0');

    // Fix the input and resume with the same fingerprint (from the environment, as Packer).
    await writeFile(missing, 'now here\n');
    const events: RunEvent[] = [];
    const second = await runBuild({
      template: file,
      vars: { src: missing },
      env: { IMPRINT_BUILD_FINGERPRINT: fp },
      pluginDir: REPO_ROOT,
      registry: registry.client,
      runDir: join(work, 'run-2'),
      onEvent: (e) => events.push(e),
    });
    expect(second.status).toBe('done');
    expect(second.builds.map((b) => [b.name, b.status])).toEqual([
      ['docker-like.good', 'skipped'],
      ['docker-like.bad', 'done'],
    ]);
    expect(events.map((e) => e.line)).toContain('docker-like.good: skipping already done build');
    expect(second.registry).toMatchObject({
      fingerprint: fp,
      versionComplete: true,
      channels: ['dev'],
    });
    expect((await registry.client.getVersion('core-resume', fp)).name).toBe('v1');

    // A complete version is refused, as Packer does.
    await expect(
      runBuild({
        template: file,
        vars: { src: missing },
        env: {},
        fingerprint: fp,
        pluginDir: REPO_ROOT,
        registry: registry.client,
      }),
    ).rejects.toMatchObject({ code: 'IMPRINT_ERR_RUN_VERSION_COMPLETE' });
  });

  it('cancels running builds through the AbortSignal: BUILD_CANCELLED', async () => {
    const work = await dirs.make();
    const controller = new AbortController();
    const result = await runBuild({
      template: await writeTemplate(work, 'cancel.pkr.json', {
        required_plugins: PLUGINS,
        sources: {
          'docker-like.slow': { base: 'scratch', files: [{ content: 'x', destination: '/x' }] },
        },
        build: { sources: ['docker-like.slow'] },
        registry: { bucket_name: 'core-cancel' },
      }),
      env: {},
      pluginDir: REPO_ROOT,
      registry: registry.client,
      runDir: join(work, 'run'),
      signal: controller.signal,
      onEvent: (e) => {
        if (e.kind === 'say' && e.build === 'docker-like.slow')
          controller.abort(new Error('Ctrl-C'));
      },
    });
    expect(result.status).toBe('cancelled');
    expect(result.cancelled).toBe(true);
    expect(result.builds[0]).toMatchObject({
      status: 'cancelled',
      registryStatus: 'BUILD_CANCELLED',
    });
    const { builds } = await registry.client.listBuilds(
      'core-cancel',
      result.registry!.fingerprint,
    );
    expect(builds[0].status).toBe('BUILD_CANCELLED');
    expect(result.registry?.resumeHint).toBe(
      `IMPRINT_BUILD_FINGERPRINT=${result.registry!.fingerprint}`,
    );
  });

  it('spools the metadata when the registry is down, and pushSpool publishes it later', async () => {
    const work = await dirs.make();
    const down = new RegistryClient({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      retries: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    });
    const events: RunEvent[] = [];
    const result = await runBuild({
      template: await writeTemplate(
        work,
        'spool.pkr.json',
        baseTemplate('core-spool', ['latest-good']),
      ),
      vars: { out: join(work, 'layout') },
      env: {},
      pluginDir: REPO_ROOT,
      registry: down,
      runDir: join(work, 'run'),
      onEvent: (e) => events.push(e),
    });
    expect(result.status).toBe('done');
    const spoolFile = result.registry?.spoolFile;
    expect(spoolFile).toBe(join(work, 'run', 'registry-spool.json'));
    expect(existsSync(spoolFile!)).toBe(true);
    expect(
      events.some((e) => e.kind === 'warning' && e.message.includes('cannot be reached')),
    ).toBe(true);
    const spool = JSON.parse(await readFile(spoolFile!, 'utf8'));
    expect(spool.builds).toHaveLength(1);
    expect(spool.builds[0]).toMatchObject({
      componentType: 'docker-like.base',
      status: 'BUILD_DONE',
    });

    const pushed = await pushSpool(spoolFile!, registry.client);
    expect(pushed).toMatchObject({
      bucket: 'core-spool',
      fingerprint: result.registry!.fingerprint,
      pushed: ['docker-like.base'],
      versionComplete: true,
      channels: ['latest-good'],
    });
    const { builds } = await registry.client.listBuilds('core-spool', pushed.fingerprint);
    expect(builds[0]).toMatchObject({ status: 'BUILD_DONE', platform: 'docker' });
    expect(builds[0].artifacts[0].external_identifier).toBe(result.builds[0].images[0].imageId);
    // Replaying again is harmless: the build is already done.
    expect((await pushSpool(spoolFile!, registry.client)).skipped).toEqual(['docker-like.base']);
  });

  it('pushSpool assigns the channels it can and warns, with the command, about one it cannot', async () => {
    const work = await dirs.make();
    const file = join(work, 'registry-spool.json');
    await writeFile(
      file,
      JSON.stringify({
        format: SPOOL_FORMAT,
        createdAt: CREATED,
        bucket: { name: 'core-push-channels', labels: {} },
        fingerprint: 'push-channels-1',
        templateType: 'JSON',
        channels: ['not a channel!', 'stable'],
        builds: [
          {
            componentType: 'docker-like.one',
            status: 'BUILD_DONE',
            body: {
              status: 'BUILD_DONE',
              platform: 'docker',
              artifacts: [{ external_identifier: 'sha256:one', region: 'docker' }],
            },
          },
        ],
      }),
    );
    const events: RunEvent[] = [];
    const pushed = await pushSpool(file, registry.client, { onEvent: (e) => events.push(e) });
    expect(pushed).toMatchObject({ versionComplete: true, channels: ['stable'] });
    const warning = events.find((e) => e.kind === 'warning');
    expect(warning?.message).toContain(
      'assign it with: imprint channels assign core-push-channels not a channel! push-channels-1',
    );
    const channel = await registry.client.getChannel('core-push-channels', 'stable');
    expect(channel.version?.fingerprint).toBe('push-channels-1');
  });

  it('runs without a registry when publishing is off', async () => {
    const work = await dirs.make();
    const result = await runBuild({
      template: await writeTemplate(work, 'off.pkr.json', baseTemplate('never')),
      vars: { out: join(work, 'layout') },
      env: {},
      pluginDir: REPO_ROOT,
      registry: 'off',
    });
    expect(result.status).toBe('done');
    expect(result.registry).toBeUndefined();
    await expect(
      runBuild({
        template: join(work, 'off.pkr.json'),
        vars: { out: join(work, 'layout2') },
        env: {},
        pluginDir: REPO_ROOT,
      }),
    ).rejects.toMatchObject({ code: 'IMPRINT_ERR_RUN_REGISTRY_NOT_CONFIGURED' });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses parallel %p, naming the option', async (parallel) => {
    const work = await dirs.make();
    await expect(
      runBuild({
        template: await writeTemplate(work, 'parallel.pkr.json', baseTemplate('never')),
        vars: { out: join(work, 'parallel-layout') },
        env: {},
        pluginDir: REPO_ROOT,
        registry: 'off',
        parallel,
      }),
    ).rejects.toMatchObject({
      code: 'IMPRINT_ERR_RUN_OPTIONS',
      option: 'parallel',
      message: expect.stringMatching(/runBuild option parallel: .* pass 1 or more/),
    });
  });
});
