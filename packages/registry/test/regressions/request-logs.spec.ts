import {
  openTestStorage,
  startTestRegistry,
  testEngines,
  type TestRegistry,
  type TestStorage,
} from '@imprint/registry/testing';
import { expectOAuthError, expectStatus, ok } from '../helpers/http';

/**
 * Regressions of request logging: secrets sent in a URL query (`?client_secret=`,
 * `?access_token=`) were logged verbatim in `req.url`, and at the default
 * level every request wrote two synchronous lines ("incoming request",
 * "request completed"), which cost a third or more of GetChannel's throughput.
 */

type LogEntry = { level: number; msg: string; reqId?: string; [key: string]: unknown };

const parse = (lines: readonly string[]): LogEntry[] =>
  lines.map((line) => JSON.parse(line) as LogEntry);

describe.each(testEngines())('request logs (%s)', (engine) => {
  let store: TestStorage;
  let registry: TestRegistry | undefined;

  beforeAll(async () => {
    store = await openTestStorage(engine);
  });

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
  });

  afterAll(async () => {
    await store?.dispose();
  });

  async function start(level: string): Promise<TestRegistry> {
    const logs: string[] = [];
    registry = await startTestRegistry({
      storage: store.storage,
      server: {
        consoleDir: false,
        logger: { level, destination: { write: (line) => void logs.push(line) } },
      },
    });
    return Object.assign(registry, { logs });
  }

  it('never logs the values of secret query parameters, at any level and on any answer', async () => {
    const r = await start('trace');
    const secrets = Array.from({ length: 10 }, (_, i) => `s3cr3t-${i}-${Date.now().toString(36)}`);
    ok(await r.request('GET', `${r.base}/registry?client_secret=${secrets[0]}&page=2`));
    expectStatus(await r.request('GET', `/no/such/route?access_token=${secrets[1]}`), 404, 5);
    expectStatus(
      await r.request(
        'GET',
        `${r.base}/buckets?pagination.page_size=lots&token=${secrets[2]}&password=${secrets[3]}`,
      ),
      400,
      3,
    );
    expectOAuthError(
      await r.request('POST', `/oauth2/token?client_secret=${secrets[4]}`, {
        raw: 'grant_type=password',
        contentType: 'application/x-www-form-urlencoded',
      }),
      400,
      'unsupported_grant_type',
      3,
    );
    expectStatus(await r.request('GET', `/bad%zzurl?refresh_token=${secrets[5]}`), 400, 3);
    ok(
      await r.request(
        'GET',
        `${r.base}/registry?my_api_token=${secrets[6]}&code=${secrets[7]}&client%5Fsecret=${secrets[8]}&Password=${secrets[9]}`,
      ),
    );

    const log = r.logs.join('');
    for (const secret of secrets) expect(log).not.toContain(secret);
    // The URLs were logged, with the values replaced and the rest kept.
    expect(log).toContain('/registry?client_secret=[redacted]&page=2');
    expect(log).toContain('/no/such/route?access_token=[redacted]');
    expect(log).toContain('&code=[redacted]&client%5Fsecret=[redacted]&Password=[redacted]');
  });

  it('logs nothing for a successful request at info', async () => {
    const r = await start('info');
    const before = r.logs.length;
    for (let i = 0; i < 3; i += 1) {
      ok(await r.request('GET', `${r.base}/registry`));
      ok(await r.request('GET', `${r.base}/buckets`));
    }
    expect(r.logs.slice(before)).toEqual([]);

    // Errors keep their levels: a 4xx the framework reports is one info line with its reason.
    expectStatus(
      await r.request('PUT', `${r.base}/buckets`, { raw: 'name=x', contentType: 'text/plain' }),
      415,
      3,
    );
    const lines = parse(r.logs.slice(before));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, reason: 'REGISTRY_ERR_UNSUPPORTED_MEDIA_TYPE' });
  });

  it('logs one completion line per request at debug, with the URL redacted', async () => {
    const r = await start('debug');
    const before = r.logs.length;
    const res = await r.request('GET', `${r.base}/buckets?access_token=abc123&verbose=1`);
    ok(res);
    const lines = parse(r.logs.slice(before));
    expect(lines).toEqual([
      {
        level: 20,
        time: expect.any(Number),
        pid: expect.any(Number),
        hostname: expect.any(String),
        reqId: res.headers.get('x-request-id'),
        method: 'GET',
        url: `${r.base}/buckets?access_token=[redacted]&verbose=1`,
        statusCode: 200,
        responseTime: expect.any(Number),
        msg: 'request completed',
      },
    ]);
  });
});
