import { isUnsafeKey } from '@imprint/sdk';
import { textProblem } from '../../../domain/validation';

/*
 * Small readers of untrusted parsed JSON that collect problems instead of
 * throwing: each problem names the JSON path and the fix, so an import can
 * report a whole record's faults at once.
 */

/** Longest alias, related id, package name or version kept. */
export const MAX_TEXT = 512;
/** Details are kept up to this many UTF-8 bytes and cut with '…' beyond: they are display text, not data. */
const MAX_DETAILS_BYTES = 64 * 1024;
/** RFC 3339 date-time, upper or lower case T and Z, optional fraction. */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export type Json = Record<string, unknown>;

/** Collects problems, each prefixed with the JSON path it is about. */
export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): undefined {
    this.list.push(`${path}: ${message}`);
    return undefined;
  }
}

/** `value` as an object whose keys cannot reach a prototype, or undefined (with a problem when present but wrong). */
export function object(value: unknown, path: string, problems: Problems): Json | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return problems.add(path, 'must be a JSON object');
  }
  const unsafe = Object.keys(value).find(isUnsafeKey);
  if (unsafe !== undefined) {
    return problems.add(path, `has the key "${unsafe}", which is refused; remove it`);
  }
  return value as Json;
}

/** An optional string (undefined when absent), checked for storable text and `max` length. */
export function string(
  value: unknown,
  path: string,
  problems: Problems,
  max: number,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return problems.add(path, 'must be a string');
  if (value.length > max) return problems.add(path, `is longer than ${max} characters; shorten it`);
  const bad = textProblem(path, value);
  return bad === undefined ? value : problems.add(path, bad.slice(path.length + 1));
}

/** An optional array of strings, each at most {@link MAX_TEXT} characters. */
export function strings(value: unknown, path: string, problems: Problems): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return problems.add(path, 'must be an array of strings') ?? [];
  const out: string[] = [];
  value.forEach((item, i) => {
    const text = string(item, `${path}[${i}]`, problems, MAX_TEXT);
    if (text !== undefined) out.push(text);
    else if (item === undefined) problems.add(`${path}[${i}]`, 'must be a string');
  });
  return out;
}

/** An RFC 3339 timestamp as epoch milliseconds, rejecting impossible dates (2024-02-30). */
export function timestamp(
  value: unknown,
  path: string,
  problems: Problems,
  required: boolean,
): number | undefined {
  const fix = 'an RFC 3339 time such as 2024-01-31T12:00:00Z';
  if (value === undefined) return required ? problems.add(path, `is required: ${fix}`) : undefined;
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!match) return problems.add(path, `must be ${fix}`);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  // Date.parse rolls 2024-02-30 over to March; rebuilding the day catches that.
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  const real = date.getUTCMonth() === month! - 1 && date.getUTCDate() === day!;
  const ms = Date.parse(value as string);
  if (!real || hour! > 23 || minute! > 59 || second! > 60 || !Number.isFinite(ms)) {
    return problems.add(path, `must be ${fix}`);
  }
  return ms;
}

/** Cuts `text` to {@link MAX_DETAILS_BYTES} UTF-8 bytes, ending with '…', never inside a character. */
export function truncateDetails(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_DETAILS_BYTES) return text;
  let end = MAX_DETAILS_BYTES - Buffer.byteLength('…');
  while ((bytes[end]! & 0xc0) === 0x80) end--; // step back off UTF-8 continuation bytes
  return `${bytes.subarray(0, end).toString('utf8')}…`;
}
