import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  requestJson,
  startTestRegistry,
  testEngines,
  useTestRegistry,
} from '@imprint/registry/testing';
import { expectStatus, ok } from '../helpers/http';

const CALLER_IDENTITY = '/iam/2019-12-10/caller-identity';

/** A stand-in for `packages/console/dist`: an index page and one hashed asset. */
async function fakeDist(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'imprint-console-dist-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><title>Imprint</title><script type="module" src="/assets/index-abc123.js"></script>',
  );
  await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("imprint");\n');
  return dir;
}

function expectSecurityHeaders(headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

describe.each(testEngines())('the web console and caller identity (%s)', (engine) => {
  let dist: string;

  beforeAll(async () => {
    dist = await fakeDist();
  });

  afterAll(async () => {
    await rm(dist, { recursive: true, force: true });
  });

  describe('embedded mode', () => {
    const registry = useTestRegistry({ beforeAll, afterAll }, () => ({
      engine,
      server: { consoleDir: dist },
    }));

    it('serves index.html at / with the security headers, uncached', async () => {
      const res = await registry.request('GET', '/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain('/assets/index-abc123.js');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expectSecurityHeaders(res.headers);
    });

    it('serves /assets/* as immutable, and 404 for a missing asset', async () => {
      const res = await registry.request('GET', '/assets/index-abc123.js');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('cache-control')).toMatch(/immutable/);
      expect(res.headers.get('cache-control')).toMatch(/max-age=31536000/);
      expectSecurityHeaders(res.headers);
      expectStatus(await registry.request('GET', '/assets/missing.js'), 404, 5);
    });

    it('does not serve files outside the dist directory: 404 / code 5 saying what /assets serves', async () => {
      for (const asset of [
        '..%2f..%2fpackage.json',
        '%2e%2e/%2e%2e/package.json',
        '..%5c..%5cpackage.json',
        'a%00b.js',
      ]) {
        const res = await requestJson(`${registry.url}/assets/${asset}`, 'GET');
        expect(res.status).toBe(404);
        expect(res.text).not.toContain('"name"');
        expect(JSON.parse(res.text)).toMatchObject({
          code: 5,
          // Dot segments the router resolves itself leave /assets: then no route matches at all.
          message: expect.stringMatching(
            /serves the files of the console's build|^no route for GET/,
          ),
        });
      }
    });

    it('answers caller-identity with the anonymous admin', async () => {
      const res = await registry.request('GET', CALLER_IDENTITY);
      expect(ok(res)).toEqual({
        principal: {
          id: 'anonymous',
          type: 'PRINCIPAL_TYPE_SERVICE',
          service: { id: 'anonymous', name: 'anonymous', role: 'admin' },
        },
      });
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('keeps the console routes out of /openapi.json', async () => {
      const doc = ok(await registry.request('GET', '/openapi.json'));
      expect(Object.keys(doc.paths)).not.toContain('/');
      expect(Object.keys(doc.paths).some((p) => p.startsWith('/assets'))).toBe(false);
    });
  });

  describe('with principals', () => {
    const registry = useTestRegistry({ beforeAll, afterAll }, () => ({
      engine,
      principals: [
        { name: 'viewer-sp', role: 'viewer' },
        { name: 'admin-sp', role: 'admin' },
      ],
      server: { consoleDir: dist },
    }));
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      for (const role of ['viewer', 'admin'] as const) {
        const { clientId, clientSecret } = registry.credentials.get(`${role}-sp`)!;
        ids[role] = clientId;
        const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
        tokens[role] = ok(
          await registry.request('POST', '/oauth2/token', {
            raw: 'grant_type=client_credentials',
            contentType: 'application/x-www-form-urlencoded',
            headers: { authorization: `Basic ${basic}` },
          }),
        ).access_token;
      }
    });

    it('answers caller-identity for a viewer and an admin', async () => {
      for (const role of ['viewer', 'admin'] as const) {
        const body = ok(await registry.request('GET', CALLER_IDENTITY, { token: tokens[role] }));
        expect(body).toEqual({
          principal: {
            id: ids[role],
            type: 'PRINCIPAL_TYPE_SERVICE',
            service: { id: ids[role], name: `${role}-sp`, role },
          },
        });
      }
    });

    it('refuses caller-identity without a token (401 / code 16)', async () => {
      expectStatus(await registry.request('GET', CALLER_IDENTITY), 401, 16);
    });

    it('serves the console page without a token: it holds no data', async () => {
      const res = await registry.request('GET', '/');
      expect(res.status).toBe(200);
      expectSecurityHeaders(res.headers);
    });
  });

  describe('console options', () => {
    it('answers 503 with how to build when the dist is missing, and keeps serving the API', async () => {
      const missing = path.join(tmpdir(), `imprint-no-console-${process.pid}-${Date.now()}`);
      const registry = await startTestRegistry({ engine, server: { consoleDir: missing } });
      try {
        const res = await registry.request('GET', '/');
        expect(res.status).toBe(503);
        expect(res.text).toContain('npm run build -w @imprint/console');
        expectSecurityHeaders(res.headers);
        expect((await registry.request('GET', '/healthz')).status).toBe(200);
        expectStatus(await registry.request('GET', '/assets/index.js'), 404, 5);
      } finally {
        await registry.close();
      }
    });

    it('serves no console with consoleDir: false', async () => {
      const registry = await startTestRegistry({ engine, server: { consoleDir: false } });
      try {
        expectStatus(await registry.request('GET', '/'), 404, 5);
        expect(ok(await registry.request('GET', CALLER_IDENTITY)).principal.service.role).toBe(
          'admin',
        );
      } finally {
        await registry.close();
      }
    });
  });
});
