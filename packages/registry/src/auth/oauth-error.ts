import { RpcStatus } from '@imprint/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RegistryError } from '../errors/registry-error';
import { HTTP_ERROR_REASONS } from '../errors/registry-error-codes';
import { AUTH_REALM, setRetryAfter } from '../http/error-handler';
import { responseSchema } from '../http/schemas/models.schemas';

/**
 * The `error` codes `POST /oauth2/token` answers with: RFC 6749 §5.2's for
 * what the client sent, and §4.1.2.1's two for the server's own trouble (§5.2
 * has none; x/oauth2 takes any string, so hcp-sdk-go prints which it was). A
 * rate limit is `invalid_request` (with its 429 and `Retry-After`): §5.2 has no
 * code for it, and `slow_down` belongs to the device grant (RFC 8628), where it
 * asks a poller to widen its interval; stricter OAuth libraries only know
 * §5.2's list.
 */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'unsupported_grant_type',
  'server_error',
  'temporarily_unavailable',
] as const;
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

/** The code of a registry error on the token endpoint, by its reason (5xx by status). */
export function oauthErrorCode(error: RegistryError): OAuthErrorCode {
  if (error.httpStatus === 503) return 'temporarily_unavailable';
  if (error.httpStatus >= 500) return 'server_error';
  switch (error.reason) {
    case HTTP_ERROR_REASONS.INVALID_CLIENT:
      return 'invalid_client';
    case HTTP_ERROR_REASONS.UNSUPPORTED_GRANT_TYPE:
      return 'unsupported_grant_type';
    default:
      return 'invalid_request';
  }
}

/**
 * `error_description` may hold only printable ASCII without `"` and `\`
 * (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E): quotes become `'`, a
 * backslash `/`, anything else outside the set `?` (a grant_type echoed back
 * may hold anything).
 */
export function oauthDescription(message: string): string {
  return message
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The response schema of {@link OAuthErrorBody} (fastify serialises only the
 * fields listed): §5.2's two fields, then google.rpc.Status's from the contract.
 */
export const OAUTH_ERROR_SCHEMA = {
  type: 'object',
  description:
    'RFC 6749 §5.2 error (what OAuth clients read), with the google.rpc.Status fields of every other error.',
  properties: {
    error: { type: 'string', enum: [...OAUTH_ERROR_CODES] },
    error_description: { type: 'string' },
    ...(responseSchema(RpcStatus as unknown as Record<string, unknown>)['properties'] as object),
  },
} as const;

/** The token endpoint's error body: RFC 6749 §5.2, plus the registry's google.rpc.Status fields. */
export interface OAuthErrorBody {
  readonly error: OAuthErrorCode;
  readonly error_description: string;
  readonly code: number;
  readonly message: string;
  readonly details: unknown[];
}

/**
 * The body of a token endpoint error. golang.org/x/oauth2 (hcp-sdk-go,
 * Packer, terraform-provider-hcp) decodes `error`, `error_description` and
 * `error_uri` into a struct and ignores other keys, so the google.rpc.Status
 * fields (`code`, `message`, `details[0].reason`) stay for clients that match
 * on those, as on every other route.
 */
export function oauthErrorBody(error: RegistryError): OAuthErrorBody {
  return {
    error: oauthErrorCode(error),
    error_description: oauthDescription(error.message),
    ...error.toStatus(),
  };
}

/**
 * Sends a token endpoint error. A 401 answers a request that carried an
 * `Authorization` header with `WWW-Authenticate: Basic` (RFC 6749 §5.2: the
 * scheme the client used; Basic is the only one taken here). Without the
 * header (form-field credentials, or none) no challenge is sent: a Basic
 * challenge would make a browser posting the form pop up its login dialog.
 */
export function sendOAuthError(
  reply: FastifyReply,
  error: RegistryError,
  request: FastifyRequest,
): FastifyReply {
  if (error.httpStatus === 401 && request.headers.authorization) {
    reply.header('www-authenticate', `Basic realm="${AUTH_REALM}"`);
  }
  setRetryAfter(reply, error);
  return reply
    .status(error.httpStatus)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(oauthErrorBody(error));
}
