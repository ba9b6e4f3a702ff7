import * as os from 'node:os';
import * as path from 'node:path';
import type * as Time from '../domain/time';

/**
 * The API's duration grammar, loaded when a duration is parsed: `domain/time`
 * brings the error table (and the client) along, which `imprint-registry
 * --help` must not load.
 */
const durationMs = (text: string): number | undefined =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('../domain/time') as typeof Time).durationMs(text);

/** A value given to a flag or option could not be understood. */
export class ConfigValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigValueError';
  }
}

/** Where the server listens. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** The default listen address: loopback only, so a fresh install is never exposed. */
export const DEFAULT_LISTEN: ListenAddress = { host: '127.0.0.1', port: 8080 };

function parsePort(text: string, input: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new ConfigValueError(
      `'${input}' has no valid port: expected 0-65535 (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080)`,
    );
  }
  return Number(text);
}

/**
 * Parses `HOST:PORT`, `[IPv6]:PORT`, `:PORT` (all interfaces) or a bare `PORT`
 * (loopback).
 */
export function parseListenAddress(input: string): ListenAddress {
  const text = input.trim();
  if (/^\d+$/.test(text)) return { host: DEFAULT_LISTEN.host, port: parsePort(text, input) };
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(text);
  if (bracketed) return { host: bracketed[1], port: parsePort(bracketed[2], input) };
  const colon = text.lastIndexOf(':');
  if (colon < 0) {
    throw new ConfigValueError(
      `'${input}' is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080)`,
    );
  }
  const host = text.slice(0, colon);
  if (host.includes(':')) {
    throw new ConfigValueError(`'${input}': put IPv6 addresses in brackets, e.g. [::1]:8080`);
  }
  if (host !== '' && !/^[A-Za-z0-9.-]{1,253}$/.test(host)) {
    throw new ConfigValueError(`'${input}' has an invalid host name '${host}'`);
  }
  return { host: host === '' ? '0.0.0.0' : host, port: parsePort(text.slice(colon + 1), input) };
}

/**
 * Parses `500ms`, `30s`, `5m`, `1h30m`, `1d` into milliseconds for a flag or
 * option: the registry's one duration parser ({@link durationMs}: units ms, s,
 * m, h, d), with no sign allowed.
 */
export function parseUnsignedDurationMs(input: string): number {
  const text = input.trim();
  const ms = /^[+-]/.test(text) ? undefined : durationMs(text);
  if (ms === undefined) {
    throw new ConfigValueError(
      `'${input}' is not a duration: use a number with a unit ms, s, m, h or d, at most 100 years (e.g. 30s, 5m, 1h30m)`,
    );
  }
  return ms;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1024,
  kib: 1024,
  k: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  g: 1024 ** 3,
};

/** Parses `1048576`, `512kb`, `1mb`, `1MiB` into bytes (binary units). */
export function parseByteSize(input: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(input.trim());
  const unit = match?.[2].toLowerCase() ?? '';
  if (!match || !(unit in SIZE_UNITS)) {
    throw new ConfigValueError(`'${input}' is not a size: use e.g. 1048576, 512kb or 1mb`);
  }
  const bytes = Math.floor(Number(match[1]) * SIZE_UNITS[unit]);
  if (bytes < 1)
    throw new ConfigValueError(`'${input}' is too small: the size must be at least 1 byte`);
  return bytes;
}

/**
 * The data directory: `$IMPRINT_DATA_DIR`, else `$XDG_DATA_HOME/imprint`, else
 * `~/.local/share/imprint`.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IMPRINT_DATA_DIR) return path.resolve(env.IMPRINT_DATA_DIR);
  const xdg = env.XDG_DATA_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'imprint');
  return path.join(os.homedir(), '.local', 'share', 'imprint');
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return /^127(?:\.\d{1,3}){3}$/.test(v4);
}
