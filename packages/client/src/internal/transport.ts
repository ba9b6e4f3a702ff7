import {
  RegistryAbortedError,
  RegistryConnectionError,
  RegistryTimeoutError,
} from '../errors/client.errors';
import type { FetchLike } from '../options';

/** Retry policy with every field set. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** One HTTP exchange as the transport sees it. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Repeating the request is harmless: allows retries after it may have been processed. */
  idempotent: boolean;
  signal?: AbortSignal;
  /** Per-attempt timeout; 0 = none. */
  timeoutMs: number;
}

/** A complete response (body read). */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** `Retry-After` in milliseconds, when present and parseable. */
  retryAfterMs?: number;
}

/** HTTP statuses that mean "not processed, try again later". */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * System error codes meaning the request never left the machine (no
 * connection was made), so even a POST can be repeated.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

type AttemptResult =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'failure'; error: unknown; timedOut: boolean; aborted: boolean };

/**
 * Sends requests with a per-attempt timeout, caller abort, and retries with
 * exponential backoff and jitter. It never throws for an HTTP status: error
 * statuses come back as responses once retries are used up or not allowed.
 */
export class Transport {
  constructor(
    private readonly fetchFn: FetchLike,
    private readonly policy: RetryPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { attempts } = this.policy;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(request);
      const result = await this.attempt(request);
      const last = attempt >= attempts;

      if (result.kind === 'response') {
        const { response } = result;
        if (last || !request.idempotent || !RETRYABLE_STATUSES.has(response.status)) {
          return response;
        }
        const wait = response.retryAfterMs ?? this.backoff(attempt);
        // A server asking for a longer pause than we allow: give up now and
        // let the caller see retryAfterMs on the error, instead of hammering.
        if (wait > this.policy.maxDelayMs) return response;
        await sleep(wait, request);
        continue;
      }

      if (result.aborted)
        throw new RegistryAbortedError(request.method, request.url, reasonOf(request));
      const errno = findErrno(result.error);
      const notSent = errno !== undefined && NOT_SENT_CODES.has(errno);
      if (last || !(request.idempotent || notSent)) {
        const init = {
          method: request.method,
          url: request.url,
          attempts: attempt,
          errno,
          cause: result.error,
        };
        if (result.timedOut)
          throw new RegistryTimeoutError({ ...init, timeoutMs: request.timeoutMs });
        throw new RegistryConnectionError(init);
      }
      await sleep(this.backoff(attempt), request);
    }
  }

  /** Equal jitter: between half and all of the capped exponential delay. */
  private backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.policy;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async attempt(request: HttpRequest): Promise<AttemptResult> {
    const controller = new AbortController();
    let timedOut = false;
    const timer =
      request.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort(new Error(`timed out after ${request.timeoutMs} ms`));
          }, request.timeoutMs)
        : undefined;
    const onAbort = (): void => controller.abort(reasonOf(request));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      const text = await response.text();
      return {
        kind: 'response',
        response: {
          status: response.status,
          headers: response.headers,
          text,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        },
      };
    } catch (error) {
      return {
        kind: 'failure',
        error,
        timedOut: timedOut && !(request.signal?.aborted ?? false),
        aborted: request.signal?.aborted ?? false,
      };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `undefined` if absent or unreadable. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The first system error code (`ECONNREFUSED`…) in an error's cause chain. */
export function findErrno(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const { code, cause, errors } = current as {
      code?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return undefined;
}

function reasonOf(request: HttpRequest): unknown {
  return request.signal?.reason;
}

function throwIfAborted(request: HttpRequest): void {
  if (request.signal?.aborted) {
    throw new RegistryAbortedError(request.method, request.url, reasonOf(request));
  }
}

function sleep(ms: number, request: HttpRequest): Promise<void> {
  throwIfAborted(request);
  if (ms <= 0) return Promise.resolve();
  const { signal } = request;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new RegistryAbortedError(request.method, request.url, reasonOf(request)));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
