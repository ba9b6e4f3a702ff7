import { request as httpRequest } from 'node:http';

/** An HTTP answer as tests look at it: the status, the parsed JSON body and the raw text. */
export interface JsonResponse {
  readonly status: number;
  /** The parsed JSON body; `undefined` when the body is empty or not JSON (see `text`). */
  // Tests index into answers freely; a typed body would need a cast at every step.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly text: string;
  readonly headers: Headers;
}

/** Options of {@link requestJson}. */
export interface JsonRequestOptions {
  /** Serialised as JSON unless `raw` is given. */
  readonly body?: unknown;
  /** Sent as is (with `contentType`, default application/json). */
  readonly raw?: string | Buffer;
  readonly contentType?: string;
  /** Bearer token. */
  readonly token?: string;
  readonly headers?: Record<string, string>;
  /**
   * Send from this local address (any of 127.0.0.0/8 reaches a server on
   * 127.0.0.1), so that the server sees another client IP.
   */
  readonly localAddress?: string;
}

/**
 * Sends one request and reads the answer whatever its status: for tests of
 * the HTTP surface itself (status codes, error bodies, headers), where the
 * typed `RegistryClient` would turn answers into errors.
 *
 * @example
 * ```ts
 * const res = await requestJson(`${registry.url}/readyz`, 'GET');
 * expect(res.status).toBe(200);
 * ```
 */
export async function requestJson(
  url: string,
  method: string,
  options: JsonRequestOptions = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response =
    options.localAddress === undefined
      ? await fetch(url, { method, headers, body })
      : await sendFrom(options.localAddress, url, method, headers, body);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: callers look at `text`.
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** One request over node:http from `localAddress` (fetch cannot choose the source address). */
function sendFrom(
  localAddress: string,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders.set(name, String(value));
        }
        resolve(
          new Response(Buffer.concat(chunks), {
            status: res.statusCode ?? 0,
            headers: responseHeaders,
          }),
        );
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
