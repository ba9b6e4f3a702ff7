import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(90_000);

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const DEMO = join(REPO_ROOT, 'demo', 'run-demo.js');

interface Result {
  code: number | null;
  output: string;
}

function runDemo(dir: string): Promise<Result> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('IMPRINT_') || key.startsWith('HCP_')) delete env[key];
  }
  env.IMPRINT_DEMO_DIR = dir;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [DEMO], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

/** The ancestry tree the demo prints: demo-base as the parent line, demo-app below it. */
function expectBaseAboveApp(output: string, version: string): void {
  const tree = output.slice(output.indexOf('Ancestry of demo-app'));
  const lines = tree.split('\n');
  const parent = lines.findIndex((l) => /^└─ parent demo-base v\d+ \(/.test(l));
  const self = lines.findIndex((l) => l.startsWith(`● demo-app ${version} (`));
  expect(parent).toBeGreaterThanOrEqual(0);
  expect(self).toBe(parent + 1);
  expect(lines[parent]).toContain(`demo-base ${version} (`);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imprint-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo/run-demo.js', () => {
  it('runs twice in the same data dir, each time showing demo-base above demo-app', async () => {
    const first = await runDemo(dir);
    expect({ code: first.code, tail: first.output.slice(-2000) }).toMatchObject({ code: 0 });
    expectBaseAboveApp(first.output, 'v1');
    expect(first.output).toMatch(/production\s+v1\s+\S+\s+no/);

    const second = await runDemo(dir);
    expect({ code: second.code, tail: second.output.slice(-2000) }).toMatchObject({ code: 0 });
    expectBaseAboveApp(second.output, 'v2');
    expect(second.output).toMatch(/production\s+v2\s+\S+\s+no/);
    expect(second.output).toContain('Demo done.');
  });
});
