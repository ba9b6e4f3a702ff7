import { createRegistryCli } from '@imprint/registry';
import {
  openTestStorage,
  startTestRegistry,
  testEngines,
  type TestRegistry,
  type TestStorage,
} from '@imprint/registry/testing';
import { expectOAuthError, expectStatus, ok } from '../helpers/http';

/**
 * Regression: embedded mode re-counted principals every second, so deleting
 * the last principal (over HTTP, or with the CLI) turned a loopback server
 * that required tokens into one where every request is an anonymous admin.
 * Now the mode is decided at start, left for good when a principal appears,
 * and the HTTP API refuses to delete the last admin.
 */

/** A little over EmbeddedMode's one-second re-check. */
const RECHECK_MS = 1300;

jest.setTimeout(30_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

/** Runs `imprint-registry principals …` in-process against the test database. */
async function principalsCli(
  store: TestStorage,
  args: string[],
): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const cli = createRegistryCli({
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    env: {},
  });
  const { dataDir, databaseUrl } = store.location;
  await cli.command.parseAsync(
    [
      'principals',
      ...args,
      '--data-dir',
      dataDir,
      ...(databaseUrl ? ['--database', databaseUrl] : []),
    ],
    { from: 'user' },
  );
  return { code: await cli.exitCode(), stdout, stderr };
}

/** The server's log lines about its auth mode (warn level, with a `mode` field). */
function warnings(registry: TestRegistry): string[] {
  return registry.logs
    .map((line) => JSON.parse(line) as { level: number; msg: string; mode?: string })
    .filter((entry) => entry.mode !== undefined)
    .map((entry) => {
      expect(entry.level).toBe(40);
      return entry.msg;
    });
}

describe.each(testEngines())('the last principal and anonymous access (%s)', (engine) => {
  let store: TestStorage;
  let registry: TestRegistry | undefined;

  beforeEach(async () => {
    store = await openTestStorage(engine);
  });

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await store.dispose();
  });

  async function tokenFor(clientId: string, clientSecret: string): Promise<string> {
    const res = await registry!.request('POST', '/oauth2/token', {
      raw: 'grant_type=client_credentials',
      contentType: 'application/x-www-form-urlencoded',
      headers: { authorization: basic(clientId, clientSecret) },
    });
    return ok(res).access_token;
  }

  it('refuses to delete the last admin over HTTP with 400 / code 9, and changes nothing', async () => {
    const ops = await store.storage.principals.createPrincipal('ops', 'admin');
    const reader = await store.storage.principals.createPrincipal('reader', 'viewer');
    registry = await startTestRegistry({ storage: store.storage });
    const token = await tokenFor(ops.principal.id, ops.clientSecret);

    const refused = expectStatus(
      await registry.request('DELETE', `/imprint/v1/principals/${ops.principal.id}`, { token }),
      400,
      9,
    );
    expect(refused.details[0]).toMatchObject({
      reason: 'REGISTRY_ERR_LAST_ADMIN',
      id: ops.principal.id,
      name: 'ops',
    });
    expect(refused.message).toContain('last admin');
    expect(refused.message).toContain('Create another admin first');
    const listed = ok(await registry.request('GET', '/imprint/v1/principals', { token }));
    expect(listed.principals.map((p: { name: string }) => p.name).sort()).toEqual([
      'ops',
      'reader',
    ]);
    ok(await registry.request('GET', `${registry.base}/buckets`, { token }));

    // Other principals may go; so may an admin once another admin exists.
    ok(
      await registry.request('DELETE', `/imprint/v1/principals/${reader.principal.id}`, { token }),
    );
    const second = ok(
      await registry.request('POST', '/imprint/v1/principals', {
        token,
        body: { name: 'ops-2', role: 'admin' },
      }),
    );
    ok(await registry.request('DELETE', `/imprint/v1/principals/${ops.principal.id}`, { token }));
    const secondToken = await tokenFor(second.client_id, second.client_secret);
    expectStatus(
      await registry.request('DELETE', `/imprint/v1/principals/${second.client_id}`, {
        token: secondToken,
      }),
      400,
      9,
    );
  });

  it('a server started with principals never turns anonymous, even when the CLI deletes them all', async () => {
    const ops = await store.storage.principals.createPrincipal('ops', 'admin');
    registry = await startTestRegistry({ storage: store.storage });
    expect(warnings(registry)).toEqual([expect.stringMatching(/^tokens required: 1 principal/)]);

    const deleted = await principalsCli(store, ['delete', ops.principal.id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Deleted principal ${ops.principal.id}`);
    expect(deleted.stderr).toContain('warning: ops was the last admin principal');
    expect(deleted.stderr).toContain('no principals are left');
    expect(await store.storage.principals.countPrincipals()).toBe(0);

    await sleep(RECHECK_MS);
    for (let i = 0; i < 2; i += 1) {
      expectStatus(await registry.request('GET', `${registry.base}/buckets`), 401, 16);
      expectStatus(await registry.request('GET', '/imprint/v1/principals'), 401, 16);
      expectStatus(
        await registry.request('POST', '/imprint/v1/principals', {
          body: { name: 'intruder', role: 'admin' },
        }),
        401,
        16,
      );
      // No anonymous tokens either.
      expectOAuthError(
        await registry.request('POST', '/oauth2/token', {
          raw: 'grant_type=client_credentials',
          contentType: 'application/x-www-form-urlencoded',
          headers: { authorization: basic('any', 'thing') },
        }),
        401,
        'invalid_client',
        16,
      );
      await sleep(RECHECK_MS);
    }
    expect(await store.storage.principals.countPrincipals()).toBe(0);
  });

  it('a server started anonymous leaves embedded mode for good once the CLI creates a principal', async () => {
    registry = await startTestRegistry({ storage: store.storage });
    ok(await registry.request('GET', `${registry.base}/buckets`));
    expect(warnings(registry)).toEqual([
      expect.stringMatching(/^embedded mode: 127\.0\.0\.1 is a loopback address/),
    ]);

    const created = await principalsCli(store, [
      'create',
      '--name',
      'ci',
      '--role',
      'admin',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const { client_id: clientId } = JSON.parse(created.stdout) as { client_id: string };

    const deadline = Date.now() + 5000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await registry.request('GET', `${registry.base}/buckets`)).status;
      if (status === 200) await sleep(100);
    }
    expect(status).toBe(401);
    expect(warnings(registry)).toEqual([
      expect.stringMatching(/^embedded mode:/),
      expect.stringMatching(/^leaving embedded mode for good: 1 principal\(s\) now exist/),
    ]);

    // Deleting it again does not bring anonymous access back.
    expect((await principalsCli(store, ['delete', clientId])).code).toBe(0);
    await sleep(RECHECK_MS);
    expectStatus(await registry.request('GET', `${registry.base}/buckets`), 401, 16);
    expect(warnings(registry)).toHaveLength(2);
  });

  it('a principal created over HTTP ends embedded mode at once, and its deletion does not restore it', async () => {
    registry = await startTestRegistry({ storage: store.storage });
    const created = ok(
      await registry.request('POST', '/imprint/v1/principals', {
        body: { name: 'first-admin', role: 'admin' },
      }),
    );
    expectStatus(await registry.request('GET', `${registry.base}/buckets`), 401, 16);
    expect(warnings(registry)[1]).toMatch(
      /^leaving embedded mode for good: principal "first-admin" was created over HTTP/,
    );
    // The operator removes it at the machine; the server keeps requiring tokens.
    await store.storage.principals.deletePrincipal(created.client_id, { allowLastAdmin: true });
    await sleep(RECHECK_MS);
    expectStatus(await registry.request('GET', `${registry.base}/buckets`), 401, 16);
  });
});
