import { join } from 'node:path';
import { closedPort } from '@imprint/registry/testing';
import { REPO_ROOT, runToEnd, tempDirs, useRegistry, writeJson } from '../helpers/bin';
import { publishVersion } from './registry-versions';

jest.setTimeout(60_000);

/**
 * Every flag is checked before any request, with the codes of
 * docs/reference/cli.md: a bad value exits 2 even when the registry is down
 * (which would exit 3 if it were contacted).
 */
const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-exit-codes-');

let down: string;
beforeAll(async () => {
  down = `http://127.0.0.1:${await closedPort()}`;
});

describe('flags are checked locally, with the documented exit codes', () => {
  it('12.7 revoke --in 7x exits 2 without calling the registry', async () => {
    const res = await runToEnd(['revoke', 'b-1', 'fp', '--in', '7x', '--registry', down]);
    expect(res).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "imprint: --in: '7x' is not a duration; use a number and a unit s, m, h or d (e.g. 90m, 12h, 7d)\n",
    });
  });

  it('12.7 revoke --at tomorrow exits 2 the same way', async () => {
    const res = await runToEnd(['revoke', 'b-1', 'fp', '--at', 'tomorrow', '--registry', down]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^imprint: --at: 'tomorrow' is not an ISO 8601 date/);
  });

  it('12.7 revoke --in and --at the registry accepts go through (exit 0)', async () => {
    await publishVersion(registry.client, 'exit-ok', 'exit-ok-1');
    const url = registry.server.url;
    const inOk = await runToEnd([
      'revoke',
      'exit-ok',
      'exit-ok-1',
      '--in',
      '1.5h',
      '--registry',
      url,
    ]);
    expect({ code: inOk.code, stderr: inOk.stderr }).toEqual({ code: 0, stderr: '' });
    // A date without a time: sent as RFC 3339, which the registry accepts.
    const atOk = await runToEnd([
      'revoke',
      'exit-ok',
      'exit-ok-1',
      '--at',
      '2099-01-31',
      '--registry',
      url,
    ]);
    expect({ code: atOk.code, stderr: atOk.stderr }).toEqual({ code: 0, stderr: '' });
    expect(atOk.stdout).toContain('VERSION_REVOCATION_SCHEDULED');
  });

  it('12.7 a bucket or channel name the registry would refuse exits 2 before any request', async () => {
    const bucket = await runToEnd(['buckets', 'create', 'Bad_Bucket Name', '--registry', down]);
    expect(bucket).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "imprint: 'Bad_Bucket Name' is not a valid bucket name: expected 3-36 letters, digits or hyphens\n",
    });
    const channel = await runToEnd(['channels', 'create', 'b-1', 'x', '--registry', down]);
    expect(channel.code).toBe(2);
    expect(channel.stderr).toContain("'x' is not a valid channel name");
    const long = await runToEnd([
      'buckets',
      'update',
      'b-1',
      '--description',
      'd'.repeat(256),
      '--registry',
      down,
    ]);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('the registry takes at most 255');
  });

  it('12.7 --registry not-a-url (or IMPRINT_REGISTRY_URL) exits 2 before connecting', async () => {
    const flag = await runToEnd(['buckets', 'list', '--registry', 'not-a-url']);
    expect(flag).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "imprint: --registry (or IMPRINT_REGISTRY_URL): 'not-a-url' is not an http(s) URL, e.g. http://127.0.0.1:8080\n",
    });
    const dir = await dirs.make();
    const template = await writeJson(dir, 'ok.pkr.json', {
      required_plugins: { 'docker-like': '@imprint/example-docker-like' },
      sources: { 'docker-like.base': { base: 'scratch', output_dir: join(dir, 'out') } },
      build: { sources: ['docker-like.base'] },
      registry: { bucket_name: 'exit-build' },
    });
    const build = await runToEnd([
      'build',
      template,
      '--plugin-dir',
      REPO_ROOT,
      '--registry',
      'not-a-url',
    ]);
    expect(build.code).toBe(2);
    expect(build.stderr).toContain('--registry (or IMPRINT_REGISTRY_URL)');
    const env = await runToEnd(['versions', 'list', 'b-1'], { IMPRINT_REGISTRY_URL: 'ftp://x' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("'ftp://x' is not an http(s) URL");
  });

  it('12.7 a missing template file exits 2 with its path, not a raw ENOENT', async () => {
    const dir = await dirs.make();
    const missing = join(dir, 'nope.pkr.json');
    for (const args of [[], ['--registry', down]]) {
      const command = args.length === 0 ? 'validate' : 'build';
      const res = await runToEnd([command, missing, '--plugin-dir', REPO_ROOT, ...args]);
      expect({ command, ...res }).toEqual({
        command,
        code: 2,
        stdout: '',
        stderr: `imprint: no such file: ${missing}\n`,
      });
    }
    const spool = await runToEnd(['push', join(dir, 'registry-spool.json'), '--registry', down]);
    expect(spool).toEqual({
      code: 2,
      stdout: '',
      stderr: `imprint: no such file: ${join(dir, 'registry-spool.json')}\n`,
    });
  });
});
