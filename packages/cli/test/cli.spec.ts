import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  openRegistryStorage,
  startRegistryServer,
  type RunningRegistryServer,
} from '@imprint/registry';

jest.setTimeout(60_000);

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin', 'imprint.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const made: string[] = [];
async function tempDir(prefix = 'imprint-cli-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Runs the built bin as a child process, with no registry configured by the environment. */
function imprint(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(base)) {
    if (key.startsWith('IMPRINT_') || key.startsWith('HCP_')) delete base[key];
  }
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
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

async function writeTemplate(dir: string, name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

let server: RunningRegistryServer;
let url: string;

beforeAll(async () => {
  const storage = await openRegistryStorage({ dataDir: await tempDir('imprint-cli-registry-') });
  server = await startRegistryServer({
    storage,
    host: '127.0.0.1',
    port: 0,
    sweepIntervalMs: 0,
    logger: false,
    closeStorage: true,
  });
  url = server.url;
});

afterAll(async () => {
  await server?.close();
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

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
    const dir = await tempDir();
    const good = await writeTemplate(dir, 'good.pkr.json', template('b', join(dir, 'out')));
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
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'base.pkr.json', template('cli-base', join(dir, 'out')));
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
    expect(tree.stdout).toContain(`● cli-base v1 (${fp}) [VERSION_ACTIVE]`);
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
    const dir = await tempDir();
    const data = await tempDir('imprint-cli-data-');
    const file = await writeTemplate(dir, 'e.pkr.json', template('embedded', join(dir, 'out')));
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

  it('exits 3 with one clear line when the registry refuses connections', async () => {
    const port = await closedPort();
    const res = await imprint(['buckets', 'list', '--registry', `http://127.0.0.1:${port}`]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^imprint: Cannot reach the registry/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
