import type { AddressInfo } from 'node:net';
import type { SecureContextOptions, Server as TlsServer } from 'node:tls';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { auditPlugin } from '../audit/audit.plugin';
import { AuditFileSink, NO_AUDIT_SINK } from '../audit/audit-file-sink';
import { auditRoutes } from '../audit/audit.routes';
import { authPlugin } from '../auth/auth.plugin';
import { EmbeddedMode } from '../auth/embedded-mode';
import { callerIdentityRoutes } from '../auth/caller-identity.routes';
import { principalRoutes } from '../auth/principals.routes';
import {
  DEFAULT_TOKEN_RATE_LIMIT_WINDOW_SECONDS,
  type TokenRateLimitOptions,
  type TokenRateLimitSettings,
} from '../auth/token-rate-limit';
import { tokenRoutes } from '../auth/token.routes';
import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_TOKEN_RATE_LIMIT_GLOBAL,
  DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT,
  DEFAULT_TOKEN_TTL_SECONDS,
} from '../config/defaults';
import { DEFAULT_LISTEN, isLoopbackHost } from '../config/parse';
import type { RegistryStorage } from '../domain/registry-contract';
import { RegistryErrors } from '../errors/registry-errors';
import { consoleRoutes } from './console.routes';
import { clientErrorHandler } from './client-error';
import type { RouteContext } from './context';
import {
  errorHandlingPlugin,
  frameworkErrorHandler,
  parseJsonBody,
  schemaErrorFormatter,
} from './error-handler';
import { heartbeatSweeperPlugin } from './heartbeat-sweeper';
import {
  checkMetricsOptions,
  startMetricsListener,
  type MetricsListener,
  type RegistryMetricsOptions,
} from './metrics/metrics-exposure';
import { metricsPlugin } from './metrics/metrics.plugin';
import {
  webhookDelivererPlugin,
  webhookSettings,
  type RegistryWebhookOptions,
} from './webhook-deliverer';
import { webhookRoutes } from '../resources/webhooks/webhooks.routes';
import { storagePlugin } from './storage.plugin';
import { RegistryScope } from './registry-scope';
import {
  addRequestCompletionLog,
  registryLoggerOptions,
  type RegistryLoggerOption,
} from './request-logging';
import { healthRoutes } from './routes/health.routes';
import { openApiRoutes } from './routes/openapi.routes';
import { PACKER_PREFIX, packerApi } from './routes/packer-api';
import { PACKER_2021_PREFIX, packer2021Api } from '../resources-2021/packer-2021-api';
import { resourceManagerRoutes } from './routes/resource-manager.routes';
import { sbomDownloadRoutes } from '../resources/sboms/sboms.routes';
import { MODEL_SCHEMAS, openApiNullable, openApiNullableModels } from './schemas/models.schemas';

export {
  DEFAULT_BODY_LIMIT,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_TOKEN_TTL_SECONDS,
} from '../config/defaults';

export type { RegistryLogDestination } from './request-logging';
export type { RegistryWebhookOptions } from './webhook-deliverer';

/** Options of {@link buildRegistryServer} and {@link startRegistryServer}. */
export interface RegistryServerOptions {
  /** The opened storage (`openRegistryStorage(...)`). */
  readonly storage: RegistryStorage;
  /**
   * The address the server listens on (default `127.0.0.1`). It decides the
   * auth mode, once, at start: on loopback with no principals every request is
   * an anonymous admin (embedded mode) until a principal appears; elsewhere at
   * least one principal must exist. A server that requires tokens never stops
   * requiring them.
   */
  readonly host?: string;
  /** TCP port for {@link startRegistryServer} (default 8080; 0 picks a free one). */
  readonly port?: number;
  /** Largest accepted request body in bytes (default 1 MiB). Larger is 413 / code 3. */
  readonly bodyLimit?: number;
  /** Lifetime of issued bearer tokens, in seconds (default 3600). */
  readonly tokenTtlSeconds?: number;
  /**
   * Limits on failed `POST /oauth2/token` requests, per client IP address
   * (default 10 per minute) and from all clients together (default 300 per
   * minute); over either, token requests are 429 with `Retry-After` until the
   * window ends. Successful requests do not count. `0` turns a limit off.
   */
  readonly tokenRateLimit?: TokenRateLimitOptions;
  /** How often stale builds are cancelled, in ms (default 60 000; 0 disables the sweeper). */
  readonly sweepIntervalMs?: number;
  /**
   * `false` silences logging; otherwise pino JSON lines at `level` (default
   * `info`) to `destination` (default stdout). Successful requests are logged
   * only at `debug` or lower (one line each); secrets in headers, bodies and URL
   * queries never are.
   */
  readonly logger?: RegistryLoggerOption;
  /** Close the storage when the server closes (default false: the caller owns it). */
  readonly closeStorage?: boolean;
  /**
   * The web console's built assets (`@imprint/console`'s `dist`), served at `/`.
   * Default: found through `require.resolve('@imprint/console/package.json')`;
   * `false` serves no console. A missing build answers 503 on `/`.
   */
  readonly consoleDir?: string | false;
  /**
   * Serve HTTPS with this certificate (PEM, the leaf first, then any
   * intermediates) and private key (PEM) instead of plain HTTP. Swap them later
   * with {@link RunningRegistryServer.setSecureContext}.
   */
  readonly tls?: RegistryTlsOptions;
  /**
   * Prometheus metrics at `GET /metrics` (default: on the main listener, for
   * anyone when it listens on loopback, else for a viewer or more). `listen`
   * serves them on a listener of their own instead ({@link startRegistryServer}
   * starts it), without auth: a non-loopback host there needs `public: true`.
   * `false` turns them off.
   */
  readonly metrics?: RegistryMetricsOptions | false;
  /**
   * Also append each finished audit log entry to this file, one JSON line
   * each (`--audit-log`). The database stays the record: a write error is
   * logged, not fatal. Default: none.
   */
  readonly auditLog?: string;
  /** Webhook delivery: allowed targets, polling, retries (docs/guides/webhooks.md). */
  readonly webhooks?: RegistryWebhookOptions;
}

/** The certificate and key of {@link RegistryServerOptions.tls}. */
export interface RegistryTlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** A listening registry server. */
export interface RunningRegistryServer {
  readonly app: FastifyInstance;
  /** Base URL, e.g. `http://127.0.0.1:8080` (`https://` with {@link RegistryServerOptions.tls}). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The separate metrics listener's URL (`http://host:port/metrics`), with `metrics.listen`. */
  readonly metricsUrl?: string;
  /**
   * With TLS: serves new connections with another certificate and key (a
   * renewed pair), as `tls.Server#setSecureContext`; open connections keep
   * theirs. Throws a `TypeError` on a server started without `tls`.
   */
  setSecureContext(options: SecureContextOptions): void;
  /** Stops accepting connections, finishes in-flight requests, then stops timers (and storage, with `closeStorage`). */
  close(): Promise<void>;
}

/** Longest token lifetime the principal store accepts: one year. */
const MAX_TOKEN_TTL_SECONDS = 365 * 24 * 3600;

function integerOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** The message shown when a non-loopback server has no principals. */

/**
 * Builds the registry HTTP server (not yet listening): the HCP Packer API
 * (2023-01-01), the OAuth token endpoint, resource-manager discovery, the
 * principals admin API, health checks and `/openapi.json`.
 *
 * Throws a {@link RegistryError} with reason `REGISTRY_ERR_NO_PRINCIPALS` when
 * `host` is not a loopback address and no principal exists.
 *
 * @example
 * ```ts
 * const storage = await openRegistryStorage({ dataDir: '/var/lib/imprint' });
 * const app = await buildRegistryServer({ storage });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * ```
 */
export async function buildRegistryServer(
  options: RegistryServerOptions,
): Promise<FastifyInstance> {
  const { storage } = options;
  const host = options.host ?? DEFAULT_LISTEN.host;
  const bodyLimit = integerOption('bodyLimit', options.bodyLimit, DEFAULT_BODY_LIMIT, 1);
  const tokenTtlSeconds = integerOption(
    'tokenTtlSeconds',
    options.tokenTtlSeconds,
    DEFAULT_TOKEN_TTL_SECONDS,
    1,
    MAX_TOKEN_TTL_SECONDS,
  );
  const sweepIntervalMs = integerOption(
    'sweepIntervalMs',
    options.sweepIntervalMs,
    DEFAULT_SWEEP_INTERVAL_MS,
    0,
  );
  const tokenRateLimit: TokenRateLimitSettings = {
    perClient: integerOption(
      'tokenRateLimit.perClient',
      options.tokenRateLimit?.perClient,
      DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT,
      0,
    ),
    global: integerOption(
      'tokenRateLimit.global',
      options.tokenRateLimit?.global,
      DEFAULT_TOKEN_RATE_LIMIT_GLOBAL,
      0,
    ),
    windowSeconds: integerOption(
      'tokenRateLimit.windowSeconds',
      options.tokenRateLimit?.windowSeconds,
      DEFAULT_TOKEN_RATE_LIMIT_WINDOW_SECONDS,
      1,
      86_400,
    ),
  };

  checkMetricsOptions(options.metrics);
  const webhooks = webhookSettings(options.webhooks);
  const loopback = isLoopbackHost(host);
  const principalCount = await storage.principals.countPrincipals();
  if (!loopback && principalCount === 0) {
    throw new RegistryErrors.NoPrincipals({ host });
  }

  const app = Fastify({
    logger: registryLoggerOptions(options.logger),
    // No "incoming request" / "request completed" lines: see addRequestCompletionLog.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    routerOptions: { maxParamLength: 512 },
    requestIdHeader: false,
    // Requests arriving while closing get our own 503 (a google.rpc.Status), below.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { coerceTypes: false, verbose: true } },
    schemaErrorFormatter,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // fastify creates an https server when given `https`; its type is chosen
    // at compile time, and this function returns one type for both.
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  });

  await app.register(storagePlugin, { storage, closeStorage: options.closeStorage === true });

  // Graceful close: requests already in flight finish, and their keep-alive
  // connections close with them instead of idling until the keep-alive
  // timeout (which would hold close() for up to 72 s).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Hooks on every request take callbacks, not promises: an async hook costs
  // a promise and a microtask turn per request, measurable on GetChannel.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', String(request.id));
    if (!closing) return done();
    done(new RegistryErrors.ShuttingDown());
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  addRequestCompletionLog(app);

  for (const schema of MODEL_SCHEMAS) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Imprint registry',
        description:
          'A self-hosted image metadata registry speaking the HCP Packer registry API (2023-01-01), ' +
          'and its 2021-04-30 predecessor (Packer <= 1.9) over the same data. ' +
          'Errors are google.rpc.Status bodies {code, message, details}.',
        version: '2023-01-01',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A token from POST /oauth2/token',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url }) => ({ schema: openApiNullable(schema), url }),
    transformObject: (documentObject) =>
      openApiNullableModels('openapiObject' in documentObject ? documentObject.openapiObject : {}),
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  await app.register(errorHandlingPlugin, { bodyLimit });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  app.addContentTypeParser(/^application\/[\w.-]+\+json$/, { parseAs: 'string' }, parseJsonBody);

  const embedded = new EmbeddedMode({
    principals: storage.principals,
    host,
    loopback,
    principalCount,
    log: app.log,
  });
  const context: RouteContext = {
    storage,
    scope: new RegistryScope(storage.service),
    embedded,
    tokenTtlSeconds,
  };

  await app.register(authPlugin, { principals: storage.principals, embedded });
  await app.register(auditPlugin, {
    store: storage.audit,
    sink: options.auditLog ? new AuditFileSink(options.auditLog, app.log) : NO_AUDIT_SINK,
  });
  await app.register(metricsPlugin, {
    storage,
    host,
    mode: options.metrics === false ? 'off' : options.metrics?.listen ? 'separate' : 'main',
  });
  await app.register(heartbeatSweeperPlugin, {
    service: storage.service,
    intervalMs: sweepIntervalMs,
  });

  await app.register(webhookDelivererPlugin, { webhooks: storage.webhooks, settings: webhooks });

  await app.register(healthRoutes, context);
  await app.register(openApiRoutes, context);
  await app.register(tokenRoutes, { ...context, tokenRateLimit });
  await app.register(principalRoutes, context);
  await app.register(auditRoutes, context);
  await app.register(callerIdentityRoutes, context);
  await app.register(webhookRoutes, { ...context, webhookSettings: webhooks });
  await app.register(consoleRoutes, { consoleDir: options.consoleDir });
  await app.register(resourceManagerRoutes, context);
  await app.register(sbomDownloadRoutes, context);
  await app.register(packerApi, { ...context, prefix: PACKER_PREFIX });
  await app.register(packer2021Api, { ...context, prefix: PACKER_2021_PREFIX });

  return app;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Builds the server and listens on `host:port` (default `127.0.0.1:8080`).
 * A taken address is a {@link RegistryError} with reason `REGISTRY_ERR_ADDRESS_IN_USE`.
 *
 * @example
 * ```ts
 * const storage = await openRegistryStorage({ dataDir });
 * const server = await startRegistryServer({ storage, port: 0, closeStorage: true });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function startRegistryServer(
  options: RegistryServerOptions,
): Promise<RunningRegistryServer> {
  const host = options.host ?? DEFAULT_LISTEN.host;
  const port = options.port ?? DEFAULT_LISTEN.port;
  const app = await buildRegistryServer({ ...options, host });
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new RegistryErrors.AddressInUse({ address: `${urlHost(host)}:${port}` });
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw new RegistryErrors.AddressUnusable({
        address: `${urlHost(host)}:${port}`,
        why: (error as Error).message,
      });
    }
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const actualPort = address.port;
  const tls = options.tls !== undefined;
  const metricsListen = options.metrics ? options.metrics.listen : undefined;
  let metrics: MetricsListener | undefined;
  if (metricsListen) {
    try {
      metrics = await startMetricsListener(app.metrics, metricsListen);
    } catch (error) {
      await app.close();
      const where = `${urlHost(metricsListen.host)}:${metricsListen.port}`;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new RegistryErrors.AddressInUse({ address: where });
      throw new RegistryErrors.AddressUnusable({ address: where, why: (error as Error).message });
    }
  }
  return {
    app,
    host,
    port: actualPort,
    ...(metrics ? { metricsUrl: metrics.url } : {}),
    url: `${tls ? 'https' : 'http'}://${urlHost(host)}:${actualPort}`,
    setSecureContext(context) {
      if (!tls) throw new TypeError('setSecureContext: this server was started without tls');
      (app.server as unknown as TlsServer).setSecureContext(context);
    },
    close: async () => {
      await metrics?.close();
      await app.close();
    },
  };
}
