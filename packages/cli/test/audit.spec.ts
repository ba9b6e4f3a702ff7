import { EXIT, run, type CliIo } from '@imprint/cli';
import { testEngines, useTestRegistry } from '@imprint/registry/testing';

jest.setTimeout(60_000);

/** Runs `imprint` in-process with `env` (credentials), capturing its output. */
async function imprint(args: readonly string[], env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), env };
  const code = await run(args, io);
  return { code, ...out };
}

/*
 * `imprint audit` against a real registry on 127.0.0.1 with principals: an
 * admin reads the log its own and others' requests wrote; a viewer is refused.
 */
describe.each(testEngines())('imprint audit (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    {
      engine,
      database: { prefix: 'imprint-cli-audit' },
      principals: [
        { name: 'boss', role: 'admin' },
        { name: 'ci', role: 'contributor' },
        { name: 'reader', role: 'viewer' },
      ],
    },
  );
  const as = (name: string) => {
    const { clientId, clientSecret } = registry.credentials.get(name)!;
    return { HCP_CLIENT_ID: clientId, HCP_CLIENT_SECRET: clientSecret };
  };
  const audit = (name: string, ...rest: string[]) =>
    imprint(['audit', ...rest, '--registry', registry.server.url], as(name));

  beforeAll(async () => {
    const ci = await imprint(
      ['buckets', 'create', 'audit-cli', '--registry', registry.server.url],
      as('ci'),
    );
    expect(ci).toMatchObject({ code: EXIT.OK });
    const denied = await imprint(
      ['buckets', 'delete', 'audit-cli', '--yes', '--registry', registry.server.url],
      as('ci'),
    );
    expect(denied.code).not.toBe(EXIT.OK);
  });

  /** Rows of a table: cells split on runs of 2+ spaces. */
  const rows = (stdout: string) =>
    stdout
      .split('\n')
      .slice(1, -1)
      .map((l) => l.split(/ {2,}/));

  /** The outcome is recorded after the response: wait until `ci`'s entries are finished. */
  async function ciEntries(...rest: string[]) {
    for (let attempt = 0; ; attempt++) {
      const listed = await audit('boss', '--principal', 'ci', ...rest);
      if (!listed.stdout.includes('unknown') || attempt > 50) return listed;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('lists the newest entries first, as a table, filtered', async () => {
    const listed = await ciEntries();
    expect(listed).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(listed.stdout.split('\n')[0]).toMatch(
      /^TIME +PRINCIPAL +OPERATION +RESOURCE +STATUS +OUTCOME +CLIENT$/,
    );
    expect(rows(listed.stdout).map((r) => r.slice(1, 6))).toEqual([
      ['ci', 'DeleteBucket', 'bucket/audit-cli', '403', 'denied (REGISTRY_ERR_PERMISSION_DENIED)'],
      ['ci', 'CreateBucket', 'bucket/audit-cli', '200', 'ok'],
    ]);
    const denied = await audit('boss', '--outcome', 'DENIED', '--since', '1h', '--json');
    expect(denied.code).toBe(EXIT.OK);
    const { events } = JSON.parse(denied.stdout) as { events: { operation: string }[] };
    expect(events.map((e) => e.operation)).toEqual(['DeleteBucket']);
    expect(await audit('boss', '--principal', 'ci', '--until', '2000-01-01T00:00:00Z')).toEqual({
      code: EXIT.OK,
      stderr: '',
      stdout: 'No audit log entries match.\n',
    });
    const one = await audit('boss', '--principal', 'ci', '--limit', '1', '--json');
    expect((JSON.parse(one.stdout) as { events: unknown[] }).events).toHaveLength(1);
  });

  it('refuses bad flags before any request, and a viewer gets the 403', async () => {
    for (const [flags, message] of [
      [
        ['--outcome', 'maybe'],
        "--outcome 'maybe' is not an outcome; use one of ok, denied, error, unknown",
      ],
      [['--since', 'yesterday'], "--since 'yesterday' is neither an RFC 3339 time"],
      [['--limit', '0'], "--limit '0' is not a whole number"],
    ] as const) {
      const result = await audit('boss', ...flags);
      expect(result.code).toBe(EXIT.USAGE);
      expect(result.stderr).toContain(message);
    }
    const viewer = await audit('reader');
    expect(viewer.code).not.toBe(EXIT.OK);
    expect(viewer.stderr).toMatch(/permission|role|admin/i);
  });
});
