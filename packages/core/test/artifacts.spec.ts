import { join } from 'node:path';
import { RegistryClient } from '@imprint/client';
import type { RunEvent } from '@imprint/core';
import { runBuild } from '@imprint/core';
import { tempDirs, useRegistry, writeTemplate } from './helpers/fixtures';
import { PLAIN_PLUGINS, usePlainPlugin } from './helpers/plain-plugin';

jest.setTimeout(20_000);

const dirs = tempDirs();
const registry = useRegistry(dirs);
const plugin = usePlainPlugin(dirs);

const PLUGINS = PLAIN_PLUGINS;
const stats = () =>
  (globalThis as any).__plainPlugin as {
    active: number;
    max: number;
    stateReads: Record<string, number>;
  };

describe('artifacts, metadata and scheduling', () => {
  it('fails the registry build when no artifact states metadata, naming source and component', async () => {
    const work = await dirs.make();
    const events: RunEvent[] = [];
    const result = await runBuild({
      template: await writeTemplate(work, 'none.pkr.json', {
        required_plugins: PLUGINS,
        sources: { 'plain.one': {} },
        build: { sources: ['plain.one'] },
        registry: { bucket_name: 'core-nometa' },
      }),
      env: {},
      pluginDir: plugin.dir,
      registry: registry.client,
      onEvent: (e) => events.push(e),
    });
    expect(result.status).toBe('failed');
    const [build] = result.builds;
    expect(build.withoutMetadata).toEqual(['builder plain (plain artifact plain-1)']);
    expect(build.error).toBe(
      'no artifact of build plain.one states registry metadata (builder plain (plain artifact plain-1)); the registry build cannot be done',
    );
    expect(events.map((e) => e.line)).toContain(
      'plain.one: artifact of builder plain (plain artifact plain-1) states no registry metadata (not registry-ready)',
    );
    const { builds } = await registry.client.listBuilds(
      'core-nometa',
      result.registry!.fingerprint,
    );
    expect(builds[0].status).toBe('BUILD_FAILED');
    expect(builds[0].metadata.error).toBe(build.error);
  });

  it('publishes the post-processor images when only the builder artifact lacks metadata; sends heartbeats', async () => {
    const work = await dirs.make();
    let heartbeats = 0;
    const client = new RegistryClient({
      baseUrl: registry.server.url,
      fetch: async (input, init) => {
        if (init?.method === 'PATCH' && String(init.body).includes('"BUILD_RUNNING"')) heartbeats++;
        return fetch(input, init);
      },
    });
    const result = await runBuild({
      template: await writeTemplate(work, 'meta.pkr.json', {
        required_plugins: PLUGINS,
        sources: { 'plain.one': { delay_ms: 250 } },
        build: { sources: ['plain.one'], post_processors: [[{ type: 'plain-meta' }]] },
        registry: { bucket_name: 'core-meta', build_labels: { team: 'x' } },
      }),
      env: {},
      pluginDir: plugin.dir,
      registry: client,
      heartbeatMs: 40,
    });
    expect(result.status).toBe('done');
    const [build] = result.builds;
    expect(build.withoutMetadata).toEqual(['builder plain (plain artifact plain-1)']);
    expect(build.artifacts).toHaveLength(2);
    // The first BUILD_RUNNING, then at least two heartbeats during the 250 ms build.
    expect(heartbeats).toBeGreaterThanOrEqual(3);
    const { builds } = await registry.client.listBuilds('core-meta', result.registry!.fingerprint);
    expect(builds[0]).toMatchObject({
      status: 'BUILD_DONE',
      platform: 'plainland',
      source_external_identifier: 'src-plain-1',
      labels: { team: 'x', from: 'meta' },
      metadata: { packer: { plugins: [{ name: 'imprint-plugin-plain', version: '1.2.3' }] } },
    });
    expect(builds[0].artifacts.map((a) => a.external_identifier)).toEqual(['meta-plain-1']);
  });

  it("reads each kept artifact's states once (metadata and SBOM), the builder's included", async () => {
    const work = await dirs.make();
    const result = await runBuild({
      template: await writeTemplate(work, 'once.pkr.json', {
        required_plugins: PLUGINS,
        sources: { 'plain.one': { id: 'once' } },
        build: { sources: ['plain.one'], post_processors: [[{ type: 'plain-meta' }]] },
        registry: { bucket_name: 'core-state-once' },
      }),
      env: {},
      pluginDir: plugin.dir,
      registry: registry.client,
    });
    expect(result.status).toBe('done');
    expect(result.builds[0].artifacts).toHaveLength(2);
    expect(stats().stateReads).toMatchObject({
      'once par.artifact.metadata': 1,
      'once imprint.sbom': 1,
      'meta-once par.artifact.metadata': 1,
      'meta-once imprint.sbom': 1,
    });
  });

  it('runs at most `parallel` builds at once', async () => {
    const work = await dirs.make();
    const sources = Object.fromEntries(
      ['a', 'b', 'c', 'd', 'e'].map((n) => [`plain.${n}`, { delay_ms: 40, id: n }]),
    );
    stats().max = 0;
    const result = await runBuild({
      template: await writeTemplate(work, 'par.pkr.json', {
        required_plugins: PLUGINS,
        sources,
        build: { sources: Object.keys(sources) },
      }),
      env: {},
      pluginDir: plugin.dir,
      parallel: 2,
      runDir: join(work, 'run'),
    });
    expect(result.status).toBe('done');
    expect(result.builds.map((b) => b.workDir)).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((n) => join(work, 'run', `plain.${n}`)),
    );
    expect(stats().max).toBe(2);
  });
});
