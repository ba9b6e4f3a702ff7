import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

/*
 * What a user gets from `npm install`: every publishable package is packed
 * (`npm pack`, which runs each package's prepack step), the tarballs are
 * installed into an empty folder outside the repository (their own
 * dependencies come from the npm registry), and the installed commands run
 * there: both `--help`s, a tiny build with the docker-like example plugin
 * into the embedded registry, the registry serving its web console, and its
 * `@imprint/registry/testing` entry starting a registry for tests.
 * Inside the workspace, hoisting and symlinks hide a missing dependency or a
 * file left out of `files`; here nothing does.
 */
const root = path.resolve(__dirname, '../..');
const run = promisify(execFile);

const PACKED = [
  '@imprint/sdk',
  '@imprint/client',
  '@imprint/core',
  '@imprint/registry',
  '@imprint/cli',
  '@imprint/packer-bridge',
  // Private (never published) but packable: the plugin a user would install.
  '@imprint/example-docker-like',
];

/** The environment of a command run in the install folder: no npm settings of this repository's run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && name !== 'INIT_CWD') env[name] = value;
  }
  return { ...env, NO_COLOR: '1' };
}

describe('packed packages, installed outside the repository', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'imprint-pack-'));
  const tarballs = path.join(work, 'tarballs');
  const app = path.join(work, 'app');
  const bin = (name: string) => path.join(app, 'node_modules', '.bin', name);
  const inApp = (file: string, args: string[]) =>
    run(file, args, { cwd: app, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });

  beforeAll(async () => {
    for (const dir of [
      'packages/sdk',
      'packages/registry',
      'packages/cli',
      'examples/docker-like',
    ]) {
      if (!existsSync(path.join(root, dir, 'dist', 'index.js'))) {
        throw new Error(`${dir}/dist is missing: run \`npm run build\` (npm test does) first`);
      }
    }
    if (!existsSync(path.join(root, 'packages/console/dist/index.html'))) {
      throw new Error('the console is not built: run `npm run build -w @imprint/console` first');
    }
    mkdirSync(tarballs);
    mkdirSync(app);
    await run(
      'npm',
      ['pack', '--pack-destination', tarballs, ...PACKED.flatMap((name) => ['-w', name])],
      { cwd: root, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 },
    );
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'imprint-pack-test', private: true }),
    );
    const files = readdirSync(tarballs).map((file) => path.join(tarballs, file));
    expect(files).toHaveLength(PACKED.length);
    await inApp('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files]);
  }, 600_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs the commands, whose --help works', async () => {
    const imprint = await inApp(bin('imprint'), ['--help']);
    expect(imprint.stdout).toMatch(/^Usage: imprint \[options\] \[command\]/);
    const registry = await inApp(bin('imprint-registry'), ['--help']);
    expect(registry.stdout).toMatch(/^Usage: imprint-registry \[options\] \[command\]/);
  });

  it('builds an image with an installed plugin and records it in the embedded registry', async () => {
    mkdirSync(path.join(app, 'files'));
    writeFileSync(path.join(app, 'files', 'hello.txt'), 'hello\n');
    writeFileSync(
      path.join(app, 'tiny.pkr.json'),
      JSON.stringify({
        required_plugins: { 'docker-like': '@imprint/example-docker-like' },
        sources: {
          'docker-like.tiny': {
            base: 'scratch',
            tag: 'tiny',
            output_dir: path.join(app, 'image'),
            created: '2024-01-01T00:00:00Z',
            files: [{ source: `${path.join(app, 'files')}/`, destination: '/' }],
          },
        },
        build: { name: 'tiny', sources: ['docker-like.tiny'] },
        registry: { bucket_name: 'tiny' },
      }),
    );
    const dataDir = path.join(app, 'registry');
    const build = await inApp(bin('imprint'), ['build', 'tiny.pkr.json', '--data-dir', dataDir]);
    expect(build.stdout).toMatch(/Registry: bucket tiny, fingerprint \w+, version complete/);
    expect(existsSync(path.join(app, 'image', 'index.json'))).toBe(true);

    const channels = await inApp(bin('imprint'), [
      'channels',
      'list',
      'tiny',
      '--data-dir',
      dataDir,
      '--json',
    ]);
    expect(JSON.parse(channels.stdout)).toEqual([
      expect.objectContaining({
        name: 'latest',
        version: expect.objectContaining({ name: 'v1', status: 'VERSION_ACTIVE' }),
      }),
    ]);
  }, 120_000);

  it('packages an installed plugin as a Packer plugin, from the Go sources and host it ships', async () => {
    const out = path.join(app, 'packer-plugins');
    const packaged = await inApp(bin('imprint'), [
      'plugins',
      'package',
      '@imprint/example-docker-like',
      '--output',
      out,
    ]);
    expect(packaged.stdout).toContain("Built: the Packer plugin 'docker-like' 0.1.0");
    const binary = readdirSync(out).find(
      (f) => /^packer-plugin-docker-like_v0\.1\.0_x5\.0_/.test(f) && !f.endsWith('_SHA256SUM'),
    );
    expect(binary).toBeDefined();
    const described = await inApp(path.join(out, binary!), ['describe']);
    expect(JSON.parse(described.stdout)).toMatchObject({
      version: '0.1.0',
      api_version: 'x5.0',
      builders: ['-packer-default-plugin-name-'],
      post_processors: ['push', 'tag'],
      datasources: ['layout'],
    });
    // The binary starts the host of the installed package, not the workspace's.
    const strings = readFileSync(path.join(out, binary!)).toString('latin1');
    expect(strings).not.toContain(path.join(root, 'packages'));
  }, 300_000);

  it('ships @imprint/registry/testing: a real registry for tests, removed on close', async () => {
    writeFileSync(
      path.join(app, 'testing-entry.js'),
      `const { existsSync } = require('node:fs');
const { startTestRegistry } = require('@imprint/registry/testing');
(async () => {
  const registry = await startTestRegistry();
  await registry.client.upsertBucket('packed', { description: 'from the tarball' });
  const bucket = await registry.client.getBucket('packed');
  await registry.close();
  const removed = !existsSync(registry.location.dataDir);
  console.log(JSON.stringify({ name: bucket.name, url: registry.url, removed }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`,
    );
    const { stdout } = await inApp(process.execPath, ['testing-entry.js']);
    expect(JSON.parse(stdout)).toEqual({
      name: 'packed',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      removed: true,
    });
  }, 60_000);

  it('serves the web console it ships', async () => {
    const server = spawn(
      bin('imprint-registry'),
      ['serve', '--data-dir', path.join(app, 'console-registry'), '--listen', '127.0.0.1:0'],
      { cwd: app, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line:\n${output}`)), 30_000);
        server.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const ready = /registry ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (ready) {
            clearTimeout(timer);
            resolve(ready[1]);
          }
        });
        server.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
      });
      expect(output).not.toMatch(/console is not built/);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /<script[^>]+src="\/?(assets\/[^"]+\.js)"/.exec(html);
      expect(script).not.toBeNull();
      const asset = await fetch(`${url}/${script?.[1]}`);
      expect(asset.status).toBe(200);
    } finally {
      server.kill('SIGTERM');
    }
  }, 60_000);
});
