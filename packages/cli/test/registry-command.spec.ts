import { RegistryClient } from '@imprint/client';
import type { Command } from 'commander';
import { createProgram } from '@imprint/cli';
import { createRegistryCli } from '@imprint/registry';
import { exitWithin, runToEnd, start, tempDirs } from './helpers/bin';

jest.setTimeout(60_000);

/**
 * `imprint registry …` is `imprint-registry`'s own program mounted under
 * `imprint`: same commands, flags and behaviour (built bin, child processes).
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** `imprint registry ...` to its end, bounded. */
function registry(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runToEnd(['registry', ...args]);
}

describe('imprint registry', () => {
  it('--help lists the same commands as imprint-registry', async () => {
    const help = await registry(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: imprint registry /);
    expect(help.stdout).toMatch(/^\s+serve \[options\]/m);
    expect(help.stdout).toMatch(/^\s+principals\b/m);

    const principals = await registry(['principals', '--help']);
    expect(principals.code).toBe(0);
    for (const command of ['create', 'list', 'delete']) {
      expect(principals.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }

    const serve = await registry(['serve', '--help']);
    expect(serve.code).toBe(0);
    for (const flag of [
      '--listen',
      '--data-dir',
      '--database',
      '--heartbeat-timeout',
      '--sweep-interval',
      '--body-limit',
      '--token-ttl',
      '--log-level',
    ]) {
      expect(serve.stdout).toContain(flag);
    }
    expect(serve.stdout).toContain('$ imprint registry serve');
  });

  it('has the same command tree and flags as the imprint-registry program', () => {
    const shape = (root: Command): string[] => {
      const walk = (c: Command, prefix: string): string[] => [
        `${prefix}${c.name()} ${c.options.map((o) => o.long).join(' ')}`.trim(),
        ...c.commands.flatMap((sub) => walk(sub, `${prefix}  `)),
      ];
      return walk(root, '').slice(1);
    };
    const imprint = createProgram({ stdout: () => undefined, stderr: () => undefined, env: {} });
    const mounted = imprint.commands.find((c) => c.name() === 'registry')!;
    expect(shape(mounted)).toEqual(shape(createRegistryCli().command));
  });

  it('creates and lists principals in a data dir, then serves with them (healthz, auth, SIGTERM)', async () => {
    const data = await dirs.make('imprint-cli-registry-data-');
    const created = await registry([
      'principals',
      'create',
      '--name',
      'ci',
      '--role',
      'admin',
      '--json',
      '--data-dir',
      data,
    ]);
    expect(created.code).toBe(0);
    const principal = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    expect(principal).toMatchObject({ name: 'ci', role: 'admin' });

    const listed = await registry(['principals', 'list', '--data-dir', data]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${principal.client_id}\\s+ci\\s+admin\\s`, 'm'));
    expect(listed.stdout).not.toContain(principal.client_secret);

    const bad = await registry(['serve', '--body-limit', 'lots', '--data-dir', data]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--body-limit');

    const server = start([
      'registry',
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      data,
      '--log-level',
      'info',
    ]);
    try {
      const deadline = Date.now() + 20_000;
      let url: string | undefined;
      while (url === undefined && Date.now() < deadline && server.child.exitCode === null) {
        url = /imprint registry ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.stdout)?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect({ url, stderr: server.stderr }).toMatchObject({ url: expect.any(String) });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);

      // The principal created through `imprint registry` is the server's.
      const anonymous = await fetch(`${url}/imprint/v1/principals`);
      expect(anonymous.status).toBe(401);
      const client = new RegistryClient({
        baseUrl: url!,
        clientId: principal.client_id,
        clientSecret: principal.client_secret,
        retries: false,
      });
      await client.upsertBucket('through-imprint-registry');
      expect((await client.listBuckets()).buckets.map((b) => b.name)).toEqual([
        'through-imprint-registry',
      ]);

      server.child.kill('SIGTERM');
      expect(await exitWithin(server, 30_000)).toBe(0);
      expect(server.stdout).toContain('shutting down');
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }

    const id = principal.client_id;
    const deleted = await registry(['principals', 'delete', id, '--data-dir', data]);
    expect(deleted.code).toBe(0);
    const empty = await registry(['principals', 'list', '--data-dir', data]);
    expect(empty.stdout).toContain(
      'No principals. Create one with: imprint registry principals create --name ci --role admin',
    );
  });
});
