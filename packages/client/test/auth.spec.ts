import {
  CLIENT_ERROR_CODES,
  RegistryAuthError,
  RegistryClient,
  isUnauthenticated,
} from '@imprint/client';
import { universalBody } from './helpers/fixtures';
import type { RecordedRequest, Reply, TestServer } from './helpers/test-server';
import { autoClosingTestServers, rpcError } from './helpers/test-server';

const serve = autoClosingTestServers();

/** Token endpoint handing out tok-1, tok-2, …; API accepting only the tokens in `valid`. */
function registry(options: { valid?: (token: string) => boolean; expiresIn?: number } = {}) {
  let issued = 0;
  return (request: RecordedRequest): Reply => {
    if (request.path === '/oauth2/token') {
      issued++;
      return {
        body: {
          access_token: `tok-${issued}`,
          token_type: 'Bearer',
          expires_in: options.expiresIn ?? 3600,
        },
      };
    }
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (options.valid !== undefined && !options.valid(token)) {
      return rpcError(401, 16, 'token expired');
    }
    return { body: universalBody };
  };
}

function clientFor(
  server: TestServer,
  extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {},
) {
  return new RegistryClient({
    baseUrl: server.url,
    organizationId: 'org-1',
    projectId: 'proj-1',
    clientId: 'client id',
    clientSecret: 's3cr3t:&=',
    retries: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

describe('client-credentials token', () => {
  it('is requested with Basic credentials and a client_credentials form body', async () => {
    const server = await serve(registry());
    await clientFor(server).getBucket('b');

    const [tokenRequest, apiRequest] = server.requests;
    expect(tokenRequest!.method).toBe('POST');
    expect(tokenRequest!.path).toBe('/oauth2/token');
    expect(tokenRequest!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const basic = Buffer.from(
      (tokenRequest!.headers.authorization ?? '').replace(/^Basic /, ''),
      'base64',
    ).toString('utf8');
    // RFC 6749 §2.3.1: each part form-urlencoded before Base64.
    const [id, secret] = basic.split(':').map(decodeURIComponent);
    expect([id, secret]).toEqual(['client id', 's3cr3t:&=']);
    const form = new URLSearchParams(tokenRequest!.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('audience')).toBe('https://api.hashicorp.cloud');

    expect(apiRequest!.headers.authorization).toBe('Bearer tok-1');
  });

  it('is cached across calls', async () => {
    const server = await serve(registry());
    const client = clientFor(server);
    await client.getBucket('a');
    await client.getBucket('b');
    await client.listBuckets();
    expect(server.requestsTo('/oauth2/token')).toHaveLength(1);
    expect(server.requests.slice(1).map((r) => r.headers.authorization)).toEqual([
      'Bearer tok-1',
      'Bearer tok-1',
      'Bearer tok-1',
    ]);
  });

  it('is fetched once for concurrent calls', async () => {
    const server = await serve(registry());
    const client = clientFor(server);
    await Promise.all([client.getBucket('a'), client.getBucket('b'), client.getBucket('c')]);
    expect(server.requestsTo('/oauth2/token')).toHaveLength(1);
  });

  it('is refreshed shortly before expires_in', async () => {
    const server = await serve(registry({ expiresIn: 1 }));
    const client = clientFor(server);
    await client.getBucket('a');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await client.getBucket('b');
    expect(server.requestsTo('/oauth2/token')).toHaveLength(2);
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer tok-2');
  });

  it('is refreshed once on 401, and the call repeated (even a POST)', async () => {
    const server = await serve(registry({ valid: (token) => token !== 'tok-1' }));
    const version = await clientFor(server).createVersion('b', { fingerprint: 'fp' });
    expect(version.fingerprint).toBe('fp-1');
    expect(server.requests.map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual([
      'POST token',
      'POST versions',
      'POST token',
      'POST versions',
    ]);
    expect(server.requests[3]!.headers.authorization).toBe('Bearer tok-2');
  });

  it('gives up after one refresh when the registry keeps answering 401', async () => {
    const server = await serve(registry({ valid: () => false }));
    const error = await clientFor(server)
      .getBucket('b')
      .catch((e: unknown) => e);
    expect(isUnauthenticated(error)).toBe(true);
    expect(server.requestsTo('/oauth2/token')).toHaveLength(2);
    expect(server.requestsTo('/buckets/b')).toHaveLength(2);
    expect(String(error)).not.toContain('tok-');
  });

  it('comes from authUrl when given', async () => {
    const auth = await serve(registry());
    const api = await serve(() => ({ body: universalBody }));
    await clientFor(api, { authUrl: `${auth.url}/` }).getBucket('b');
    expect(auth.requests.map((r) => r.path)).toEqual(['/oauth2/token']);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1']);
  });

  it('omits audience when tokenAudience is empty', async () => {
    const server = await serve(registry());
    await clientFor(server, { tokenAudience: '' }).getBucket('b');
    expect(new URLSearchParams(server.requests[0]!.body).has('audience')).toBe(false);
  });
});

describe('token failures', () => {
  it('a refused client is a RegistryAuthError naming the URL, never the secret', async () => {
    const server = await serve((request) =>
      request.path === '/oauth2/token'
        ? { status: 401, body: { error: 'invalid_client', error_description: 'bad secret' } }
        : { body: universalBody },
    );
    const error = await clientFor(server)
      .getBucket('b')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAuthError);
    const auth = error as RegistryAuthError;
    expect(auth.code).toBe(CLIENT_ERROR_CODES.AUTH);
    expect(auth.httpStatus).toBe(401);
    expect(auth.oauthError).toBe('invalid_client');
    expect(auth.tokenUrl).toBe(`${server.url}/oauth2/token`);
    expect(auth.message).toContain('invalid_client: bad secret');
    expect(auth.description).toBe('bad secret');
    expect(auth.message).toContain(`${server.url}/oauth2/token`);
    expect(JSON.stringify({ ...auth, message: auth.message })).not.toContain('s3cr3t');
    expect(server.requestsTo('/buckets/b')).toHaveLength(0);
  });

  it('a 2xx without access_token is a RegistryAuthError', async () => {
    const server = await serve(() => ({ body: { token_type: 'Bearer' } }));
    await expect(clientFor(server).getBucket('b')).rejects.toThrow(/no access_token/);
  });

  it('a non-JSON token response is a RegistryAuthError', async () => {
    const server = await serve((request) =>
      request.path === '/oauth2/token' ? { status: 500, body: '<html>oops</html>' } : {},
    );
    const error = await clientFor(server, { retries: false })
      .getBucket('b')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect((error as RegistryAuthError).httpStatus).toBe(500);
  });

  it('a token endpoint answering 503 is retried', async () => {
    const server = await serve((request, n) =>
      request.path === '/oauth2/token' && n === 1
        ? { status: 503 }
        : request.path === '/oauth2/token'
          ? { body: { access_token: 'tok-ok', expires_in: 60 } }
          : { body: universalBody },
    );
    await clientFor(server).getBucket('b');
    expect(server.requests.map((r) => r.path.split('/').pop())).toEqual(['token', 'token', 'b']);
  });
});

describe('requestAccessToken', () => {
  it('hands out the token and when to stop using it, for callers that keep only the token', async () => {
    const server = await serve(registry({ expiresIn: 600 }));
    const before = Date.now();
    const issued = await clientFor(server).requestAccessToken();
    expect(issued.accessToken).toBe('tok-1');
    // expires_in less a margin (a tenth of it, at most a minute).
    expect(issued.expiresAt).toBeGreaterThanOrEqual(before + 540_000);
    expect(issued.expiresAt).toBeLessThanOrEqual(Date.now() + 540_000);
    // The token works as a static accessToken.
    const holder = clientFor(server, {
      clientId: undefined,
      clientSecret: undefined,
      accessToken: issued.accessToken,
    });
    await holder.getBucket('b');
    expect(server.requestsTo('/buckets/b')[0]!.headers.authorization).toBe('Bearer tok-1');
  });

  it('has no expiry when the token response gives none', async () => {
    const server = await serve(() => ({ body: { access_token: 'forever', token_type: 'Bearer' } }));
    await expect(clientFor(server).requestAccessToken()).resolves.toEqual({
      accessToken: 'forever',
    });
  });

  it('needs client credentials', async () => {
    const server = await serve(registry());
    const client = clientFor(server, {
      clientId: undefined,
      clientSecret: undefined,
      accessToken: 'static',
    });
    await expect(client.requestAccessToken()).rejects.toThrow(
      /requestAccessToken needs client credentials; pass clientId and clientSecret/,
    );
  });
});

describe('other credentials', () => {
  it.each([
    [
      'a static accessToken is sent as Bearer',
      { accessToken: 'static-token' },
      'Bearer static-token',
    ],
    ['no credentials means no Authorization header', {}, undefined],
  ])('%s', async (_case, credentials, authorization) => {
    const server = await serve(() => ({ body: universalBody }));
    await new RegistryClient({
      baseUrl: server.url,
      organizationId: 'o',
      projectId: 'p',
      ...credentials,
    }).getBucket('b');
    expect(server.requests[0]!.headers.authorization).toBe(authorization);
  });
});
