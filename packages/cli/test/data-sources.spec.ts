import { EXIT, run } from '@imprint/cli';
import { closedPort } from '@imprint/registry/testing';
import { FROM_PLUGINS, writeFromPlugin } from '../../core/test/helpers/from-plugin';
import { tempDirs, useRegistry, writeJson } from './helpers/bin';

jest.setTimeout(60_000);

/*
 * `imprint validate` / `imprint build` (in process) with registry data blocks:
 * validate never contacts the registry, --registry-off refuses them, and a
 * build reads its parent from a registry and declares it.
 */
const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-data-');

function capture(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

function template(extra: Record<string, unknown> = {}, output = 'external_identifier') {
  return {
    required_plugins: FROM_PLUGINS,
    data: {
      'hcp-packer-artifact.base': {
        bucket_name: 'cli-data-base',
        channel_name: 'production',
        platform: 'plainland',
        region: 'r1',
      },
    },
    sources: {
      'from.app': { id: 'cli-app-1', source_image: `\${data.hcp-packer-artifact.base.${output}}` },
    },
    build: { sources: ['from.app'] },
    registry: { bucket_name: 'cli-data-app' },
    ...extra,
  };
}

describe('imprint validate with data blocks', () => {
  it('checks them without contacting the registry, and reports an unknown output', async () => {
    const dir = await writeFromPlugin(await dirs.make());
    const good = await writeJson(dir, 'good.pkr.json', template());
    const env = { IMPRINT_REGISTRY_URL: `http://127.0.0.1:${await closedPort()}` };
    const ok = capture(env);
    expect(await run(['validate', good, '--plugin-dir', dir], ok.io)).toBe(EXIT.OK);
    expect(ok.out()).toBe(`${good}: valid (1 build(s))\n`);

    const bad = await writeJson(dir, 'bad.pkr.json', template({}, 'ami'));
    const ko = capture(env);
    expect(await run(['validate', bad, '--plugin-dir', dir], ko.io)).not.toBe(EXIT.OK);
    expect(ko.err()).toContain(
      "(sources.from.app.source_image): 'data.hcp-packer-artifact.base.ami': hcp-packer-artifact has no output 'ami'",
    );
  });
});

describe('imprint build with data blocks', () => {
  it('refuses --registry-off when the template reads the registry (exit 2)', async () => {
    const dir = await writeFromPlugin(await dirs.make());
    const file = await writeJson(dir, 'app.pkr.json', template());
    const c = capture();
    expect(await run(['build', file, '--plugin-dir', dir, '--registry-off'], c.io)).toBe(
      EXIT.USAGE,
    );
    expect(c.err()).toBe(
      `imprint: --registry-off, but ${file} reads the registry through data.hcp-packer-artifact.base; drop --registry-off (without --registry the embedded registry is used) or remove those data blocks\n`,
    );
  });

  it('reads the parent from --registry and declares it: the child is UP_TO_DATE', async () => {
    const dir = await writeFromPlugin(await dirs.make());
    const base = await writeJson(dir, 'base.pkr.json', {
      required_plugins: FROM_PLUGINS,
      sources: { 'from.base': { id: 'cli-img-base' } },
      build: { sources: ['from.base'] },
      registry: { bucket_name: 'cli-data-base', channels: ['production'] },
    });
    const args = ['--plugin-dir', dir, '--registry', registry.url, '--plain'];
    const first = capture();
    expect(await run(['build', base, ...args], first.io)).toBe(EXIT.OK);
    const child = await writeJson(dir, 'app.pkr.json', template());
    const second = capture();
    expect(await run(['build', child, ...args], second.io)).toBe(EXIT.OK);
    expect(second.out()).toContain('reading data.hcp-packer-artifact.base');
    const { relations } = await registry.client.listBucketAncestry('cli-data-app', {
      type: 'ANCESTRY_TYPE_PARENTS',
    });
    expect(relations.map((r) => [r.parent?.bucket_name, r.status, r.inferred])).toEqual([
      ['cli-data-base', 'UP_TO_DATE', false],
    ]);
  });
});
