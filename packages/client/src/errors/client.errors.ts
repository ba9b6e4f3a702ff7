import type { ClientErrorCode } from './client-error-codes';
import { CLIENT_ERROR_CODES } from './client-error-codes';
import { GrpcCode, grpcCodeName } from './grpc-code';

/**
 * Base class of every error `@imprint/client` throws. Match on `code` (stable
 * across releases, listed in the package README) rather than on the message.
 */
export abstract class RegistryClientError extends Error {
  /** Stable error code, one of {@link CLIENT_ERROR_CODES}. */
  abstract readonly code: ClientErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** What {@link RegistryApiError} is built from. */
export interface RegistryApiErrorInit {
  /** HTTP method of the failed request. */
  method: string;
  /** Path and query of the failed request (no host, never a token). */
  path: string;
  /** HTTP status of the response. */
  httpStatus: number;
  /** gRPC code from the body, or derived from the HTTP status when the body has none. */
  grpcCode: number;
  /** The registry's own message (`message` of the body), or a summary of a non-JSON body. */
  serverMessage: string;
  /** `details` of the `google.rpc.Status` body (empty when absent). */
  details: readonly unknown[];
  /** `reason` of the first detail that has one. */
  reason?: string;
  /** `Retry-After` of the response, in milliseconds, when the server sent one. */
  retryAfterMs?: number;
  /** The start of a body that was not a `google.rpc.Status` JSON object. */
  rawBody?: string;
}

/**
 * The registry answered with an error status. `grpcCode` is the `code` of the
 * `google.rpc.Status` body (`{code, message, details}`); `reason` is Imprint's
 * stable reason from `details[].reason` when the server sends one.
 *
 * Use the guards ({@link isNotFound}, {@link isVersionNotFound}, …) rather than
 * comparing numbers by hand.
 *
 * @example
 * ```ts
 * try {
 *   await client.getBucket('ubuntu');
 * } catch (error) {
 *   if (isNotFound(error)) return undefined;
 *   throw error;
 * }
 * ```
 */
export class RegistryApiError extends RegistryClientError {
  readonly code = CLIENT_ERROR_CODES.API;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Path and query of the failed request. */
  readonly path: string;
  /** HTTP status of the response. */
  readonly httpStatus: number;
  /** gRPC status code ({@link GrpcCode}). */
  readonly grpcCode: number;
  /** The registry's own message. */
  readonly serverMessage: string;
  /** `details` of the error body. */
  readonly details: readonly unknown[];
  /** Stable reason from `details[].reason`, when present (e.g. `REGISTRY_ERR_BUCKET_NOT_FOUND`). */
  readonly reason: string | undefined;
  /** `Retry-After` in milliseconds, when the response carried one. */
  readonly retryAfterMs: number | undefined;
  /** The start of a body that was not `google.rpc.Status` JSON. */
  readonly rawBody: string | undefined;

  constructor(init: RegistryApiErrorInit) {
    const reason = init.reason === undefined ? '' : ` [${init.reason}]`;
    super(
      `${init.method} ${init.path} failed: HTTP ${init.httpStatus}, code ${init.grpcCode} ` +
        `(${grpcCodeName(init.grpcCode)}): ${init.serverMessage}${reason}`,
    );
    this.method = init.method;
    this.path = init.path;
    this.httpStatus = init.httpStatus;
    this.grpcCode = init.grpcCode;
    this.serverMessage = init.serverMessage;
    this.details = init.details;
    this.reason = init.reason;
    this.retryAfterMs = init.retryAfterMs;
    this.rawBody = init.rawBody;
  }
}

/** What {@link RegistryConnectionError} is built from. */
export interface RegistryConnectionErrorInit {
  /** HTTP method of the request. */
  method: string;
  /** Full URL the client tried to reach. */
  url: string;
  /** Attempts made before giving up. */
  attempts: number;
  /** The system error code found in the cause chain (`ECONNREFUSED`, `ENOTFOUND`, …). */
  errno?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * No HTTP response came back: the connection was refused or reset, the host
 * name did not resolve, and so on. `url` names what the client tried to reach.
 * Thrown after the retries allowed for the call are used up.
 */
export class RegistryConnectionError extends RegistryClientError {
  readonly code: ClientErrorCode = CLIENT_ERROR_CODES.CONNECTION;
  /** HTTP method of the request. */
  readonly method: string;
  /** Full URL the client tried to reach. */
  readonly url: string;
  /** Attempts made. */
  readonly attempts: number;
  /** System error code from the cause chain, e.g. `ECONNREFUSED`. */
  readonly errno: string | undefined;

  constructor(init: RegistryConnectionErrorInit, message?: string) {
    super(
      message ??
        `Cannot reach the registry: ${init.method} ${init.url} failed after ${plural(init.attempts, 'attempt')}` +
          ` (${describeCause(init.cause, init.errno)}). Check that the registry is running and that baseUrl is right.`,
      { cause: init.cause },
    );
    this.method = init.method;
    this.url = init.url;
    this.attempts = init.attempts;
    this.errno = init.errno;
  }
}

/**
 * No complete response arrived within `timeoutMs` (the timeout covers one
 * attempt: connecting, waiting and reading the body). A subclass of
 * {@link RegistryConnectionError}, with its own code.
 */
export class RegistryTimeoutError extends RegistryConnectionError {
  override readonly code: ClientErrorCode = CLIENT_ERROR_CODES.TIMEOUT;
  /** The per-attempt timeout that expired, in milliseconds. */
  readonly timeoutMs: number;

  constructor(init: RegistryConnectionErrorInit & { timeoutMs: number }) {
    super(
      init,
      `${init.method} ${init.url} timed out after ${init.timeoutMs} ms ` +
        `(${plural(init.attempts, 'attempt')}). Raise timeoutMs or check the registry's health.`,
    );
    this.timeoutMs = init.timeoutMs;
  }
}

/** What {@link RegistryAuthError} is built from. */
export interface RegistryAuthErrorInit {
  /** The token endpoint URL. */
  tokenUrl: string;
  /** What went wrong, in words. */
  problem: string;
  /** HTTP status of the token response, if one came back. */
  httpStatus?: number;
  /** OAuth `error` field of the token response (`invalid_client`, …). */
  oauthError?: string;
  /** The token endpoint's own explanation (`error_description`, or `message`). */
  description?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Getting an access token failed: the token endpoint refused the client
 * credentials, answered with an error status, or sent no usable token. The
 * message names the token URL and never contains the secret.
 */
export class RegistryAuthError extends RegistryClientError {
  readonly code = CLIENT_ERROR_CODES.AUTH;
  /** The token endpoint URL. */
  readonly tokenUrl: string;
  /** HTTP status of the token response, if one came back. */
  readonly httpStatus: number | undefined;
  /** OAuth `error` field of the token response. */
  readonly oauthError: string | undefined;
  /** The token endpoint's own explanation, for showing to the person who typed the credentials. */
  readonly description: string | undefined;

  constructor(init: RegistryAuthErrorInit) {
    super(
      `Cannot get an access token from ${init.tokenUrl}: ${init.problem}. ` +
        'Check clientId, clientSecret and authUrl.',
      { cause: init.cause },
    );
    this.tokenUrl = init.tokenUrl;
    this.httpStatus = init.httpStatus;
    this.oauthError = init.oauthError;
    this.description = init.description;
  }
}

/**
 * `organizationId` or `projectId` was not given and could not be discovered:
 * the credentials see no organization or several, or the organization has no
 * project. Pass the ids explicitly to skip discovery.
 */
export class RegistryDiscoveryError extends RegistryClientError {
  readonly code = CLIENT_ERROR_CODES.DISCOVERY;

  constructor(
    message: string,
    /** The ids that were found (organizations or projects), to help choose one. */
    readonly candidates: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The caller's `AbortSignal` fired; `cause` is the signal's reason. */
export class RegistryAbortedError extends RegistryClientError {
  readonly code = CLIENT_ERROR_CODES.ABORTED;

  constructor(
    /** HTTP method of the aborted request. */
    readonly method: string,
    /** Full URL of the aborted request. */
    readonly url: string,
    reason: unknown,
  ) {
    super(`${method} ${url} was aborted by the caller.`, { cause: reason });
  }
}

/**
 * A success response the client cannot use: the body is not JSON, lacks the
 * field the operation returns, or pagination repeats a page token.
 */
export class RegistryResponseError extends RegistryClientError {
  readonly code = CLIENT_ERROR_CODES.RESPONSE;

  constructor(
    /** HTTP method of the request. */
    readonly method: string,
    /** Path and query of the request. */
    readonly path: string,
    problem: string,
  ) {
    super(`${method} ${path}: ${problem}`);
  }
}

/** The {@link RegistryClientOptions} given to the constructor are invalid. */
export class RegistryConfigError extends RegistryClientError {
  readonly code = CLIENT_ERROR_CODES.CONFIG;

  constructor(
    /** The offending option, e.g. `baseUrl` or `retries.attempts`. */
    readonly option: string,
    problem: string,
  ) {
    super(`Invalid RegistryClient option ${option}: ${problem}`);
  }
}

/**
 * A method got an argument it cannot send, e.g. an empty bucket name (which
 * would address another route) or a path segment of `.`/`..`.
 */
export class RegistryArgumentError extends RegistryClientError {
  readonly code = CLIENT_ERROR_CODES.INVALID_ARGUMENT;

  constructor(
    /** The offending argument, e.g. `bucketName`. */
    readonly argument: string,
    problem: string,
  ) {
    super(`Invalid argument ${argument}: ${problem}`);
  }
}

/**
 * Whether `error` is a {@link RegistryApiError} (checked by `code`, so it also
 * recognises errors from another copy of this package), optionally with the
 * given gRPC code.
 */
export function isRegistryApiError(error: unknown, grpcCode?: number): error is RegistryApiError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; grpcCode?: unknown };
  return (
    candidate.code === CLIENT_ERROR_CODES.API &&
    typeof candidate.grpcCode === 'number' &&
    (grpcCode === undefined || candidate.grpcCode === grpcCode)
  );
}

/** `NOT_FOUND` (5): missing bucket, channel or build. */
export function isNotFound(error: unknown): error is RegistryApiError {
  return isRegistryApiError(error, GrpcCode.NOT_FOUND);
}

/** `ALREADY_EXISTS` (6): duplicate create (bucket, version, build, channel). */
export function isAlreadyExists(error: unknown): error is RegistryApiError {
  return isRegistryApiError(error, GrpcCode.ALREADY_EXISTS);
}

/**
 * `ABORTED` (10): what GetVersion answers for an unknown fingerprint (HTTP
 * 409). Packer creates the version only on this code, and so does
 * {@link RegistryClient.ensureVersion}.
 */
export function isVersionNotFound(error: unknown): error is RegistryApiError {
  return isRegistryApiError(error, GrpcCode.ABORTED);
}

/** `INVALID_ARGUMENT` (3): the request was malformed or a value is out of range. */
export function isInvalidArgument(error: unknown): error is RegistryApiError {
  return isRegistryApiError(error, GrpcCode.INVALID_ARGUMENT);
}

/** `FAILED_PRECONDITION` (9): e.g. updating the managed `latest` channel, restoring an active version. */
export function isFailedPrecondition(error: unknown): error is RegistryApiError {
  return isRegistryApiError(error, GrpcCode.FAILED_PRECONDITION);
}

/** `PERMISSION_DENIED` (7): the credentials may not do this. */
export function isPermissionDenied(error: unknown): error is RegistryApiError {
  return isRegistryApiError(error, GrpcCode.PERMISSION_DENIED);
}

/** `UNAUTHENTICATED` (16): no token, or one the registry does not accept. */
export function isUnauthenticated(error: unknown): error is RegistryApiError {
  return isRegistryApiError(error, GrpcCode.UNAUTHENTICATED);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function describeCause(cause: unknown, errno: string | undefined): string {
  const messages: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message && !messages.includes(current.message)) messages.push(current.message);
    current = current.cause;
  }
  if (messages.length === 0) return errno ?? String(cause);
  return messages.join(': ');
}
