import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { createTestDatabase, requestJson, testEngines } from '@imprint/registry/testing';

const BIN = path.join(__dirname, '..', '..', 'src', 'bin', 'imprint-registry.ts');
const TS_NODE = require.resolve('ts-node/register/transpile-only');

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exit: Promise<number | null>;
}

/** Runs the real `imprint-registry` bin (TypeScript sources through ts-node). */
function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['-r', TS_NODE, BIN, ...args], {
    cwd: path.join(__dirname, '..', '..'),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout?.on('data', (chunk: Buffer) => (result.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  return result;
}

async function waitFor(
  runResult: Run,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(runResult.stdout);
    if (match) return match;
    if (runResult.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${pattern} in output:\n${runResult.stdout}\n${runResult.stderr}`);
}

jest.setTimeout(60_000);

describe('imprint-registry CLI: flags', () => {
  it('prints help and exits 0', async () => {
    const r = run(['--help']);
    expect(await r.exit).toBe(0);
    expect(r.stdout).toContain('serve');
    expect(r.stdout).toContain('principals');
  });

  it.each([
    [['--listen', 'nonsense'], /--listen/],
    [['serve', '--listen', '127.0.0.1:99999'], /port/],
    [['--body-limit', 'lots'], /--body-limit/],
    [['--token-rate-limit', 'lots'], /--token-rate-limit/],
    [['--heartbeat-timeout', '5 minutes'], /--heartbeat-timeout/],
    // The API's duration grammar, unsigned and at most 100 years.
    [['--heartbeat-timeout', '-5m'], /'-5m' is not a duration/],
    [['--heartbeat-timeout', '40000d'], /at most 100 years/],
    [['--database', 'mysql://db/x'], /postgres/],
    [['--frobnicate'], /unknown option/],
    [['principals', 'create', '--name', 'ci', '--role', 'god'], /viewer, contributor, admin/],
    [['principals', 'create', '--role', 'admin'], /--name/],
  ])('exits 2 with a clear message for bad flags: %j', async (args, message) => {
    const r = run(args as string[], { IMPRINT_DATA_DIR: '/nonexistent/never-created' });
    expect(await r.exit).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

describe.each(testEngines())('imprint-registry CLI (%s)', (engine) => {
  let location: { dataDir: string; databaseUrl?: string };
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ location, drop } = await createTestDatabase(engine));
  });

  afterAll(async () => {
    await drop?.();
  });

  const storageArgs = (): string[] =>
    location.databaseUrl
      ? ['--data-dir', location.dataDir, '--database', location.databaseUrl]
      : ['--data-dir', location.dataDir];

  it('refuses to serve on a non-loopback address without principals', async () => {
    const r = run(['serve', ...storageArgs(), '--listen', '0.0.0.0:0']);
    expect(await r.exit).toBe(1);
    expect(r.stderr).toContain('imprint-registry principals create --name ci --role admin');
  });

  it('creates, lists and deletes principals directly on the storage', async () => {
    const created = run([
      'principals',
      'create',
      '--name',
      'ci',
      '--role',
      'admin',
      '--json',
      ...storageArgs(),
    ]);
    expect(await created.exit).toBe(0);
    const principal = JSON.parse(created.stdout);
    expect(principal).toMatchObject({ name: 'ci', role: 'admin', client_id: expect.any(String) });
    expect(principal.client_secret).toEqual(expect.any(String));

    const human = run([
      'principals',
      'create',
      '--name',
      'reader',
      '--role',
      'viewer',
      ...storageArgs(),
    ]);
    expect(await human.exit).toBe(0);
    expect(human.stdout).toMatch(/client_secret: \S+/);

    const duplicate = run([
      'principals',
      'create',
      '--name',
      'ci',
      '--role',
      'viewer',
      ...storageArgs(),
    ]);
    expect(await duplicate.exit).toBe(1);
    expect(duplicate.stderr).toContain('ci');

    const listed = run(['principals', 'list', '--json', ...storageArgs()]);
    expect(await listed.exit).toBe(0);
    const names = (JSON.parse(listed.stdout) as { name: string }[]).map((p) => p.name).sort();
    expect(names).toEqual(['ci', 'reader']);
    expect(listed.stdout).not.toContain(principal.client_secret);

    const readerId = (JSON.parse(listed.stdout) as { id: string; name: string }[]).find(
      (p) => p.name === 'reader',
    )?.id as string;
    const deleted = run(['principals', 'delete', readerId, ...storageArgs()]);
    expect(await deleted.exit).toBe(0);

    const missing = run(['principals', 'delete', readerId, ...storageArgs()]);
    expect(await missing.exit).toBe(1);
  });

  it('serves, answers requests and shuts down gracefully on SIGTERM', async () => {
    const r = run(['serve', ...storageArgs(), '--listen', '127.0.0.1:0', '--log-level', 'info']);
    try {
      const [, url] = await waitFor(r, /imprint registry ready at (http:\/\/127\.0\.0\.1:\d+)/);
      const health = await requestJson(`${url}/readyz`, 'GET');
      expect(health.status).toBe(200);
      expect(health.body.engine).toBe(engine);
      // A principal exists (previous test), so tokens are required.
      expect((await requestJson(`${url}/imprint/v1/principals`, 'GET')).status).toBe(401);
      r.child.kill('SIGTERM');
      expect(await r.exit).toBe(0);
      expect(r.stdout).toContain('shutting down');
      expect(r.stdout).not.toMatch(/client_secret|Bearer [A-Za-z0-9]/);
    } finally {
      if (r.child.exitCode === null) r.child.kill('SIGKILL');
    }
  });

  it('reports a port in use and exits 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run(['serve', ...storageArgs(), '--listen', `127.0.0.1:${port}`]);
      expect(await r.exit).toBe(1);
      expect(r.stderr).toContain('already in use');
    } finally {
      blocker.close();
    }
  });
});
