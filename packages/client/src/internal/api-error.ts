import { RegistryApiError } from '../errors/client.errors';
import { grpcCodeFromHttpStatus } from '../errors/grpc-code';
import type { HttpResponse } from './transport';

const RAW_BODY_LIMIT = 2048;
const SUMMARY_LIMIT = 200;

/**
 * Turns an error response into a {@link RegistryApiError}. A
 * `google.rpc.Status` body gives `code`, `message` and `details`; anything
 * else (HTML from a proxy, an empty body, another JSON shape) still yields an
 * error with a code derived from the HTTP status and the start of the body.
 */
export function toApiError(method: string, path: string, response: HttpResponse): RegistryApiError {
  const body = parseObject(response.text);
  const code = body?.['code'];
  const hasRpcCode = typeof code === 'number' && Number.isInteger(code) && code > 0;
  const message = body?.['message'];
  const details = Array.isArray(body?.['details']) ? (body['details'] as unknown[]) : [];
  return new RegistryApiError({
    method,
    path,
    httpStatus: response.status,
    grpcCode: hasRpcCode ? code : grpcCodeFromHttpStatus(response.status),
    serverMessage:
      typeof message === 'string' && message !== ''
        ? message
        : summarise(response.text, response.status),
    details,
    reason: findReason(details),
    retryAfterMs: response.retryAfterMs,
    rawBody: hasRpcCode ? undefined : response.text.slice(0, RAW_BODY_LIMIT),
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function findReason(details: readonly unknown[]): string | undefined {
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const reason = (detail as { reason?: unknown }).reason;
    if (typeof reason === 'string' && reason !== '') return reason;
  }
  return undefined;
}

function summarise(text: string, status: number): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const compact = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  if (compact === '') return `HTTP ${status} with an empty body`;
  return compact.length > SUMMARY_LIMIT ? `${compact.slice(0, SUMMARY_LIMIT)}…` : compact;
}
