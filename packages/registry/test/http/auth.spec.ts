import { RegistryError, startRegistryServer } from '@imprint/registry';
import {
  openTestStorage,
  requestJson,
  startTestRegistry,
  testEngines,
  useTestRegistry,
  type TestCredentials as Credentials,
  type TestRegistry,
} from '@imprint/registry/testing';
import { ROLE_PRINCIPALS, expectStatus, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';

function basic({ clientId, clientSecret }: Credentials): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

async function token(registry: TestRegistry, credentials: Credentials): Promise<string> {
  const res = await registry.request('POST', '/oauth2/token', {
    raw: 'grant_type=client_credentials&audience=https%3A%2F%2Fapi.hashicorp.cloud',
    contentType: 'application/x-www-form-urlencoded',
    headers: { authorization: basic(credentials) },
  });
  return ok(res).access_token;
}

describe.each(testEngines())('authentication and roles (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS, server: { tokenTtlSeconds: 600 } },
  );
  const creds: Record<'admin' | 'contributor' | 'viewer', Credentials> = {} as never;
  const tokens: Record<'admin' | 'contributor' | 'viewer', string> = {} as never;

  beforeAll(async () => {
    for (const role of ['admin', 'contributor', 'viewer'] as const) {
      creds[role] = registry.credentials.get(`${role}-sp`)!;
      tokens[role] = await token(registry, creds[role]);
    }
    ok(
      await registry.request('PUT', `${registry.base}/buckets`, {
        token: tokens.admin,
        body: { name: 'secured' },
      }),
    );
  });

  describe('bearer tokens', () => {
    it('are required: none, malformed or unknown is 401 / code 16 with WWW-Authenticate', async () => {
      const missing = await registry.request('GET', `${registry.base}/buckets`);
      expect(expectStatus(missing, 401, 16).message).toContain('/oauth2/token');
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectStatus(
        await registry.request('GET', `${registry.base}/buckets`, {
          headers: { authorization: `Token ${tokens.viewer}` },
        }),
        401,
        16,
      );
      expectStatus(
        await registry.request('GET', `${registry.base}/buckets`, { token: 'not-a-real-token' }),
        401,
        16,
      );
    });

    it('are checked before the body is read or validated', async () => {
      expectStatus(
        await registry.request('PUT', `${registry.base}/buckets`, { raw: '{oops' }),
        401,
        16,
      );
    });

    it('are not needed for health, readiness, OpenAPI and the token endpoint', async () => {
      for (const path of ['/healthz', '/readyz', '/openapi.json']) {
        expect((await registry.request('GET', path)).status).toBe(200);
      }
    });
  });

  describe('roles', () => {
    it('viewer reads but cannot write (403 / code 7 naming the role needed)', async () => {
      ok(
        await registry.request('GET', `${registry.base}/buckets/secured`, { token: tokens.viewer }),
      );
      ok(
        await registry.request('POST', `${registry.base}/_search/external_artifact`, {
          token: tokens.viewer,
          body: { external_identifier: 'ami-none' },
        }),
      );
      const denied = expectStatus(
        await registry.request('POST', `${registry.base}/buckets/secured/versions`, {
          token: tokens.viewer,
          body: { fingerprint: fingerprint() },
        }),
        403,
        7,
      );
      expect(denied.message).toContain('contributor');
      expect(denied.message).toContain('viewer');
      expect(denied.details[0]).toMatchObject({
        reason: 'REGISTRY_ERR_PERMISSION_DENIED',
        required_role: 'contributor',
      });
    });

    it('contributor creates versions, builds and channels, records its name as author', async () => {
      const fp = fingerprint();
      const version = ok(
        await registry.request('POST', `${registry.base}/buckets/secured/versions`, {
          token: tokens.contributor,
          body: { fingerprint: fp },
        }),
      ).version;
      expect(version.author_id).toBe('contributor-sp');
      ok(
        await registry.request('POST', `${registry.base}/buckets/secured/versions/${fp}/builds`, {
          token: tokens.contributor,
          body: { component_type: 'docker.app' },
        }),
      );
      const channel = ok(
        await registry.request('POST', `${registry.base}/buckets/secured/channels`, {
          token: tokens.contributor,
          body: { name: `dev-${Date.now().toString(36)}` },
        }),
      ).channel;
      expect(channel.author_id).toBe('contributor-sp');
    });

    it('contributor creates and updates buckets, as Packer does on HCP (200, 200)', async () => {
      const created = ok(
        await registry.request('PUT', `${registry.base}/buckets`, {
          token: tokens.contributor,
          body: { name: 'ci-made', description: 'first', labels: { os: 'ubuntu' } },
        }),
      ).bucket;
      expect(created).toMatchObject({ name: 'ci-made', description: 'first' });
      // What Packer sends when the template's description or labels differ.
      const updated = ok(
        await registry.request('PATCH', `${registry.base}/buckets/ci-made`, {
          token: tokens.contributor,
          body: { description: 'second', labels: { os: 'debian' }, platforms: null },
        }),
      ).bucket;
      expect(updated).toMatchObject({ description: 'second', labels: { os: 'debian' } });
      const read = ok(
        await registry.request('GET', `${registry.base}/buckets/ci-made`, { token: tokens.viewer }),
      ).bucket;
      expect(read).toMatchObject({ description: 'second', labels: { os: 'debian' } });

      const deleteDenied = expectStatus(
        await registry.request('DELETE', `${registry.base}/buckets/ci-made`, {
          token: tokens.contributor,
        }),
        403,
        7,
      );
      expect(deleteDenied.details[0]).toMatchObject({
        reason: 'REGISTRY_ERR_PERMISSION_DENIED',
        required_role: 'admin',
        principal_role: 'contributor',
      });
      for (const [method, path, body] of [
        ['PUT', `${registry.base}/buckets`, { name: 'viewer-made' }],
        ['PATCH', `${registry.base}/buckets/ci-made`, { description: 'x' }],
      ] as const) {
        const denied = expectStatus(
          await registry.request(method, path, { token: tokens.viewer, body }),
          403,
          7,
        );
        expect(denied.details[0]).toMatchObject({
          required_role: 'contributor',
          principal_role: 'viewer',
        });
      }
      expectStatus(
        await registry.request('GET', `${registry.base}/buckets/viewer-made`, {
          token: tokens.admin,
        }),
        404,
        5,
      );
      ok(
        await registry.request('DELETE', `${registry.base}/buckets/ci-made`, {
          token: tokens.admin,
        }),
      );
    });

    it('contributor cannot delete buckets, revoke, restore or delete', async () => {
      const fp = fingerprint();
      ok(
        await registry.request('POST', `${registry.base}/buckets/secured/versions`, {
          token: tokens.contributor,
          body: { fingerprint: fp },
        }),
      );
      const attempts: [string, string, unknown?][] = [
        ['DELETE', `${registry.base}/buckets/secured`],
        ['PATCH', `${registry.base}/buckets/secured/versions/${fp}`, { revoke_in: '0s' }],
        ['PATCH', `${registry.base}/buckets/secured/versions/${fp}`, { restore: true }],
        ['DELETE', `${registry.base}/buckets/secured/versions/${fp}`],
        ['DELETE', `${registry.base}/buckets/secured/channels/latest`],
        ['GET', '/imprint/v1/principals'],
      ];
      for (const [method, path, body] of attempts) {
        const res = await registry.request(method, path, { token: tokens.contributor, body });
        const status = expectStatus(res, 403, 7);
        expect(status.message).toContain('admin');
      }
      ok(
        await registry.request('GET', `${registry.base}/buckets/secured`, { token: tokens.admin }),
      );
    });

    it('viewers do not see restricted channels (latest included); contributors do', async () => {
      const name = `restricted-${Date.now().toString(36)}`;
      ok(
        await registry.request('POST', `${registry.base}/buckets/secured/channels`, {
          token: tokens.contributor,
          body: { name, restricted: true },
        }),
      );
      const channels = `${registry.base}/buckets/secured/channels`;
      for (const path of [
        `${channels}/${name}`,
        `${channels}/${name}/history`,
        `${channels}/latest`,
      ]) {
        const denied = expectStatus(
          await registry.request('GET', path, { token: tokens.viewer }),
          403,
          7,
        );
        expect(denied.message).toContain('restricted');
        expect(denied.details[0]).toMatchObject({ reason: 'REGISTRY_ERR_CHANNEL_RESTRICTED' });
        ok(await registry.request('GET', path, { token: tokens.contributor }));
      }
      const seenBy = async (token: string) =>
        (ok(await registry.request('GET', channels, { token })).channels as { name: string }[]).map(
          (c) => c.name,
        );
      expect(await seenBy(tokens.viewer)).not.toEqual(expect.arrayContaining([name]));
      expect(await seenBy(tokens.viewer)).not.toContain('latest');
      expect(await seenBy(tokens.contributor)).toEqual(expect.arrayContaining([name, 'latest']));
    });

    it('admin can do everything', async () => {
      ok(
        await registry.request('PUT', `${registry.base}/buckets`, {
          token: tokens.admin,
          body: { name: 'admin-made' },
        }),
      );
      ok(
        await registry.request('DELETE', `${registry.base}/buckets/admin-made`, {
          token: tokens.admin,
        }),
      );
    });
  });

  describe('principals admin API', () => {
    it('creates a principal (secret shown once), lists it, and deleting it revokes its tokens', async () => {
      const created = ok(
        await registry.request('POST', '/imprint/v1/principals', {
          token: tokens.admin,
          body: { name: 'ci-runner', role: 'contributor' },
        }),
      );
      expect(created).toEqual({
        principal: {
          id: created.client_id,
          name: 'ci-runner',
          role: 'contributor',
          created_at: expect.any(String),
        },
        client_id: expect.any(String),
        client_secret: expect.any(String),
      });
      const list = ok(
        await registry.request('GET', '/imprint/v1/principals', { token: tokens.admin }),
      );
      expect(list.principals.map((p: any) => p.name)).toEqual(
        expect.arrayContaining(['admin-sp', 'ci-runner']),
      );
      expect(JSON.stringify(list)).not.toContain(created.client_secret);

      const ciToken = await token(registry, {
        clientId: created.client_id,
        clientSecret: created.client_secret,
      });
      ok(await registry.request('GET', `${registry.base}/buckets`, { token: ciToken }));

      expectStatus(
        await registry.request('POST', '/imprint/v1/principals', {
          token: tokens.admin,
          body: { name: 'ci-runner', role: 'viewer' },
        }),
        409,
        6,
      );
      expectStatus(
        await registry.request('POST', '/imprint/v1/principals', {
          token: tokens.admin,
          body: { name: 'x', role: 'superuser' },
        }),
        400,
        3,
      );

      ok(
        await registry.request('DELETE', `/imprint/v1/principals/${created.client_id}`, {
          token: tokens.admin,
        }),
      );
      expectStatus(
        await registry.request('GET', `${registry.base}/buckets`, { token: ciToken }),
        401,
        16,
      );
      expectStatus(
        await registry.request('DELETE', `/imprint/v1/principals/${created.client_id}`, {
          token: tokens.admin,
        }),
        404,
        5,
      );
    });

    it('is admin only', async () => {
      expectStatus(
        await registry.request('POST', '/imprint/v1/principals', {
          token: tokens.viewer,
          body: { name: 'sneaky', role: 'admin' },
        }),
        403,
        7,
      );
    });
  });

  it('never logs tokens or secrets', () => {
    const log = registry.logs.join('\n');
    expect(log.length).toBeGreaterThan(0);
    for (const role of ['admin', 'contributor', 'viewer'] as const) {
      expect(log).not.toContain(tokens[role]);
      expect(log).not.toContain(creds[role].clientSecret);
    }
    expect(log).not.toMatch(/Bearer [A-Za-z0-9]/);
  });
});

describe.each(testEngines())('embedded mode and start-up checks (%s)', (engine) => {
  it('on loopback with no principals, requests are anonymous admin and one line says so', async () => {
    const registry = await startTestRegistry({ engine });
    try {
      const created = ok(
        await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'anon' } }),
      );
      expect(created.bucket.name).toBe('anon');
      const version = ok(
        await registry.request('POST', `${registry.base}/buckets/anon/versions`, {
          body: { fingerprint: fingerprint() },
        }),
      ).version;
      expect(version.author_id).toBe('anonymous');

      // Stock clients always fetch a token first: any credentials work.
      const tokenResponse = ok(
        await registry.request('POST', '/oauth2/token', {
          raw: 'grant_type=client_credentials',
          contentType: 'application/x-www-form-urlencoded',
          headers: { authorization: basic({ clientId: 'any', clientSecret: 'thing' }) },
        }),
      );
      ok(
        await registry.request('GET', `${registry.base}/buckets`, {
          token: tokenResponse.access_token,
        }),
      );

      const lines = registry.logs.filter((line) => line.includes('anonymous admin'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('imprint-registry principals create --name ci --role admin');

      // The first principal ends embedded mode.
      ok(
        await registry.request('POST', '/imprint/v1/principals', {
          body: { name: 'first-admin', role: 'admin' },
        }),
      );
      expectStatus(await registry.request('GET', `${registry.base}/buckets`), 401, 16);
    } finally {
      await registry.close();
    }
  });

  it('treats localhost, ::1 and all of 127.0.0.0/8 as loopback', async () => {
    const store = await openTestStorage(engine);
    try {
      for (const host of ['localhost', '::1', '127.0.0.2']) {
        const server = await startRegistryServer({
          storage: store.storage,
          host,
          port: 0,
          logger: false,
        });
        try {
          const res = await requestJson(`${server.url}/imprint/v1/principals`, 'GET');
          expect({ host, status: res.status }).toEqual({ host, status: 200 });
        } finally {
          await server.close();
        }
      }
    } finally {
      await store.dispose();
    }
  });

  it('refuses to start on a non-loopback address without principals, saying how to create one', async () => {
    const store = await openTestStorage(engine);
    try {
      for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
        const attempt = startRegistryServer({
          storage: store.storage,
          host,
          port: 0,
          logger: false,
        });
        await expect(attempt).rejects.toBeInstanceOf(RegistryError);
        await expect(attempt).rejects.toMatchObject({
          reason: 'REGISTRY_ERR_NO_PRINCIPALS',
          message: expect.stringContaining(
            'imprint-registry principals create --name ci --role admin',
          ),
        });
      }
      await store.storage.principals.createPrincipal('ops', 'admin');
      const server = await startRegistryServer({
        storage: store.storage,
        host: '0.0.0.0',
        port: 0,
        logger: false,
      });
      try {
        const res = await requestJson(
          `http://127.0.0.1:${server.port}/packer/2023-01-01/organizations/x/projects/y/buckets`,
          'GET',
        );
        expectStatus(res, 401, 16);
      } finally {
        await server.close();
      }
    } finally {
      await store.dispose();
    }
  });

  it('reports a taken port clearly', async () => {
    const first = await startTestRegistry({ engine });
    try {
      await expect(
        startRegistryServer({
          storage: first.storage,
          host: '127.0.0.1',
          port: first.server.port,
          logger: false,
        }),
      ).rejects.toMatchObject({
        reason: 'REGISTRY_ERR_ADDRESS_IN_USE',
        message: expect.stringContaining('already in use'),
      });
      // The failed start left the storage usable.
      ok(await first.request('GET', '/readyz'));
    } finally {
      await first.close();
    }
  });
});
