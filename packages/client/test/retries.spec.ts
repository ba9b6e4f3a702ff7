import {
  CLIENT_ERROR_CODES,
  RegistryAbortedError,
  RegistryApiError,
  RegistryClient,
  RegistryConnectionError,
  RegistryTimeoutError,
} from '@imprint/client';
import type { RetryOptions } from '@imprint/client';
import { universalBody } from './helpers/fixtures';
import { expectAbortToRejectOnlyThatCall } from './helpers/abort';
import type { RecordedRequest, Reply } from './helpers/test-server';
import { autoClosingTestServers, rpcError, unusedPort } from './helpers/test-server';

const FAST: RetryOptions = { attempts: 3, baseDelayMs: 2, maxDelayMs: 20 };

const start = autoClosingTestServers();

function clientFor(
  url: string,
  extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {},
) {
  return new RegistryClient({
    baseUrl: url,
    organizationId: 'o',
    projectId: 'p',
    retries: FAST,
    ...extra,
  });
}

const unavailable = (): Reply => rpcError(503, 14, 'try later');
const failFirst =
  (times: number, failure: () => Reply) =>
  (_request: RecordedRequest, n: number): Reply =>
    n <= times ? failure() : { body: universalBody };

describe('retries on retryable statuses', () => {
  it.each([429, 502, 503, 504])('retries a GET answered %i', async (status) => {
    const s = await start(failFirst(2, () => ({ status })));
    await expect(clientFor(s.url).getBucket('b')).resolves.toEqual(universalBody.bucket);
    expect(s.requests).toHaveLength(3);
  });

  it('stops after the configured attempts and throws the last error', async () => {
    const s = await start(unavailable);
    const error = await clientFor(s.url, { retries: { ...FAST, attempts: 5 } })
      .getBucket('b')
      .catch((e: unknown) => e);
    expect(s.requests).toHaveLength(5);
    expect(error).toBeInstanceOf(RegistryApiError);
    expect((error as RegistryApiError).httpStatus).toBe(503);
    expect((error as RegistryApiError).grpcCode).toBe(14);
  });

  it('retries PUT and DELETE (idempotent methods)', async () => {
    const s = await start(failFirst(1, unavailable));
    await clientFor(s.url).createBucket({ name: 'b' });
    await clientFor(s.url).deleteBucket('b');
    expect(s.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'DELETE']);
  });

  it('does not retry a POST answered 503', async () => {
    const s = await start(unavailable);
    const error = await clientFor(s.url)
      .createVersion('b', { fingerprint: 'fp' })
      .catch((e: unknown) => e);
    expect(s.requests).toHaveLength(1);
    expect((error as RegistryApiError).httpStatus).toBe(503);
  });

  it('does not retry a PATCH that is not a heartbeat', async () => {
    const s = await start(unavailable);
    await expect(
      clientFor(s.url).updateBuild('b', 'fp', 'id', { status: 'BUILD_DONE' }),
    ).rejects.toBeInstanceOf(RegistryApiError);
    expect(s.requests).toHaveLength(1);
  });

  it('retries an UpdateBuild heartbeat (status BUILD_RUNNING only)', async () => {
    const s = await start(failFirst(2, unavailable));
    await clientFor(s.url).updateBuild('b', 'fp', 'id', { status: 'BUILD_RUNNING' });
    expect(s.requests).toHaveLength(3);
    expect(s.requests.every((r) => r.method === 'PATCH')).toBe(true);
  });

  it('retries a POST when the caller marks it idempotent', async () => {
    const s = await start(failFirst(1, unavailable));
    await clientFor(s.url).createBuild('b', 'fp', { component_type: 'x' }, { idempotent: true });
    expect(s.requests).toHaveLength(2);
  });

  it('does not retry a GET the caller marks non-idempotent', async () => {
    const s = await start(unavailable);
    await expect(clientFor(s.url).getBucket('b', { idempotent: false })).rejects.toThrow(
      /HTTP 503/,
    );
    expect(s.requests).toHaveLength(1);
  });

  it('retries SearchExternalArtifact although it is a POST (it only reads)', async () => {
    const s = await start(failFirst(1, unavailable));
    await clientFor(s.url).searchExternalArtifact({ external_identifier: 'ami-1' });
    expect(s.requests).toHaveLength(2);
  });

  it('does not retry other error statuses', async () => {
    const s = await start(() => rpcError(500, 13, 'boom'));
    await expect(clientFor(s.url).getBucket('b')).rejects.toThrow(/HTTP 500, code 13/);
    expect(s.requests).toHaveLength(1);
  });

  it('retries: false means one attempt', async () => {
    const s = await start(unavailable);
    await expect(clientFor(s.url, { retries: false }).getBucket('b')).rejects.toThrow(/HTTP 503/);
    expect(s.requests).toHaveLength(1);
  });

  it('backs off exponentially, within maxDelayMs', async () => {
    const s = await start(unavailable);
    const started = Date.now();
    await expect(
      clientFor(s.url, { retries: { attempts: 4, baseDelayMs: 40, maxDelayMs: 60 } }).getBucket(
        'b',
      ),
    ).rejects.toThrow();
    const elapsed = Date.now() - started;
    // Waits are in [20,40], [40,60] (80 capped to 60) and [30,60]: 90..160 ms in all.
    expect(elapsed).toBeGreaterThanOrEqual(85);
    expect(elapsed).toBeLessThan(1500);
    expect(s.requests).toHaveLength(4);
  });
});

describe('Retry-After', () => {
  it('is honoured on 429 (delta-seconds)', async () => {
    const s = await start(
      failFirst(1, () => ({ ...rpcError(429, 8, 'slow down'), headers: { 'Retry-After': '1' } })),
    );
    const started = Date.now();
    await clientFor(s.url, {
      retries: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5000 },
    }).getBucket('b');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(s.requests).toHaveLength(2);
  });

  it('is honoured on 503 as an HTTP date', async () => {
    const s = await start(
      failFirst(1, () => ({
        status: 503,
        headers: { 'Retry-After': new Date(Date.now() - 1000).toUTCString() },
      })),
    );
    await clientFor(s.url).getBucket('b');
    expect(s.requests).toHaveLength(2);
  });

  it('longer than maxDelayMs is not waited for: the error carries retryAfterMs', async () => {
    const s = await start(() => ({
      ...rpcError(429, 8, 'slow down'),
      headers: { 'Retry-After': '120' },
    }));
    const started = Date.now();
    const error = await clientFor(s.url)
      .getBucket('b')
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(s.requests).toHaveLength(1);
    expect((error as RegistryApiError).retryAfterMs).toBe(120_000);
    expect((error as RegistryApiError).grpcCode).toBe(8);
  });
});

describe('connection failures', () => {
  it('connection refused: RegistryConnectionError naming the URL, after all attempts', async () => {
    const port = await unusedPort();
    const url = `http://127.0.0.1:${port}`;
    const seen: string[] = [];
    const client = clientFor(url, {
      fetch: (target, init) => {
        seen.push(target);
        return fetch(target, init);
      },
    });
    const error = await client.getBucket('b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryConnectionError);
    const connection = error as RegistryConnectionError;
    expect(connection.code).toBe(CLIENT_ERROR_CODES.CONNECTION);
    expect(connection.errno).toBe('ECONNREFUSED');
    expect(connection.attempts).toBe(3);
    expect(connection.url).toBe(`${url}/packer/2023-01-01/organizations/o/projects/p/buckets/b`);
    expect(connection.message).toContain(connection.url);
    expect(connection.message).toMatch(/ECONNREFUSED/);
    expect(seen).toHaveLength(3);
  });

  it('connection refused is retried even for a POST (nothing was sent)', async () => {
    const port = await unusedPort();
    let calls = 0;
    const client = clientFor(`http://127.0.0.1:${port}`, {
      fetch: (target, init) => {
        calls++;
        return fetch(target, init);
      },
    });
    const error = await client.createVersion('b', { fingerprint: 'fp' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryConnectionError);
    expect(calls).toBe(3);
  });

  it('a connection reset after the request was sent is not retried for a POST', async () => {
    const s = await start(() => ({ destroy: true }));
    const error = await clientFor(s.url)
      .createVersion('b', { fingerprint: 'fp' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryConnectionError);
    expect((error as RegistryConnectionError).attempts).toBe(1);
    expect(s.requests).toHaveLength(1);
  });

  it('a connection reset is retried for a GET', async () => {
    const s = await start((_request, n) => (n === 1 ? { destroy: true } : { body: universalBody }));
    await expect(clientFor(s.url).getBucket('b')).resolves.toEqual(universalBody.bucket);
    expect(s.requests).toHaveLength(2);
  });
});

describe('timeouts', () => {
  it('a slow answer is a RegistryTimeoutError (a RegistryConnectionError)', async () => {
    const s = await start(() => ({ body: universalBody, delayMs: 2000 }));
    const started = Date.now();
    const error = await clientFor(s.url, { timeoutMs: 50, retries: false })
      .getBucket('b')
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(RegistryTimeoutError);
    expect(error).toBeInstanceOf(RegistryConnectionError);
    expect((error as RegistryTimeoutError).code).toBe(CLIENT_ERROR_CODES.TIMEOUT);
    expect((error as RegistryTimeoutError).timeoutMs).toBe(50);
    expect((error as Error).message).toMatch(/timed out after 50 ms/);
  });

  it('a timed-out GET is retried', async () => {
    const s = await start((_request, n) =>
      n === 1 ? { body: universalBody, delayMs: 2000 } : { body: universalBody },
    );
    await expect(clientFor(s.url, { timeoutMs: 50 }).getBucket('b')).resolves.toBeDefined();
    expect(s.requests).toHaveLength(2);
  });

  it('a timed-out POST is not retried', async () => {
    const s = await start(() => ({ body: universalBody, delayMs: 2000 }));
    // Long enough for the request to reach the server on a loaded machine
    // (the count below needs it to arrive), far below the server's delay.
    await expect(
      clientFor(s.url, { timeoutMs: 300 }).createVersion('b', { fingerprint: 'fp' }),
    ).rejects.toBeInstanceOf(RegistryTimeoutError);
    expect(s.requests).toHaveLength(1);
  });

  it('per-call timeoutMs overrides the client default', async () => {
    const s = await start(() => ({ body: universalBody, delayMs: 2000 }));
    const error = await clientFor(s.url, { timeoutMs: 60_000, retries: false })
      .getBucket('b', { timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect((error as RegistryTimeoutError).timeoutMs).toBe(30);
  });
});

describe('abort', () => {
  it('an abort during the request rejects with RegistryAbortedError', async () => {
    const s = await start(() => ({ body: universalBody, delayMs: 2000 }));
    const controller = new AbortController();
    const reason = new Error('user pressed Ctrl-C');
    setTimeout(() => controller.abort(reason), 30);
    const error = await clientFor(s.url)
      .getBucket('b', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAbortedError);
    expect((error as RegistryAbortedError).code).toBe(CLIENT_ERROR_CODES.ABORTED);
    expect((error as Error).cause).toBe(reason);
    expect(s.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const s = await start(() => ({ body: universalBody }));
    await expect(
      clientFor(s.url).getBucket('b', { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(RegistryAbortedError);
    expect(s.requests).toHaveLength(0);
  });

  it('an abort during the wait between retries stops at once', async () => {
    const s = await start(unavailable);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await clientFor(s.url, {
      retries: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 20_000 },
    })
      .getBucket('b', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(RegistryAbortedError);
    expect(s.requests).toHaveLength(1);
  });

  it('an abort while waiting for the token rejects only that call', async () => {
    const s = await start((request) =>
      request.path === '/oauth2/token'
        ? { body: { access_token: 't', expires_in: 60 }, delayMs: 200 }
        : { body: universalBody },
    );
    await expectAbortToRejectOnlyThatCall(
      clientFor(s.url, { clientId: 'id', clientSecret: 'secret' }),
    );
    expect(s.requestsTo('/oauth2/token')).toHaveLength(1);
  });
});
