import {
  startTestRegistry,
  testEngines,
  useTestRegistry,
  type TestCredentials as Credentials,
} from '@imprint/registry/testing';
import { ROLE_PRINCIPALS, expectOAuthError, ok } from '../helpers/http';

/**
 * `POST /oauth2/token` as stock clients use it: golang.org/x/oauth2 (hcp-sdk-go,
 * Packer, terraform-provider-hcp) sends Basic credentials and HCP's audience,
 * and parses errors as RFC 6749 §5.2 (`error`, `error_description`).
 */

function basic({ clientId, clientSecret }: Credentials): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

describe.each(testEngines())('POST /oauth2/token (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    {
      engine,
      principals: ROLE_PRINCIPALS,
      // These specs fail on purpose more often than the per-address limit allows (the limit has
      // its own spec: regressions/token-endpoint-abuse).
      server: { tokenTtlSeconds: 600, tokenRateLimit: { perClient: 0 } },
    },
  );
  const creds: Record<'admin' | 'contributor' | 'viewer', Credentials> = {} as never;

  beforeAll(() => {
    for (const role of ['admin', 'contributor', 'viewer'] as const) {
      creds[role] = registry.credentials.get(`${role}-sp`)!;
    }
  });
  it('issues a bearer token for Basic credentials (what Go oauth2 sends)', async () => {
    const res = await registry.request('POST', '/oauth2/token', {
      raw: 'grant_type=client_credentials&audience=https%3A%2F%2Fapi.hashicorp.cloud',
      contentType: 'application/x-www-form-urlencoded',
      headers: { authorization: basic(creds.viewer) },
    });
    const body = ok(res);
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts client_id / client_secret form fields', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.viewer.clientId,
      client_secret: creds.viewer.clientSecret,
    });
    const body = ok(
      await registry.request('POST', '/oauth2/token', {
        raw: form.toString(),
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    expect(body.token_type).toBe('Bearer');
    const listed = await registry.request('GET', `${registry.base}/buckets`, {
      token: body.access_token,
    });
    expect(listed.status).toBe(200);
  });

  it('accepts form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const encoded = {
      clientId: encodeURIComponent(creds.viewer.clientId),
      clientSecret: encodeURIComponent(creds.viewer.clientSecret),
    };
    const res = await registry.request('POST', '/oauth2/token', {
      raw: 'grant_type=client_credentials',
      contentType: 'application/x-www-form-urlencoded',
      headers: { authorization: basic(encoded) },
    });
    expect(res.status).toBe(200);
  });

  it('records the audience HCP clients send, and accepts any other', async () => {
    for (const audience of ['https://api.hashicorp.cloud', 'https://somewhere-else.example']) {
      const res = await registry.request('POST', '/oauth2/token', {
        raw: `grant_type=client_credentials&audience=${encodeURIComponent(audience)}`,
        contentType: 'application/x-www-form-urlencoded',
        headers: { authorization: basic(creds.viewer) },
      });
      expect(ok(res).token_type).toBe('Bearer');
      const issued = registry.logs
        .map((line) => JSON.parse(line))
        .filter((line) => line.reqId === res.headers.get('x-request-id'))
        .filter((line) => line.msg === 'issued a bearer token');
      expect(issued).toEqual([expect.objectContaining({ principal: 'viewer-sp', audience })]);
    }
  });

  const WRONG_CREDENTIALS =
    'invalid client credentials: check HCP_CLIENT_ID / HCP_CLIENT_SECRET ' +
    '(imprint-registry principals create makes a pair)';
  const INVALID_CLIENT = [
    { '@type': 'imprint.registry.ErrorInfo', reason: 'REGISTRY_ERR_INVALID_CLIENT' },
  ];

  it('refuses wrong Basic credentials with RFC 6749 invalid_client, 401 and a Basic challenge', async () => {
    const wrong = { ...creds.viewer, clientSecret: `${creds.viewer.clientSecret}x` };
    const unknown = { clientId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', clientSecret: 'nope' };
    for (const authorization of [basic(wrong), basic(unknown)]) {
      const res = await registry.request('POST', '/oauth2/token', {
        raw: 'grant_type=client_credentials&audience=https%3A%2F%2Fapi.hashicorp.cloud',
        contentType: 'application/x-www-form-urlencoded',
        headers: { authorization },
      });
      expect(expectOAuthError(res, 401, 'invalid_client', 16)).toEqual({
        error: 'invalid_client',
        error_description: WRONG_CREDENTIALS,
        code: 16,
        message: WRONG_CREDENTIALS,
        details: INVALID_CLIENT,
      });
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="imprint-registry"');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    // A header that is not Basic at all is a failed client authentication too.
    for (const authorization of ['Basic !!!', 'Bearer abc']) {
      const res = await registry.request('POST', '/oauth2/token', {
        raw: 'grant_type=client_credentials',
        contentType: 'application/x-www-form-urlencoded',
        headers: { authorization },
      });
      const body = expectOAuthError(res, 401, 'invalid_client', 16);
      expect(body.error_description).toBe(
        "the Authorization header must be 'Basic base64(client_id:client_secret)'",
      );
      expect(body.message).toBe(
        'the Authorization header must be "Basic base64(client_id:client_secret)"',
      );
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="imprint-registry"');
    }
  });

  it('refuses wrong or missing form-field credentials with invalid_client, 401 and no challenge', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.viewer.clientId,
      client_secret: 'wrong',
    });
    const wrong = await registry.request('POST', '/oauth2/token', {
      raw: form.toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(expectOAuthError(wrong, 401, 'invalid_client', 16)).toEqual({
      error: 'invalid_client',
      error_description: WRONG_CREDENTIALS,
      code: 16,
      message: WRONG_CREDENTIALS,
      details: INVALID_CLIENT,
    });
    expect(wrong.headers.get('www-authenticate')).toBeNull();

    const missing = await registry.request('POST', '/oauth2/token', {
      raw: 'grant_type=client_credentials',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(expectOAuthError(missing, 401, 'invalid_client', 16)).toEqual({
      error: 'invalid_client',
      error_description:
        "missing client credentials: send them in an 'Authorization: Basic' header or as client_id and client_secret form fields",
      code: 16,
      message:
        'missing client credentials: send them in an "Authorization: Basic" header or as client_id and client_secret form fields',
      details: INVALID_CLIENT,
    });
    expect(missing.headers.get('www-authenticate')).toBeNull();
  });

  it('refuses other grant types with unsupported_grant_type, 400', async () => {
    const res = await registry.request('POST', '/oauth2/token', {
      raw: 'grant_type=password&username=a&password=b',
      contentType: 'application/x-www-form-urlencoded',
      headers: { authorization: basic(creds.viewer) },
    });
    expect(expectOAuthError(res, 400, 'unsupported_grant_type', 3)).toEqual({
      error: 'unsupported_grant_type',
      error_description: "unsupported grant_type 'password': only client_credentials is supported",
      code: 3,
      message: 'unsupported grant_type "password": only client_credentials is supported',
      details: [
        {
          '@type': 'imprint.registry.ErrorInfo',
          reason: 'REGISTRY_ERR_UNSUPPORTED_GRANT_TYPE',
          field: 'body.grant_type',
        },
      ],
    });
    expect(res.headers.get('www-authenticate')).toBeNull();
    // What a client sends is echoed back only in the characters RFC 6749 allows.
    const odd = await registry.request('POST', '/oauth2/token', {
      raw: `grant_type=${encodeURIComponent('pässword\\x')}`,
      contentType: 'application/x-www-form-urlencoded',
      headers: { authorization: basic(creds.viewer) },
    });
    expect(expectOAuthError(odd, 400, 'unsupported_grant_type', 3).error_description).toBe(
      "unsupported grant_type 'p?ssword//x': only client_credentials is supported",
    );
  });

  it('refuses a malformed request with invalid_request, 400 (or 415 for a wrong content type)', async () => {
    const cases: [string, string, number, string][] = [
      ['audience=x', 'application/x-www-form-urlencoded', 400, 'body.grant_type is required'],
      ['{"grant_type": ', 'application/json', 400, 'not valid JSON'],
      [
        JSON.stringify({ grant_type: 'client_credentials', client_id: 'a'.repeat(300) }),
        'application/json',
        400,
        'body.client_id must NOT have more than 256 characters',
      ],
      ['grant_type=client_credentials', 'text/plain', 415, 'unsupported content type'],
    ];
    for (const [raw, contentType, status, says] of cases) {
      const res = await registry.request('POST', '/oauth2/token', {
        raw,
        contentType,
        headers: { authorization: basic(creds.viewer) },
      });
      const body = expectOAuthError(res, status, 'invalid_request', 3);
      expect(body.message).toContain(says);
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
  });

  it('answers its own failures with server_error and the status, without internals', async () => {
    const broken = await startTestRegistry({ engine, principals: [{ name: 'ci', role: 'admin' }] });
    try {
      await broken.storage.close();
      const res = await broken.request('POST', '/oauth2/token', {
        raw: 'grant_type=client_credentials',
        contentType: 'application/x-www-form-urlencoded',
        headers: { authorization: basic(broken.credentials.get('ci')!) },
      });
      const body = expectOAuthError(res, 500, 'server_error', 13);
      expect(body.message).toMatch(/request id/);
      expect(res.headers.get('www-authenticate')).toBeNull();
    } finally {
      await broken.close();
    }
  });
});
