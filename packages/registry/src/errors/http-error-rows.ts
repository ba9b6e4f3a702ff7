import { GrpcCode } from '@imprint/client';
import { HTTP_ERROR_REASONS as H } from './registry-error-codes';
import { noDetails, onlyField, row } from './registry-error-row';
import type { Field } from './registry-error-row';

const { INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, UNAUTHENTICATED, PERMISSION_DENIED } =
  GrpcCode;
const { UNAVAILABLE } = GrpcCode;

type Tenancy = { organization_id: string; project_id: string };
const serves = (t: Tenancy) =>
  `this registry serves organization ${t.organization_id}, project ${t.project_id}`;
const tenancyOnly = (t: Tenancy) => ({
  organization_id: t.organization_id,
  project_id: t.project_id,
});
type RateLimit = { limit: number; windowSeconds: number; retryAfterSeconds: number };
const rateLimitDetails = (scope: 'client' | 'global', p: RateLimit) => ({
  scope,
  limit: p.limit,
  retry_after_seconds: p.retryAfterSeconds,
});
const INVALID_CLIENT = row(H.INVALID_CLIENT, UNAUTHENTICATED, () => '', { details: noDetails });
/**
 * The rows of {@link REGISTRY_ERROR_TABLE} the HTTP layer reports itself:
 * requests refused before a service sees them, authentication, start-up.
 */
export const HTTP_ERROR_ROWS = {
  // --- the HTTP layer: requests it refuses before a service sees them -------------------------
  /** `problem` names the field (from the JSON schema check or `textProblem`). */
  RequestInvalid: row<{ problem: string; field?: string }>(
    H.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `invalid request: ${p.problem}`,
    { details: (p) => (p.field === undefined ? {} : { field: p.field }) },
  ),
  /** A 4xx the web framework raised itself, answered with its status. */
  RequestRefused: row<{ status: number; problem: string }>(
    H.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    (p) => `invalid request: ${p.problem}`,
    { httpStatus: (p) => p.status, details: noDetails },
  ),
  CredentialsNotText: row(
    H.INVALID_ARGUMENT,
    INVALID_ARGUMENT,
    () =>
      'invalid request: the client_id or client_secret in headers.authorization contains a NUL ' +
      'character; send the credentials exactly as imprint-registry principals create printed them',
    { details: onlyField('headers.authorization') },
  ),
  /** `reason`: the JSON parser's, when there is one. */
  BodyNotJson: row<{ reason?: string }>(
    H.MALFORMED_JSON,
    INVALID_ARGUMENT,
    (p) => `the request body is not valid JSON${p.reason === undefined ? '' : `: ${p.reason}`}`,
    { details: noDetails },
  ),
  BodyTooDeep: row<{ max: number }>(
    H.MALFORMED_JSON,
    INVALID_ARGUMENT,
    (p) => `the request body nests deeper than ${p.max} levels`,
    { details: noDetails },
  ),
  ForbiddenKey: row<Field>(
    H.FORBIDDEN_KEY,
    INVALID_ARGUMENT,
    (p) =>
      `invalid request: ${p.field} uses a forbidden key (__proto__, constructor and prototype are refused)`,
  ),
  /** `limitOf`: whose limit it is (the server's --body-limit, or a route's). */
  BodyTooLarge: row<{ limit: number; limitOf: string }>(
    H.BODY_TOO_LARGE,
    INVALID_ARGUMENT,
    (p) => `the request body is larger than the limit of ${p.limit} bytes (${p.limitOf})`,
    { httpStatus: 413, details: (p) => ({ limit_bytes: p.limit }) },
  ),
  /** `formToo`: the route also takes application/x-www-form-urlencoded. */
  UnsupportedMediaType: row<{ contentType: string; formToo: boolean }>(
    H.UNSUPPORTED_MEDIA_TYPE,
    INVALID_ARGUMENT,
    (p) =>
      `unsupported content type ${p.contentType}: send application/json` +
      (p.formToo ? ' or application/x-www-form-urlencoded' : ''),
    { httpStatus: 415, details: noDetails },
  ),
  UrlNotDecodable: row(
    H.BAD_URL,
    INVALID_ARGUMENT,
    () => 'the URL is not valid: check its percent-encoding',
    {
      details: noDetails,
    },
  ),
  PathSegmentTooLong: row(
    H.BAD_URL,
    INVALID_ARGUMENT,
    () => 'a path segment of the URL is too long',
    {
      details: noDetails,
    },
  ),
  HeadersTooLarge: row<{ max: number }>(
    H.HEADERS_TOO_LARGE,
    INVALID_ARGUMENT,
    (p) =>
      `the request line and headers are larger than ${p.max} bytes, the most the server ` +
      `accepts; send fewer or shorter headers (or a shorter URL)`,
    { httpStatus: 431, details: noDetails },
  ),
  /** `parserError`: Node's code and llhttp's fixed description (never the bytes received). */
  MalformedRequest: row<{ parserError: string }>(
    H.MALFORMED_REQUEST,
    INVALID_ARGUMENT,
    (p) =>
      `the bytes received are not a valid HTTP/1.1 request (${p.parserError}); ` +
      `check the request line (METHOD /path HTTP/1.1) and the headers (Name: value)`,
    { httpStatus: 400, details: noDetails },
  ),
  RequestTimeout: row(
    H.REQUEST_TIMEOUT,
    GrpcCode.DEADLINE_EXCEEDED,
    () => 'the request did not arrive in time: the server closed the connection; send it again',
    { httpStatus: 408, details: noDetails },
  ),
  UnsupportedGrantType: row<{ grantType: string }>(
    H.UNSUPPORTED_GRANT_TYPE,
    INVALID_ARGUMENT,
    (p) =>
      `unsupported grant_type ${JSON.stringify(p.grantType.slice(0, 100))}: only client_credentials is supported`,
    { details: onlyField('body.grant_type') },
  ),
  RouteNotFound: row<{ method: string; path: string }>(
    H.ROUTE_NOT_FOUND,
    NOT_FOUND,
    (p) => `no route for ${p.method} ${p.path}; GET /openapi.json lists every route`,
    { details: noDetails },
  ),
  /** A 404 the web framework raised itself, with its message. */
  RouteRefused: row<{ problem?: string }>(
    H.ROUTE_NOT_FOUND,
    NOT_FOUND,
    (p) => p.problem ?? 'not found',
    {
      details: noDetails,
    },
  ),
  ConsoleAssetNotFound: row<{ asset: string }>(
    H.ROUTE_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `no console asset ${JSON.stringify(p.asset.slice(0, 80))}: /assets/ serves the files of the console's build, by name`,
    { details: noDetails },
  ),
  /** `sent`: the id in the path; the details say which ids this registry serves. */
  OrganizationNotFound: row<Tenancy & { sent: string }>(
    H.ORGANIZATION_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `organization ${JSON.stringify(p.sent.slice(0, 80))} not found; ${serves(p)} (set HCP_ORGANIZATION_ID to it)`,
    { details: tenancyOnly },
  ),
  ProjectNotFound: row<Tenancy & { sent: string }>(
    H.PROJECT_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `project ${JSON.stringify(p.sent.slice(0, 80))} not found in organization ${p.organization_id}; ${serves(p)} (set HCP_PROJECT_ID to it)`,
    { details: tenancyOnly },
  ),
  BearerTokenMissing: row(
    H.UNAUTHENTICATED,
    UNAUTHENTICATED,
    () =>
      'missing bearer token: send "Authorization: Bearer <token>" with a token from POST /oauth2/token',
    { details: noDetails },
  ),
  BearerHeaderMalformed: row(
    H.UNAUTHENTICATED,
    UNAUTHENTICATED,
    () => 'the Authorization header must be "Bearer <token>"',
    {
      details: noDetails,
    },
  ),
  BearerTokenUnknown: row(
    H.UNAUTHENTICATED,
    UNAUTHENTICATED,
    () => 'the bearer token is unknown or expired; get a new one from POST /oauth2/token',
    { details: noDetails },
  ),
  BasicHeaderMalformed: {
    ...INVALID_CLIENT,
    message: () => 'the Authorization header must be "Basic base64(client_id:client_secret)"',
  },
  ClientCredentialsMissing: {
    ...INVALID_CLIENT,
    message: () =>
      'missing client credentials: send them in an "Authorization: Basic" header or as client_id and client_secret form fields',
  },
  ClientCredentialsInvalid: {
    ...INVALID_CLIENT,
    message: () =>
      'invalid client credentials: check HCP_CLIENT_ID / HCP_CLIENT_SECRET ' +
      '(imprint-registry principals create makes a pair)',
  },
  /** Failed token requests from one client address, `limit` within `windowSeconds`. */
  TokenRateLimitedClient: row<RateLimit & { client: string }>(
    H.TOKEN_RATE_LIMITED,
    GrpcCode.RESOURCE_EXHAUSTED,
    (p) =>
      `too many failed token requests from ${p.client} (${p.limit} within ` +
      `${p.windowSeconds} s); retry in ${p.retryAfterSeconds} s with valid client credentials ` +
      `(HCP_CLIENT_ID / HCP_CLIENT_SECRET) and grant_type=client_credentials`,
    { details: (p) => rateLimitDetails('client', p) },
  ),
  /** Failed token requests from all clients together. */
  TokenRateLimitedGlobal: row<RateLimit>(
    H.TOKEN_RATE_LIMITED,
    GrpcCode.RESOURCE_EXHAUSTED,
    (p) =>
      `too many failed token requests to this registry from all clients (${p.limit} within ` +
      `${p.windowSeconds} s); retry in ${p.retryAfterSeconds} s`,
    { details: (p) => rateLimitDetails('global', p) },
  ),
  /** `operation` names what was asked, e.g. `DeleteBucket`. */
  PermissionDenied: row<{ principal: string; role: string; needed: string; operation: string }>(
    H.PERMISSION_DENIED,
    PERMISSION_DENIED,
    (p) =>
      `principal ${JSON.stringify(p.principal)} has role ${p.role}; ${p.operation} needs role ${p.needed}` +
      (p.needed === 'admin' ? '' : ' or higher'),
    { details: (p) => ({ required_role: p.needed, principal_role: p.role }) },
  ),
  Internal: row<{ request_id: string }>(
    H.INTERNAL,
    GrpcCode.INTERNAL,
    (p) => `internal error; the server log has the details under request id ${p.request_id}`,
  ),
  ShuttingDown: row(
    H.UNAVAILABLE,
    UNAVAILABLE,
    () => 'the registry is shutting down; retry in a moment',
    {
      details: noDetails,
    },
  ),
  /** `/readyz`: the database failed for a reason other than {@link REGISTRY_ERROR_TABLE.DatabaseUnavailable}. */
  DatabaseNotAnswering: row<{ engine: string; why: string }>(
    H.UNAVAILABLE,
    UNAVAILABLE,
    (p) => `the ${p.engine} database does not answer: ${p.why}`,
    { details: noDetails },
  ),
  NoPrincipals: row<{ host: string }>(
    H.NO_PRINCIPALS,
    FAILED_PRECONDITION,
    (p) =>
      `refusing to listen on ${p.host} with no principals configured: anyone who can reach it ` +
      `would have full access. Create a principal first: ` +
      `imprint-registry principals create --name ci --role admin ` +
      `(with the same --data-dir / --database), or listen on 127.0.0.1 for embedded use`,
    { details: noDetails },
  ),
  /** `address`: `host:port` as a URL writes it. */
  AddressInUse: row<{ address: string }>(
    H.ADDRESS_IN_USE,
    UNAVAILABLE,
    (p) =>
      `cannot listen on ${p.address}: the address is already in use; ` +
      `stop the other process or pick another address with --listen HOST:PORT`,
    { details: noDetails },
  ),
  AddressUnusable: row<{ address: string; why: string }>(
    H.ADDRESS_IN_USE,
    UNAVAILABLE,
    (p) => `cannot listen on ${p.address}: ${p.why}`,
    { details: noDetails },
  ),
} as const;
