import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCloud } from '@imprint/example-aws-like';
import type { WireArtifact } from '@imprint/packer-bridge';
import { HostProcess, REPO_ROOT } from './helpers/host-process';

jest.setTimeout(60_000);

const DOCKER_LIKE = '@imprint/example-docker-like';
const AWS_LIKE = '@imprint/example-aws-like';

let dir: string;
const hosts: HostProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imprint-packer-host-'));
});
afterEach(async () => {
  for (const host of hosts.splice(0)) host.kill();
  await rm(dir, { recursive: true, force: true });
});

function start(kind: string, component: string, pkg: string, extra?: string[]): HostProcess {
  const host = new HostProcess({ kind, component, pkg, cwd: dir, ...(extra ? { extra } : {}) });
  hosts.push(host);
  return host;
}

const build = (name: string, type: string, force = false) => ({
  name,
  type,
  force,
  packer: { packer_build_name: name, packer_builder_type: type },
});

const baseConfig = {
  base: 'scratch',
  created: '2024-01-01T00:00:00Z',
  files: [{ content: 'hello\n', destination: '/etc/hello' }],
};

/** Prepares and runs a docker-like builder in a fresh host; returns the host and its artifact. */
async function buildBase(): Promise<{ builder: HostProcess; artifact: WireArtifact }> {
  const builder = start('builder', 'docker-like', DOCKER_LIKE);
  await builder.ready();
  await builder.ok('prepare', { config: baseConfig, build: build('base', 'docker-like') });
  const { artifact } = (await builder.ok('run')) as { artifact: WireArtifact };
  return { builder, artifact };
}

/** An aws-like builder host, prepared with a shell step that sleeps 30 s. */
async function startSlowBuild(): Promise<HostProcess> {
  const cloudDir = join(dir, 'cloud');
  await new LocalCloud({ dir: cloudDir }).registerImage({
    region: 'us-east-1',
    name: 'ubuntu-base',
    ownerId: '099720109477',
    os: 'ubuntu',
    files: {},
  });
  const host = start('builder', 'aws-like', AWS_LIKE);
  await host.ready();
  await host.ok('prepare', {
    config: {
      region: 'us-east-1',
      source_ami_filter: { name: 'ubuntu-*', owners: ['099720109477'] },
      ami_name: 'slow',
      provision: [{ type: 'shell', inline: ['sleep 30'] }],
      cloud_dir: cloudDir,
    },
    build: build('slow', 'aws-like'),
  });
  return host;
}

/** Resolves once the build runs its shell step. */
async function provisioning(host: HostProcess): Promise<void> {
  await new Promise<void>(
    (started) =>
      (host.onEvent = (e) => {
        if (e.event === 'say' && e.text.startsWith('Provisioning')) started();
      }),
  );
  await new Promise((wait) => setTimeout(wait, 300));
}

describe('the host, driven as the Go bridge drives it', () => {
  it('says it is ready with the plugin it loaded', async () => {
    const host = start('builder', 'docker-like', DOCKER_LIKE);
    expect(await host.ready()).toEqual({
      ready: true,
      plugin: { name: DOCKER_LIKE, version: '0.1.0' },
    });
  });

  it('says it is not ready, with the SDK error, when the package cannot be loaded', async () => {
    const host = start('builder', 'x', '@imprint/no-such-plugin');
    const ready = await host.ready();
    expect(ready).toMatchObject({ ready: false, error: { code: 'IMPRINT_ERR_PLUGIN_NOT_FOUND' } });
    expect(ready.ready === false && ready.error.message).toContain('@imprint/no-such-plugin');
    expect(await host.exit).toBe(1);
  });

  it('returns the plugin’s own configuration errors from prepare, unchanged', async () => {
    const host = start('builder', 'docker-like', DOCKER_LIKE);
    await host.ready();
    const reply = await host.request('prepare', {
      config: { bse: 'scratch' },
      build: build('base', 'docker-like'),
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'IMPRINT_ERR_CONFIG_INVALID' } });
    const message = !reply.ok ? reply.error.message : '';
    expect(message).toContain(
      "unknown field 'bse' in docker-like source 'base': did you mean 'base'?",
    );
    expect(message).toContain("missing required field 'base'");
  });

  it('answers bad requests with an error naming the problem and keeps serving', async () => {
    const host = start('builder', 'docker-like', DOCKER_LIKE);
    await host.ready();
    expect(await host.request('frobnicate')).toMatchObject({
      ok: false,
      error: {
        code: 'IMPRINT_ERR_BRIDGE_BAD_REQUEST',
        message: expect.stringContaining('unknown op "frobnicate"'),
      },
    });
    expect(await host.request('run')).toMatchObject({
      ok: false,
      error: { message: 'run: send prepare first' },
    });
    expect(await host.request('prepare', { config: [] })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('"config" must be an object') },
    });
    expect(await host.request('state', { handle: 'a9', key: 'x' })).toMatchObject({
      ok: false,
      error: { message: "no artifact has handle 'a9'" },
    });
    expect(await host.request('cancel', { target: 99 })).toMatchObject({
      ok: false,
      error: { message: 'cancel: there is no request 99' },
    });
    // Not JSON: no id to answer, the host logs it and carries on.
    void host.send('{not json\n', -1);
    await host.ok('prepare', { config: baseConfig, build: build('base', 'docker-like') });
    expect(await host.request('execute')).toMatchObject({
      ok: false,
      error: { message: "execute is for a data-source; this host runs the builder 'docker-like'" },
    });
    expect(host.stderr).toContain('request line is not valid JSON');
  });

  it('runs a builder: events, an artifact, its registry metadata under Go field names', async () => {
    const { builder, artifact } = await buildBase();
    expect(artifact).toEqual({
      handle: 'a1',
      builderId: expect.any(String),
      id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      files: expect.any(Array),
      string: expect.any(String),
    });
    expect(builder.events.filter((e) => e.id === 2 && e.event === 'say').length).toBeGreaterThan(0);
    const workDir = join(dir, 'output-base');
    expect(await readdir(workDir)).toEqual(['image']);

    const { value } = (await builder.ok('state', {
      handle: 'a1',
      key: 'par.artifact.metadata',
    })) as {
      value: Record<string, unknown>[];
    };
    expect(value).toHaveLength(1);
    expect(Object.keys(value[0]).sort()).toEqual([
      'ImageID',
      'Labels',
      'ProviderName',
      'ProviderRegion',
      'SourceImageID',
    ]);
    expect(value[0]).toMatchObject({
      ImageID: artifact.id,
      ProviderName: 'docker',
      SourceImageID: 'scratch',
    });
    const layout = await builder.ok('state', { handle: 'a1', key: 'docker-like.layout_dir' });
    expect(layout).toEqual({ value: join(workDir, 'image') });
    expect(await builder.ok('state', { handle: 'a1', key: 'no-such-key' })).toEqual({
      value: null,
    });

    // A second build into the same, now non-empty, directory needs -force.
    const again = start('builder', 'docker-like', DOCKER_LIKE);
    await again.ready();
    expect(
      await again.request('prepare', { config: baseConfig, build: build('base', 'docker-like') }),
    ).toMatchObject({ ok: false, error: { code: 'IMPRINT_ERR_BRIDGE_OUTPUT_EXISTS' } });
    await again.ok('prepare', { config: baseConfig, build: build('base', 'docker-like', true) });
  });

  it('runs a post-processor whose input artifact state is served over the call channel', async () => {
    const { builder, artifact } = await buildBase();
    const tag = start('post-processor', 'docker-like-tag', DOCKER_LIKE);
    await tag.ready();
    const asked: string[] = [];
    tag.onCall = async (call) => {
      if (call.call !== 'input.state') return { ok: false, error: 'not expected' };
      asked.push(call.key);
      const reply = await builder.request('state', { handle: artifact.handle, key: call.key });
      return reply.ok
        ? { ok: true, value: (reply.result as { value: unknown }).value }
        : { ok: false, error: reply.error.message };
    };
    await tag.ok('prepare', { config: { tags: ['stable'] }, build: build('base', 'docker-like') });
    const { handle, builderId, id, files, string } = artifact;
    const result = (await tag.ok('postProcess', {
      input: { builderId, id, files, string },
    })) as { artifact: WireArtifact; keepInput: boolean };
    expect(result.keepInput).toBe(true);
    expect(result.artifact).toMatchObject({ handle: 'a1', id });
    expect(asked).toEqual(
      expect.arrayContaining([
        'docker-like.layout_dir',
        'docker-like.manifest_digest',
        'par.artifact.metadata',
      ]),
    );
    expect(tag.events).toContainEqual({
      id: 2,
      event: 'say',
      text: expect.stringContaining("as 'stable'"),
    });
    const { value } = (await tag.ok('state', { handle: 'a1', key: 'par.artifact.metadata' })) as {
      value: { Labels: Record<string, string> }[];
    };
    expect(value[0].Labels.tags).toContain('stable');
    expect(handle).toBe('a1');
  });

  it('fails a post-processor cleanly when the bridge refuses a state call', async () => {
    const tag = start('post-processor', 'docker-like-tag', DOCKER_LIKE);
    await tag.ready();
    tag.onCall = () => ({ ok: false, error: 'the input artifact is gone' });
    await tag.ok('prepare', { config: { tags: ['x'] }, build: build('base', 'docker-like') });
    const reply = await tag.request('postProcess', {
      input: { builderId: 'b', id: 'i', files: [], string: 's' },
    });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'IMPRINT_ERR_BRIDGE_INPUT_CALL',
        message: expect.stringContaining('the input artifact is gone'),
      },
    });
  });

  it('executes a data source and returns its checked outputs', async () => {
    const { builder, artifact } = await buildBase();
    void builder;
    const layout = start('data-source', 'docker-like-layout', DOCKER_LIKE);
    await layout.ready();
    await layout.ok('prepare', { config: { image_id: artifact.id, search_dir: dir } });
    const { outputs } = (await layout.ok('execute')) as { outputs: Record<string, string> };
    expect(outputs).toEqual({
      dir: join(dir, 'output-base', 'image'),
      ref: expect.any(String),
      manifest_digest: expect.stringMatching(/^sha256:/),
    });
  });

  it('cancels a running build promptly: the run fails with the component’s error', async () => {
    const host = await startSlowBuild();
    const run = host.request('run');
    await provisioning(host);
    const startedAt = Date.now();
    expect(await host.ok('cancel', { target: run.id })).toEqual({});
    const reply = await run;
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'AWS_LIKE_ERR_CANCELLED',
        message: expect.stringContaining("cancelled during step 'provision[0] (shell)'"),
      },
    });
    // A cancel for a request that has finished has nothing left to do.
    expect(await host.ok('cancel', { target: run.id })).toEqual({});
  });

  it('exits when the bridge closes its requests (end of fd 3)', async () => {
    const host = start('post-processor', 'docker-like-tag', DOCKER_LIKE);
    await host.ready();
    await host.ok('prepare', { config: { tags: ['x'] }, build: build('empty', 'docker-like') });
    const startedAt = Date.now();
    host.closeRequests();
    expect(await host.exit).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(6000);
  });

  it('aborts a running build when the bridge goes away, and exits within the grace period', async () => {
    const host = await startSlowBuild();
    const run = host.request('run');
    void run;
    await provisioning(host);
    const startedAt = Date.now();
    host.closeRequests();
    expect(await host.exit).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(6000);
  });

  it('ignores SIGINT (cancellation is a request)', async () => {
    const host = start('builder', 'docker-like', DOCKER_LIKE);
    await host.ready();
    host.child.kill('SIGINT');
    await new Promise((wait) => setTimeout(wait, 300));
    await host.ok('prepare', { config: baseConfig, build: build('base', 'docker-like') });
  });

  it('refuses to start without its arguments', async () => {
    const host = start('gadget', 'docker-like', DOCKER_LIKE);
    const ready = await host.ready();
    expect(ready).toMatchObject({
      ready: false,
      error: { code: 'IMPRINT_ERR_BRIDGE_BAD_ARGUMENTS' },
    });
    expect(ready.ready === false && ready.error.message).toContain("--kind is 'gadget'");
    expect(REPO_ROOT).toBeTruthy();
  });
});
