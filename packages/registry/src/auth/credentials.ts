/** Client credentials as sent to the token endpoint. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

const BASIC = /^Basic[ \t]+([A-Za-z0-9+/=_-]{1,4096})[ \t]*$/i;

/**
 * Reads `Authorization: Basic base64(id:secret)`. Returns `undefined` when the
 * header is absent and `null` when it is present but unreadable.
 */
export function parseBasicAuthorization(
  header: string | undefined,
): ClientCredentials | null | undefined {
  if (header === undefined || header === '') return undefined;
  const match = BASIC.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

/**
 * RFC 6749 §2.3.1 form-encodes id and secret before Basic encoding (Go's
 * oauth2 does); most other clients do not. Returns the decoded form when it
 * differs, so both can be tried.
 */
export function formDecoded(credentials: ClientCredentials): ClientCredentials | undefined {
  const decode = (value: string): string => {
    try {
      return decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      return value;
    }
  };
  const clientId = decode(credentials.clientId);
  const clientSecret = decode(credentials.clientSecret);
  if (clientId === credentials.clientId && clientSecret === credentials.clientSecret) {
    return undefined;
  }
  return { clientId, clientSecret };
}

/** Parses an `application/x-www-form-urlencoded` body into a plain object (first value wins). */
export function parseFormBody(
  _request: unknown,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  const params = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
  const result: Record<string, string> = {};
  for (const [key, value] of params) {
    if (!Object.hasOwn(result, key))
      Object.defineProperty(result, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  done(null, result);
}
