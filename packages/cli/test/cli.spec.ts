import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closedPort } from '@imprint/registry/testing';
import { REPO_ROOT, runToEnd, tempDirs, useRegistry, writeJson } from './helpers/bin';

jest.setTimeout(60_000);

const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-registry-');

/** Runs the built bin as a child process, with no registry configured by the environment. */
function imprint(args: string[], env: Record<string, string> = {}) {
  return runToEnd(args, env, 60_000);
}

function template(bucket: string, out: string) {
  return {
    required_plugins: {
      'docker-like': '@imprint/example-docker-like',
      'docker-like-tag': '@imprint/example-docker-like',
    },
    variables: { tag: { type: 'string', default: 'base' } },
    sources: {
      'docker-like.base': {
        base: 'scratch',
        tag: '${var.tag}',
        output_dir: out,
        created: '2024-01-01T00:00:00Z',
        files: [{ content: 'base\n', destination: '/etc/base' }],
      },
    },
    build: {
      name: 'base',
      sources: ['docker-like.base'],
      post_processors: [[{ type: 'docker-like-tag', tags: ['stable'] }]],
    },
    registry: { bucket_name: bucket, description: 'the base image', channels: ['production'] },
  };
}

describe('imprint (built bin, child process)', () => {
  it('prints help with examples and exits 2 on an unknown command', async () => {
    const help = await imprint(['build', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--plugin-dir');
    const bad = await imprint(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown command 'frobnicate'");
  });

  it('validates a good template (exit 0) and reports a bad one with file:line (exit 2)', async () => {
    const dir = await dirs.make();
    const good = await writeJson(dir, 'good.pkr.json', template('cli-good', join(dir, 'out')));
    const ok = await imprint(['validate', good, '--plugin-dir', REPO_ROOT, '--var', 'tag=x']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid');

    const bad = join(dir, 'bad.pkr.json');
    await writeFile(bad, '{\n  "sources": {\n    "docker-like.base": {,\n  }\n}\n');
    const ko = await imprint(['validate', bad, '--plugin-dir', REPO_ROOT]);
    expect(ko.code).toBe(2);
    expect(ko.stderr).toMatch(/bad\.pkr\.json:\d+/);
    expect(ko.stderr.trim().split('\n')).toHaveLength(1);
    expect(ko.stderr).not.toMatch(/\n\s+at /);
  });

  it('builds against a registry, then reads, revokes and restores the version', async () => {
    const url = registry.url;
    const dir = await dirs.make();
    const file = await writeJson(dir, 'base.pkr.json', template('cli-base', join(dir, 'out')));
    const built = await imprint(['build', file, '--plugin-dir', REPO_ROOT], {
      IMPRINT_REGISTRY_URL: url,
    });
    expect(built.stderr).not.toContain('imprint:');
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[docker-like\.base\] .+$/m);
    expect(built.stdout).toContain('Build done.');
    const fp = /fingerprint ([0-9A-Z]{26})/.exec(built.stdout)?.[1];
    expect(fp).toBeDefined();

    const got = await imprint(['versions', 'get', 'cli-base', fp!, '--json', '--registry', url]);
    expect(got.code).toBe(0);
    const version = JSON.parse(got.stdout);
    expect(version).toMatchObject({ name: 'v1', fingerprint: fp, status: 'VERSION_ACTIVE' });

    const list = await imprint(['versions', 'list', 'cli-base', '--registry', url]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+FINGERPRINT\s+STATUS/);
    expect(list.stdout).toContain(fp!);

    const channels = await imprint(['channels', 'list', 'cli-base', '--registry', url, '--json']);
    expect(JSON.parse(channels.stdout).map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['production']),
    );

    const tree = await imprint(['ancestry', 'cli-base', '--registry', url]);
    expect(tree.code).toBe(0);
    expect(tree.stdout).toContain('(no parents)');
    expect(tree.stdout).toContain(`● cli-base v1 (${fp}) status: VERSION_ACTIVE`);
    expect(tree.stdout).toContain('(no children)');

    const revoked = await imprint([
      'revoke',
      'cli-base',
      fp!,
      '--message',
      'CVE-2026-0001',
      '--registry',
      url,
    ]);
    expect(revoked.code).toBe(0);
    const after = await imprint(['versions', 'get', 'cli-base', fp!, '--json', '--registry', url]);
    expect(JSON.parse(after.stdout)).toMatchObject({
      status: 'VERSION_REVOKED',
      revocation_message: 'CVE-2026-0001',
    });

    const restored = await imprint(['restore', 'cli-base', fp!, '--registry', url]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('VERSION_ACTIVE');

    const missing = await imprint(['versions', 'get', 'cli-base', 'nope', '--registry', url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('uses the embedded registry of --data-dir when no URL is given', async () => {
    const dir = await dirs.make();
    const data = await dirs.make('imprint-cli-data-');
    const file = await writeJson(dir, 'e.pkr.json', template('embedded', join(dir, 'out')));
    const built = await imprint(['build', file, '--plugin-dir', REPO_ROOT, '--data-dir', data]);
    expect(built.code).toBe(0);
    const buckets = await imprint(['buckets', 'list', '--json'], { IMPRINT_DATA_DIR: data });
    expect(buckets.code).toBe(0);
    const list = JSON.parse(buckets.stdout);
    expect(list.map((b: { name: string }) => b.name)).toEqual(['embedded']);
    expect(list[0].latest_version.name).toBe('v1');
  });

  it('describes a plugin as JSON', async () => {
    const res = await imprint([
      'plugins',
      'describe',
      '@imprint/example-docker-like',
      '--from',
      REPO_ROOT,
      '--json',
    ]);
    expect(res.code).toBe(0);
    const d = JSON.parse(res.stdout);
    expect(d.name).toBe('@imprint/example-docker-like');
    expect(d.builders.map((b: { name: string }) => b.name)).toContain('docker-like');
    expect(d.postProcessors.map((p: { name: string }) => p.name)).toContain('docker-like-tag');
  });

  it("describes a plugin's data sources with their outputs", async () => {
    const res = await imprint([
      'plugins',
      'describe',
      '@imprint/example-aws-like',
      '--from',
      REPO_ROOT,
    ]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('\ndata source aws-like-ami\n');
    expect(res.stdout).toMatch(/^ {2}→ id: string {2}Id of the image/m);
    expect(res.stdout).toMatch(/^ {2}→ tags: map {2}Tags of the image/m);
  });

  it('exits 3 with one clear line when the registry refuses connections', async () => {
    const port = await closedPort();
    const res = await imprint(['buckets', 'list', '--registry', `http://127.0.0.1:${port}`]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^imprint: Cannot reach the registry/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
