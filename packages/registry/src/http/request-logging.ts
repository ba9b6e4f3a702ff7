import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/** Where log lines go: any object with `write(line)` (a stream, or a test's collector). */
export interface RegistryLogDestination {
  write(line: string): void;
}

/** The `logger` option of the registry server. */
export type RegistryLoggerOption =
  false | { readonly level?: string; readonly destination?: RegistryLogDestination };

/** Header and field values that must never reach a log line (pino `redact` paths). */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'client_secret',
  'clientSecret',
  'access_token',
  'accessToken',
  '*.client_secret',
  '*.clientSecret',
  '*.access_token',
  '*.accessToken',
  '*.authorization',
];

/** What replaces a secret in a log line. */
export const REDACTED = '[redacted]';

/** Query parameters whose values never reach a log line, besides any name matching `/secret|token|password/i`. */
export const SENSITIVE_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'client_secret',
  'access_token',
  'token',
  'refresh_token',
  'password',
  'secret',
  'code',
]);

const SENSITIVE_NAME = /secret|token|password/i;

/** True when the values of query parameter `name` (raw or percent-decoded) must not be logged. */
export function isSensitiveQueryParameter(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // Broken percent-encoding: judge the raw name.
  }
  return [name, decoded].some(
    (candidate) =>
      SENSITIVE_QUERY_PARAMETERS.has(candidate.toLowerCase()) || SENSITIVE_NAME.test(candidate),
  );
}

// `?name=value` or `&name=value` anywhere in a line. A value ends at `&`, `#`,
// `?`, white space or an unescaped `"` (the end of a JSON string); `\x`
// escapes inside a JSON string are part of it.
const QUERY_PAIR = /([?&])([^=&#\s"\\?]{1,200})=((?:[^&#\s?"\\]|\\.)*)/g;

/**
 * Replaces the values of sensitive query parameters ({@link isSensitiveQueryParameter})
 * in `text`, a URL or a whole log line:
 * `/x?client_secret=abc&page=2` → `/x?client_secret=[redacted]&page=2`.
 */
export function redactQuerySecrets(text: string): string {
  if (!text.includes('=')) return text;
  return text.replace(QUERY_PAIR, (pair, lead: string, name: string, value: string) =>
    value !== '' && isSensitiveQueryParameter(name) ? `${lead}${name}=${REDACTED}` : pair,
  );
}

/**
 * Fastify's `logger` option for {@link RegistryLoggerOption}: pino JSON lines
 * with secret headers and fields redacted, and every line passed through
 * {@link redactQuerySecrets} on its way to the destination, so a secret sent
 * in a URL query never reaches the log, whoever logs the URL (request logs,
 * error messages and stacks, fastify's own warnings).
 */
export function registryLoggerOptions(
  logger: RegistryLoggerOption | undefined,
): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const destination: RegistryLogDestination = logger?.destination ?? process.stdout;
  return {
    level: logger?.level ?? 'info',
    stream: { write: (line: string) => destination.write(redactQuerySecrets(line)) },
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
  };
}

const DEBUG = 20;

/** pino's level numbers (`silent` and unknown levels log nothing per request). */
const LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: DEBUG,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/**
 * Per-request logging. Fastify's own request lines ("incoming request",
 * "request completed" at info) are off (a `LogController` with
 * `disableRequestLogging`): a
 * synchronous line per request cost a third or more of GetChannel's
 * throughput. At `debug` or lower, one line per request is logged when its
 * response is sent (method, URL with secrets redacted, status, response time
 * in ms, and the `reqId` every line of the request carries); at `info` no hook
 * is added at all, so successful requests cost nothing. Errors are logged by
 * the error handler (4xx at info with their reason, 5xx at error).
 */
export function addRequestCompletionLog(app: FastifyInstance): void {
  const level = LEVEL_VALUES[app.log.level];
  if (level === undefined || level > DEBUG) return;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.debug(
      {
        method: request.method,
        // Secret query values are replaced on the way out, like in every line.
        url: request.url,
        statusCode: reply.statusCode,
        responseTime: reply.elapsedTime,
      },
      'request completed',
    );
    done();
  });
}
