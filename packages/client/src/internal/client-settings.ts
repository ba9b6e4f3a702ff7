import { RegistryArgumentError, RegistryConfigError } from '../errors/client.errors';
import type { RegistryClientOptions } from '../options';
import { CLIENT_VERSION } from '../version';
import type { RetryPolicy } from './transport';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_AUDIENCE = 'https://api.hashicorp.cloud';
const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 30_000 };

/** The registry root (or `authUrl`): http(s), no credentials, query or fragment; no trailing `/`. */
export function checkUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new RegistryConfigError(option, 'must be a URL such as http://127.0.0.1:8080');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RegistryConfigError(
      option,
      `${JSON.stringify(value)} is not a URL (include http:// or https://)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RegistryConfigError(option, `must use http or https, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new RegistryConfigError(option, 'must not carry credentials; use clientId/clientSecret');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new RegistryConfigError(option, 'must not have a query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function checkNumber(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RegistryConfigError(option, `must be a finite number ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** A call's `timeoutMs`, else the client's; a bad value is the caller's mistake, not the config's. */
export function callTimeout(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RegistryArgumentError(
      'timeoutMs',
      `must be a finite number ≥ 0, got ${String(value)}`,
    );
  }
  return value;
}

export function optionalId(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new RegistryConfigError(option, 'must be a non-empty id when given');
  }
  return value;
}

export function retryPolicy(retries: RegistryClientOptions['retries']): RetryPolicy {
  if (retries === false) return { ...DEFAULT_RETRY, attempts: 1 };
  const policy: RetryPolicy = {
    attempts: retries?.attempts ?? DEFAULT_RETRY.attempts,
    baseDelayMs: retries?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: retries?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  checkNumber('retries.attempts', policy.attempts, 1);
  if (!Number.isInteger(policy.attempts)) {
    throw new RegistryConfigError('retries.attempts', 'must be a whole number');
  }
  checkNumber('retries.baseDelayMs', policy.baseDelayMs, 0);
  checkNumber('retries.maxDelayMs', policy.maxDelayMs, 0);
  return policy;
}

/**
 * `imprint-client/<version> node/<version>` under Node; elsewhere (a browser)
 * `imprint-client/<version>`, since there is no `process` to ask.
 */
export function defaultUserAgent(): string {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node;
  return node === undefined
    ? `imprint-client/${CLIENT_VERSION}`
    : `imprint-client/${CLIENT_VERSION} node/v${node}`;
}
