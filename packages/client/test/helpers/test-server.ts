import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the test server received it. */
export interface RecordedRequest {
  method: string;
  /** Raw request target: path and query, percent-encoding untouched. */
  url: string;
  /** Raw path, percent-encoding untouched. */
  path: string;
  /** Raw query string without `?` ('' when none). */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
}

/** What the handler wants sent back. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket instead of answering (a reset after the request was received). */
  destroy?: boolean;
}

/** Handler deciding each reply; `n` counts requests from 1. */
export type ReplyFn = (request: RecordedRequest, n: number) => Reply | Promise<Reply>;

/** A real HTTP server on 127.0.0.1:<random port> that records requests. */
export interface TestServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests whose path ends with `suffix`. */
  requestsTo(suffix: string): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a recording server answering with `reply`. Close it in `afterEach`. */
export async function startTestServer(reply: ReplyFn): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url,
        path: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
        headers: req.headers,
        body,
        json: parseJson(body),
      };
      requests.push(recorded);
      void Promise.resolve(reply(recorded, requests.length)).then((answer) => {
        const send = (): void => {
          if (answer.destroy) {
            req.socket.destroy();
            return;
          }
          const payload =
            answer.body === undefined
              ? ''
              : typeof answer.body === 'string'
                ? answer.body
                : JSON.stringify(answer.body);
          const headers: Record<string, string> = { ...answer.headers };
          if (typeof answer.body === 'object' && !('content-type' in lower(headers))) {
            headers['Content-Type'] = 'application/json';
          }
          res.writeHead(answer.status ?? 200, headers);
          res.end(payload);
        };
        if (answer.delayMs === undefined) send();
        else {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!res.destroyed) send();
          }, answer.delayMs);
          timers.add(timer);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (suffix) => requests.filter((request) => request.path.endsWith(suffix)),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Registers an `afterEach` that closes every server started through the
 * returned function, so a spec keeps no server variables of its own. Call it
 * once at the top level of a spec.
 *
 * @example
 * ```ts
 * const start = autoClosingTestServers();
 * it('…', async () => {
 *   const server = await start(() => ({ body: universalBody }));
 * });
 * ```
 */
export function autoClosingTestServers(): (reply: ReplyFn) => Promise<TestServer> {
  const open: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (reply) => {
    const server = await startTestServer(reply);
    open.push(server);
    return server;
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, read, released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A `google.rpc.Status` error reply. */
export function rpcError(status: number, code: number, message: string, reason?: string): Reply {
  return {
    status,
    body: {
      code,
      message,
      details: reason === undefined ? [] : [{ '@type': 'imprint.registry.ErrorInfo', reason }],
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
