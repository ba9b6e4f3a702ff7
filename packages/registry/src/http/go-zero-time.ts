/*
 * hcp-sdk-go's generated models type timestamps as `strfmt.DateTime`, a struct
 * that Go always serialises: an UpdateVersion body that sets no `revoke_at`
 * still carries `"revoke_at":"0001-01-01T00:00:00.000Z"`. The zero time (year 1,
 * midnight UTC, any fractional precision or offset that names that instant)
 * therefore means "not set", on every route that takes a timestamp from a
 * client.
 */

// Date.UTC maps years 0-99 to 1900-1999, so parse the instant instead.
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/** True when `value` is Go's zero `time.Time` in RFC 3339 form. */
export function isGoZeroTime(value: string | undefined): boolean {
  return value !== undefined && Date.parse(value) === GO_ZERO_TIME_MS;
}

/** `body` without a `revoke_at` that is Go's zero time (the field was not set). */
export function withoutGoZeroRevokeAt<T extends { revoke_at?: string }>(body: T): T {
  if (!isGoZeroTime(body.revoke_at)) return body;
  const { revoke_at: _unset, ...rest } = body;
  return rest as T;
}
