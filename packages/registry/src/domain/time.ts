import { RegistryErrors } from '../errors/registry-errors';

/*
 * Dates on the wire are RFC 3339; in the database they are epoch
 * milliseconds (portable numeric comparison on both engines).
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Latest accepted instant: the end of year 9999 (what RFC 3339 can express). */
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Epoch ms → RFC 3339 UTC with milliseconds. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Parses an RFC 3339 date-time (any offset, up to nanosecond fractions,
 * truncated to milliseconds). Calendar-checked: `2023-02-30` is refused.
 */
export function parseRfc3339(value: string, field: string): number {
  const match = RFC3339.exec(value);
  if (match) {
    const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = match;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = Number(s);
    const millis = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
    const check = new Date(local);
    const calendarOk =
      year >= 1970 &&
      check.getUTCFullYear() === year &&
      check.getUTCMonth() === month - 1 &&
      check.getUTCDate() === day &&
      hour < 24 &&
      minute < 60 &&
      second < 60 &&
      (oh === undefined || (Number(oh) < 24 && Number(om) < 60));
    if (calendarOk) {
      const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000 : 0;
      const ms = local - offset;
      if (ms >= 0 && ms <= MAX_MS) return ms;
    }
  }
  throw new RegistryErrors.DateTimeInvalid({ field, value });
}

const DURATION = /^([+-])?((?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
/** ±100 years. */
const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/**
 * The one duration parser of the registry (API fields and command-line flags
 * alike): an optional sign, then number-unit pairs with units ms
 * (milliseconds), s, m, h, d (days of 24 h), decimals allowed, e.g. `0s`,
 * `90m`, `-1h`, `1h30m`. Milliseconds, rounded, or `undefined` when `text` is
 * not such a duration or exceeds ±100 years. Callers say which values they
 * take: {@link parseSignedDurationMs} (API), `parseUnsignedDurationMs` (flags).
 */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  let total = 0;
  for (const part of match[2].matchAll(DURATION_PART)) {
    total += Number(part[1]) * UNIT_MS[part[2]];
  }
  total = Math.round(total);
  if (total > MAX_DURATION_MS) return undefined;
  return match[1] === '-' ? -total : total;
}

/**
 * Parses a signed duration such as `0s`, `90m`, `12h`, `7d`, `-1h` or
 * `1h30m` (see {@link durationMs}) into milliseconds, or throws the API's
 * invalid-argument error naming `field` (`revoke_in`).
 */
export function parseSignedDurationMs(value: string, field: string): number {
  const ms = durationMs(value);
  if (ms !== undefined) return ms;
  throw new RegistryErrors.DurationInvalid({ field, value });
}

/** The `now` argument of a maintenance call, in epoch ms (undefined: the current time). */
export function checkNow(now: unknown): number | undefined {
  if (now === undefined) return undefined;
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new RegistryErrors.NowInvalid();
  }
  return now.getTime();
}
