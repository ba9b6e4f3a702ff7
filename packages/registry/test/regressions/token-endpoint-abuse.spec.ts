import { TOKEN_BODY_LIMIT, type TokenRateLimitOptions } from '@imprint/registry';
import {
  type JsonRequestOptions,
  type JsonResponse,
  openTestStorage,
  startTestRegistry,
  testEngines,
  type TestRegistry,
  type TestStorage,
} from '@imprint/registry/testing';
import { expectOAuthError, ok } from '../helpers/http';

/**
 * Regressions of the public token endpoint: it parsed bodies up to the global
 * 1 MiB limit before looking at credentials, let anyone retry wrong
 * credentials without limit (each attempt costs a scrypt hash), and let a NUL
 * character in client_id reach PostgreSQL (a 500 with a stack trace).
 */

type Credentials = { clientId: string; clientSecret: string };

const FORM = 'application/x-www-form-urlencoded';

function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

describe.each(testEngines())('POST /oauth2/token hardening (%s)', (engine) => {
  let store: TestStorage;
  let good: Credentials;
  const running: TestRegistry[] = [];

  beforeAll(async () => {
    store = await openTestStorage(engine);
    const created = await store.storage.principals.createPrincipal('ci', 'admin');
    good = { clientId: created.principal.id, clientSecret: created.clientSecret };
  });

  afterEach(async () => {
    const registries = running.splice(0);
    for (const registry of registries) await registry.close();
    // Bad input never becomes an internal error.
    const internal = registries
      .flatMap((r) => r.logs)
      .filter((line) => line.includes('"level":50'));
    expect(internal).toEqual([]);
  });

  afterAll(async () => {
    await store?.dispose();
  });

  async function start(tokenRateLimit?: TokenRateLimitOptions): Promise<TestRegistry> {
    const registry = await startTestRegistry({
      storage: store.storage,
      server: tokenRateLimit ? { tokenRateLimit } : {},
    });
    running.push(registry);
    return registry;
  }

  const tokenRequest = (
    registry: TestRegistry,
    from: string,
    credentials: Credentials,
    extra: Partial<JsonRequestOptions> = {},
  ): Promise<JsonResponse> =>
    registry.request('POST', '/oauth2/token', {
      raw: 'grant_type=client_credentials',
      contentType: FORM,
      headers: { authorization: basic(credentials.clientId, credentials.clientSecret) },
      localAddress: from,
      ...extra,
    });

  const wrong = (): Credentials => ({ ...good, clientSecret: `${good.clientSecret}x` });

  function expectRateLimited(res: JsonResponse, scope: 'client' | 'global'): number {
    // RFC 6749 has no code for this; invalid_request is the one every OAuth client knows.
    const body = expectOAuthError(res, 429, 'invalid_request', 8);
    expect(body.details[0]).toMatchObject({
      reason: 'REGISTRY_ERR_TOKEN_RATE_LIMITED',
      scope,
      retry_after_seconds: expect.any(Number),
    });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(body.details[0].retry_after_seconds).toBe(retryAfter);
    expect(body.message).toMatch(/too many failed token requests.*retry in \d+ s/);
    return retryAfter;
  }

  it('answers 429 with Retry-After to a client that keeps failing, while another client still gets tokens', async () => {
    const registry = await start({ perClient: 5, global: 20, windowSeconds: 60 });
    const attacker = '127.0.0.2';
    const failures: JsonRequestOptions[] = [
      {},
      {},
      { headers: {} }, // no credentials at all
      { raw: 'grant_type=password' }, // a bad grant type
      { raw: `grant_type=client_credentials&client_id=${'a'.repeat(300)}` }, // schema failure
    ];
    for (const extra of failures) {
      const res = await tokenRequest(registry, attacker, wrong(), extra);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(429);
    }
    expectRateLimited(await tokenRequest(registry, attacker, wrong()), 'client');
    // Once over its budget, the client is refused before its credentials are looked at.
    expectRateLimited(await tokenRequest(registry, attacker, good), 'client');
    // Its refused requests do not use up the budget all clients share (global: 20).
    for (let i = 0; i < 30; i += 1) {
      expect((await tokenRequest(registry, attacker, wrong())).status).toBe(429);
    }

    // A good client is not throttled by the attacker, and its successes never count.
    for (let i = 0; i < 12; i += 1) {
      const res = await tokenRequest(registry, '127.0.0.3', good);
      expect(ok(res).token_type).toBe('Bearer');
    }
    const warned = registry.logs.filter(
      (line) =>
        line.includes('"level":40') && line.includes('127.0.0.2 made 5 failed token requests'),
    );
    expect(warned).toHaveLength(1);
  });

  it('caps failed requests from all clients together; the cap then holds good clients too', async () => {
    const registry = await start({ perClient: 3, global: 6, windowSeconds: 60 });
    for (const from of ['127.0.0.11', '127.0.0.12', '127.0.0.13']) {
      for (let i = 0; i < 2; i += 1) {
        expectOAuthError(await tokenRequest(registry, from, wrong()), 401, 'invalid_client', 16);
      }
    }
    expectRateLimited(await tokenRequest(registry, '127.0.0.14', wrong()), 'global');
    expectRateLimited(await tokenRequest(registry, '127.0.0.15', good), 'global');
  });

  it('successful requests are never counted, however many', async () => {
    const registry = await start({ perClient: 2, global: 3, windowSeconds: 60 });
    for (let i = 0; i < 10; i += 1) ok(await tokenRequest(registry, '127.0.0.21', good));
    expectOAuthError(
      await tokenRequest(registry, '127.0.0.21', wrong()),
      401,
      'invalid_client',
      16,
    );
    ok(await tokenRequest(registry, '127.0.0.21', good));
  });

  it(`refuses a 100 KB body with 413 / code 3 naming the ${TOKEN_BODY_LIMIT}-byte limit, quickly`, async () => {
    const registry = await start();
    const padding = 'x'.repeat(100 * 1024);
    const bodies: Partial<JsonRequestOptions>[] = [
      { raw: `grant_type=client_credentials&audience=${padding}`, contentType: FORM },
      {
        raw: JSON.stringify({ grant_type: 'client_credentials', audience: padding }),
        contentType: 'application/json',
      },
    ];
    for (const extra of bodies) {
      const started = Date.now();
      const res = await tokenRequest(registry, '127.0.0.31', good, extra);
      const elapsed = Date.now() - started;
      const body = expectOAuthError(res, 413, 'invalid_request', 3);
      expect(body.details[0]).toMatchObject({
        reason: 'REGISTRY_ERR_BODY_TOO_LARGE',
        limit_bytes: TOKEN_BODY_LIMIT,
      });
      expect(body.message).toContain(`${TOKEN_BODY_LIMIT} bytes`);
      expect(body.message).toContain('POST /oauth2/token');
      expect(elapsed).toBeLessThan(1000);
    }
    // A body under the limit is still read.
    ok(
      await tokenRequest(registry, '127.0.0.31', good, {
        raw: `grant_type=client_credentials&padding=${'x'.repeat(TOKEN_BODY_LIMIT - 100)}`,
      }),
    );
  });

  it('refuses a NUL character in client_id with 400 / code 3 naming the field, before SQL', async () => {
    const registry = await start();
    const from = '127.0.0.41';
    const cases: [Partial<JsonRequestOptions>, string][] = [
      [
        {
          raw: `grant_type=client_credentials&client_id=ab%00cd&client_secret=s`,
          headers: {},
        },
        'body.client_id',
      ],
      [
        {
          raw: JSON.stringify({
            grant_type: 'client_credentials',
            client_id: 'ab\u0000cd',
            client_secret: 's',
          }),
          contentType: 'application/json',
          headers: {},
        },
        'body.client_id',
      ],
      [
        {
          raw: `grant_type=client_credentials&client_id=${good.clientId}&client_secret=a%00b`,
          headers: {},
        },
        'body.client_secret',
      ],
      [{ headers: { authorization: basic('ab\u0000cd', 'secret') } }, 'headers.authorization'],
    ];
    for (const [extra, field] of cases) {
      const body = expectOAuthError(
        await tokenRequest(registry, from, good, extra),
        400,
        'invalid_request',
        3,
      );
      expect(body.details[0]).toMatchObject({ reason: 'REGISTRY_ERR_INVALID_ARGUMENT', field });
      expect(body.message).toContain(field);
    }
    // Form-encoded Basic credentials (RFC 6749 §2.3.1) whose decoded id holds a NUL: just wrong.
    expectOAuthError(
      await tokenRequest(registry, from, good, {
        headers: { authorization: basic('ab%00cd', 'secret') },
      }),
      401,
      'invalid_client',
      16,
    );
    ok(await tokenRequest(registry, from, good));
  });
});
