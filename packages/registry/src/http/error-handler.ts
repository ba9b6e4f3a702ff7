import fp from 'fastify-plugin';
import type {
  FastifyError,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from 'fastify';
import { isUnsafeKey } from '@imprint/sdk';
import { GrpcCode, RegistryError } from '../errors/registry-error';
import { RegistryErrors } from '../errors/registry-errors';
import { textProblem } from '../domain/validation';

/** JSON nested deeper than this is refused (it would only serve to exhaust the stack later). */
export const MAX_JSON_DEPTH = 64;

function isRegistryError(error: unknown): error is RegistryError {
  if (error instanceof RegistryError) return true;
  const candidate = error as Partial<RegistryError> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.grpcCode === 'number' &&
    typeof candidate.httpStatus === 'number' &&
    typeof candidate.toStatus === 'function'
  );
}

/** `/labels/a~1b` + missing property `x` → `labels.a/b.x`. */
function fieldOf(dataVar: string, error: FastifySchemaValidationError): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = error.params.missingProperty;
  if (typeof missing === 'string') segments.push(missing);
  return [dataVar, ...segments].join('.');
}

/** Keywords whose failure the schema's description explains (length and type errors speak for themselves). */
const HINTED_KEYWORDS = new Set(['pattern', 'format']);

function describeValidationError(
  error: FastifySchemaValidationError & { parentSchema?: { description?: unknown } },
  field: string,
): string {
  let text: string;
  // Errors inside `propertyNames` carry the offending key (ajv 8).
  const key = (error as { propertyName?: unknown }).propertyName ?? error.params.propertyName;
  if (typeof key === 'string') {
    const shown = key.length > 40 ? `${key.slice(0, 40)}...` : key;
    return `${field} has an invalid key ${JSON.stringify(shown)}: the key ${error.message ?? 'is invalid'}`;
  }
  switch (error.keyword) {
    case 'required':
      text = `${field} is required`;
      break;
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[] | undefined) ?? [];
      text = `${field} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    }
    case 'pattern':
      text = `${field} has an invalid format`;
      break;
    case 'propertyNames':
      text = `${field} has an invalid key`;
      break;
    case 'type':
      text =
        field === 'body'
          ? `the request body must be a JSON object (send Content-Type: application/json)`
          : `${field} ${error.message ?? 'has the wrong type'}`;
      break;
    default:
      text = `${field} ${error.message ?? 'is invalid'}`;
  }
  const hint = error.parentSchema?.description;
  if (typeof hint === 'string' && HINTED_KEYWORDS.has(error.keyword)) text += ` (expected ${hint})`;
  return text;
}

/**
 * Turns schema validation failures into one readable message naming the field,
 * e.g. `body.name has an invalid format (expected 3-36 letters, digits or hyphens)`.
 */
export function schemaErrorFormatter(
  errors: FastifySchemaValidationError[],
  dataVar: 'body' | 'headers' | 'params' | 'querystring',
): Error {
  const first = errors[0];
  const part = dataVar === 'querystring' ? 'query' : dataVar;
  const field = first ? fieldOf(part, first) : part;
  const message = first ? describeValidationError(first, field) : `${part} is invalid`;
  return new RegistryErrors.RequestInvalid({ problem: message, field });
}

type BodyProblem =
  | { readonly kind: 'too-deep' }
  | { readonly kind: 'forbidden-key'; readonly path: string }
  | { readonly kind: 'text'; readonly path: string; readonly message: string };

/**
 * The first thing in a parsed body that must not reach a handler: absurd
 * nesting, a prototype-polluting key, or a key or string {@link textProblem}
 * refuses (NUL, lone surrogates), with its JSON path (`body.labels.os`).
 */
function findBodyProblem(value: unknown): BodyProblem | undefined {
  const stack: { node: unknown; path: string; depth: number }[] = [
    { node: value, path: 'body', depth: 0 },
  ];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop() as { node: unknown; path: string; depth: number };
    if (typeof node === 'string') {
      const message = textProblem(path, node);
      if (message !== undefined) return { kind: 'text', path, message };
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth > MAX_JSON_DEPTH) return { kind: 'too-deep' };
    if (Array.isArray(node)) {
      node.forEach((item, i) =>
        stack.push({ node: item, path: `${path}[${i}]`, depth: depth + 1 }),
      );
      continue;
    }
    for (const key of Object.keys(node)) {
      if (isUnsafeKey(key)) return { kind: 'forbidden-key', path: `${path}.${key}` };
      const message = textProblem(`a key of ${path}`, key);
      if (message !== undefined) return { kind: 'text', path, message };
      stack.push({
        node: (node as Record<string, unknown>)[key],
        path: `${path}.${key}`,
        depth: depth + 1,
      });
    }
  }
  return undefined;
}

/**
 * Whether JSON `text` could hold anything {@link findBodyProblem} refuses:
 * in valid JSON a NUL or a lone surrogate can only be written as a `\u`
 * escape (decoding UTF-8 never yields either), a forbidden key only as its
 * literal name, and nesting deeper than the limit needs that many brackets.
 * Most bodies have none of these, and skip the walk.
 */
function mayHoldBodyProblem(text: string): boolean {
  if (
    text.includes('\\u') ||
    text.includes('__proto__') ||
    text.includes('constructor') ||
    text.includes('prototype')
  ) {
    return true;
  }
  let open = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c === 0x7b || c === 0x5b) && ++open > MAX_JSON_DEPTH) return true;
  }
  return false;
}

/**
 * Parses a JSON body. An empty body counts as no body (Go clients send
 * `Content-Type: application/json` on bodiless requests); invalid JSON,
 * forbidden keys, absurd nesting, and keys or strings that hold a NUL or a
 * lone UTF-16 surrogate (`"\ud800"`, which no engine stores as sent) are
 * 400 / code 3 naming the JSON path.
 */
export function parseJsonBody(
  _request: FastifyRequest,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    done(null, undefined);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    done(new RegistryErrors.BodyNotJson({ reason }));
    return;
  }
  const problem = mayHoldBodyProblem(text) ? findBodyProblem(value) : undefined;
  if (problem?.kind === 'too-deep') {
    done(new RegistryErrors.BodyTooDeep({ max: MAX_JSON_DEPTH }));
    return;
  }
  if (problem?.kind === 'forbidden-key') {
    done(new RegistryErrors.ForbiddenKey({ field: problem.path }));
    return;
  }
  if (problem?.kind === 'text') {
    done(new RegistryErrors.RequestInvalid({ problem: problem.message, field: problem.path }));
    return;
  }
  done(null, value);
}

function contentTypeOf(request: FastifyRequest): string {
  const header = request.headers['content-type'];
  return typeof header === 'string' ? header.slice(0, 100) : '(none)';
}

/** Maps anything thrown while serving a request to a RegistryError and its HTTP status. */
export function toRegistryError(
  error: unknown,
  request: FastifyRequest,
  bodyLimit: number,
): RegistryError {
  if (isRegistryError(error)) return error;
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown };
  if (fastifyError.validation) {
    return new RegistryErrors.RequestInvalid({
      problem: fastifyError.message ?? 'validation failed',
    });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      // A route whose limit is a documented payload limit (UploadSbom) names that limit.
      const named = (request.routeOptions.config as { bodyTooLarge?: () => RegistryError })
        .bodyTooLarge;
      if (named) return named();
      // A route may take less than the server-wide limit (POST /oauth2/token does).
      const limit = request.routeOptions.bodyLimit ?? bodyLimit;
      const limitOf =
        limit === bodyLimit
          ? "the server's --body-limit"
          : `the limit of ${request.method} ${request.routeOptions.url ?? 'this route'}`;
      return new RegistryErrors.BodyTooLarge({ limit, limitOf });
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new RegistryErrors.UnsupportedMediaType({
        contentType: contentTypeOf(request),
        formToo: request.url.startsWith('/oauth2/'),
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new RegistryErrors.BodyNotJson({});
    case 'FST_ERR_BAD_URL':
      return new RegistryErrors.UrlNotDecodable();
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new RegistryErrors.PathSegmentTooLong();
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 404) {
      return new RegistryErrors.RouteRefused({ problem: fastifyError.message });
    }
    return new RegistryErrors.RequestRefused({
      status,
      problem: fastifyError.message ?? 'bad request',
    });
  }
  return new RegistryErrors.Internal({ request_id: String(request.id) });
}

/** The realm of the registry's `WWW-Authenticate` challenges. */
export const AUTH_REALM = 'imprint-registry';

/** Sets `Retry-After` on a 429 or 503: clients (hcp-sdk-go, @imprint/client) retry those; tell them when. */
export function setRetryAfter(reply: FastifyReply, error: RegistryError): void {
  const retryAfter = error.details['retry_after_seconds'];
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  else if (error.grpcCode === GrpcCode.UNAVAILABLE) reply.header('retry-after', '1');
}

/** Sends a RegistryError as `google.rpc.Status` with its HTTP status. */
export function sendRegistryError(reply: FastifyReply, error: RegistryError): FastifyReply {
  if (error.grpcCode === GrpcCode.UNAUTHENTICATED) {
    reply.header('www-authenticate', `Bearer realm="${AUTH_REALM}"`);
  }
  setRetryAfter(reply, error);
  return reply
    .status(error.httpStatus)
    .type('application/json; charset=utf-8')
    .send(error.toStatus());
}

/** Writes a RegistryError in a route's error shape (google.rpc.Status unless the route says otherwise). */
export type RegistryErrorSender = (
  reply: FastifyReply,
  error: RegistryError,
  request: FastifyRequest,
) => FastifyReply;

/**
 * The error handler of a plugin scope: maps anything thrown to a
 * RegistryError, logs it (500s with the cause, others at info), and sends it
 * with `send`. The server sets it once with {@link sendRegistryError}; a
 * scope whose clients read another error shape (the OAuth token endpoint)
 * sets it again with its own sender.
 */
export function registryErrorHandler(
  bodyLimit: number,
  send: RegistryErrorSender = sendRegistryError,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) => {
    const registryError = toRegistryError(error, request, bodyLimit);
    if (registryError.grpcCode === GrpcCode.INTERNAL) {
      request.log.error({ err: error }, 'request failed with an internal error');
    } else if (registryError.grpcCode === GrpcCode.UNAVAILABLE) {
      // The server logs once when the database goes away and once when it is back.
      request.log.debug({ reason: registryError.reason }, registryError.message);
    } else if (registryError !== error) {
      request.log.info({ reason: registryError.reason }, registryError.message);
    }
    return send(reply, registryError, request);
  };
}

/** Errors fastify's router reports before a route is chosen (bad percent-encoding, long params). */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void sendRegistryError(reply, toRegistryError(error, request, 0));
}

export type ErrorHandlingOptions = { bodyLimit: number };

const handleErrors: FastifyPluginAsync<ErrorHandlingOptions> = async (app, { bodyLimit }) => {
  app.setErrorHandler(registryErrorHandler(bodyLimit));

  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split('?')[0] ?? '').slice(0, 200);
    return sendRegistryError(
      reply,
      new RegistryErrors.RouteNotFound({ method: request.method, path }),
    );
  });
};

/**
 * One error handler for the whole server: every error leaves as
 * `{code, message, details}`; 500s are logged and carry no internals.
 */
export const errorHandlingPlugin = fp(handleErrors, { name: 'imprint-error-handling' });
