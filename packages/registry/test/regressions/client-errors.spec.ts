import { connect, type Socket } from 'node:net';
import {
  openTestStorage,
  startTestRegistry,
  type TestRegistry,
  type TestStorage,
} from '@imprint/registry/testing';
import { ok } from '../helpers/http';

/**
 * Regression: requests Node's HTTP parser refuses (oversized headers, a
 * garbage request line) or times out were answered by fastify's default
 * client-error handler, in its own `{error, message, statusCode}` shape
 * instead of a google.rpc.Status. Driven over raw sockets, since fetch cannot
 * send such requests.
 */

interface RawResponse {
  readonly statusLine: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function parseRaw(raw: string): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`not an HTTP response: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusLine, headers, body: raw.slice(split + 4) };
}

/** Writes `request` on a fresh connection and reads until the server closes it. */
function exchange(port: number, request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 5 s; got ${Buffer.concat(chunks).toString('latin1')}`));
    }, 5000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // the server may reset after answering
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseRaw(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error as Error);
      }
    });
    socket.write(request);
  });
}

function expectRegistryStatus(
  response: RawResponse,
  status: string,
  code: number,
  reason: string,
): { code: number; message: string; details: Record<string, unknown>[] } {
  expect(response.statusLine).toBe(`HTTP/1.1 ${status}`);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['connection']).toBe('close');
  expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
  const body = JSON.parse(response.body) as {
    code: number;
    message: string;
    details: Record<string, unknown>[];
  };
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
  expect(body.code).toBe(code);
  expect(body.details).toEqual([{ '@type': 'imprint.registry.ErrorInfo', reason }]);
  expect(body.message.length).toBeGreaterThan(20);
  return body;
}

describe('client errors answered by the HTTP parser', () => {
  let store: TestStorage;
  let registry: TestRegistry;
  const logs: string[] = [];

  beforeAll(async () => {
    store = await openTestStorage('sqlite');
    registry = await startTestRegistry({
      storage: store.storage,
      server: {
        consoleDir: false,
        logger: { level: 'trace', destination: { write: (line) => void logs.push(line) } },
      },
    });
  });

  afterAll(async () => {
    await registry?.close();
    await store?.dispose();
  });

  afterEach(async () => {
    // The server keeps serving.
    ok(await registry.request('GET', '/healthz'));
  });

  it('answers a 20 KB header with 431 and a google.rpc.Status body (code 3)', async () => {
    const response = await exchange(
      registry.server.port,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    );
    const body = expectRegistryStatus(
      response,
      '431 Request Header Fields Too Large',
      3,
      'REGISTRY_ERR_HEADERS_TOO_LARGE',
    );
    expect(body.message).toMatch(/headers are larger than .* bytes/);
  });

  it.each([
    ['a garbage request line', 'GARBAGE\r\n\r\n'],
    ['an unknown HTTP version', 'GET /healthz HTTP/7.1\r\nHost: x\r\n\r\n'],
    ['control bytes', Buffer.from([0, 1, 2, 3, 13, 10, 13, 10])],
    ['a header without a colon', 'GET /healthz HTTP/1.1\r\nHost x\r\n\r\n'],
  ])('answers %s with 400 and a google.rpc.Status body (code 3)', async (_what, request) => {
    const response = await exchange(registry.server.port, request);
    const body = expectRegistryStatus(
      response,
      '400 Bad Request',
      3,
      'REGISTRY_ERR_MALFORMED_REQUEST',
    );
    expect(body.message).toContain('not a valid HTTP/1.1 request');
  });

  it('answers a request timeout with 408 and a google.rpc.Status body', async () => {
    // Node raises ERR_HTTP_REQUEST_TIMEOUT from its own timer (headersTimeout,
    // 60 s, checked every 30 s); raise it on a real connection the same way.
    const server = registry.server.app.server;
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = connect({ host: '127.0.0.1', port: registry.server.port });
    const chunks: Buffer[] = [];
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    client.on('error', () => undefined);
    const closed = new Promise((resolve) => client.on('close', resolve));
    client.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // and never finish
    const serverSide = await accepted;
    server.emit(
      'clientError',
      Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
      serverSide,
    );
    await closed;
    const response = parseRaw(Buffer.concat(chunks).toString('utf8'));
    const body = expectRegistryStatus(
      response,
      '408 Request Timeout',
      4,
      'REGISTRY_ERR_REQUEST_TIMEOUT',
    );
    expect(body.message).toContain('in time');
  });

  it('logs no secret from a refused request', async () => {
    const secret = `s3cr3t-${Date.now().toString(36)}`;
    const response = await exchange(
      registry.server.port,
      `GET /healthz?client_secret=${secret}&pad=${'p'.repeat(20 * 1024)} HTTP/1.1\r\n` +
        `Host: 127.0.0.1\r\nAuthorization: Basic ${Buffer.from(`id:${secret}`).toString('base64')}\r\n\r\n`,
    );
    expect(response.statusLine).toMatch(/^HTTP\/1\.1 4\d\d /);
    const log = logs.join('');
    expect(log).toContain('REGISTRY_ERR_');
    expect(log).not.toContain(secret);
    expect(log).not.toContain(Buffer.from(`id:${secret}`).toString('base64'));
    expect(log).not.toContain('rawPacket');
  });
});
