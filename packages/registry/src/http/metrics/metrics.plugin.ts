import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RegistryStorage } from '../../domain/registry-contract';
import type { DomainEvents } from '../../domain/domain-events';
import type { StorageInstrumentation } from '../../storage/open-registry-storage';
import { METRICS_PATH, metricsAccess } from './metrics-exposure';
import { RegistryMetrics } from './registry-metrics';

declare module 'fastify' {
  interface FastifyInstance {
    /** This server's metrics; add series with `app.metrics.counter(...)`. */
    metrics: RegistryMetrics;
  }
  interface FastifyContextConfig {
    /** The `route` label of the route's request metrics: its operationId, else its URL pattern. */
    metricsRoute?: string;
  }
}

export interface MetricsPluginOptions {
  readonly storage: RegistryStorage;
  /** The main listener's host: decides who may read `/metrics` there ({@link metricsAccess}). */
  readonly host: string;
  /**
   * `main`: count, and serve `GET /metrics` on the main listener; `separate`:
   * count only (another listener serves them); `off`: neither (no hook on any
   * request), though `app.metrics` still takes series.
   */
  readonly mode: 'main' | 'separate' | 'off';
}

/** A storage without instrumentation (not opened by openRegistryStorage): nothing to report. */
const NO_INSTRUMENTATION: StorageInstrumentation = {
  onQuery: () => () => undefined,
  pool: () => undefined,
  readCache: { hits: 0, misses: 0 },
};

function instrumentationOf(storage: RegistryStorage): StorageInstrumentation {
  return (
    (storage as { instrumentation?: StorageInstrumentation }).instrumentation ?? NO_INSTRUMENTATION
  );
}

/** A storage that tells no domain events (not opened by openRegistryStorage): nothing counted. */
const NO_EVENTS: DomainEvents = { subscribe: () => () => undefined };

function domainEventsOf(storage: RegistryStorage): DomainEvents {
  return (storage as { domainEvents?: DomainEvents }).domainEvents ?? NO_EVENTS;
}

/** The `route` label of requests no route matched (404s): one value, whatever the URL. */
const UNMATCHED = 'unmatched';

const plugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, options) => {
  const metrics = new RegistryMetrics(options.storage.engine, instrumentationOf(options.storage));
  app.decorate('metrics', metrics);
  app.addHook('onClose', (_app, done) => {
    metrics.close();
    done();
  });
  if (options.mode === 'off') return;

  // Builds, versions and revocations: what the domain committed (every
  // instance over the database counts its own commits), not what routes asked.
  const unsubscribe = domainEventsOf(options.storage).subscribe((event) => metrics.count(event));
  app.addHook('onClose', (_app, done) => {
    unsubscribe();
    done();
  });
  app.addHook('onRoute', (route) => {
    const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
    // Route patterns and operation ids are a fixed set: raw URLs would not be.
    route.config = { ...route.config, metricsRoute: operationId ?? route.url };
  });

  // In flight: counted up here and down when the response closes, finished or
  // aborted (onResponse misses a client that hangs up first).
  const finished = () => {
    metrics.inFlight -= 1;
  };
  const { httpRequests, httpDuration } = metrics;
  // Callback hooks, no promise per request: they run on GetChannel too.
  app.addHook('onRequest', (_request, reply, done) => {
    metrics.inFlight += 1;
    reply.raw.on('close', finished);
    done();
  });
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const labels = {
      route: request.routeOptions.config.metricsRoute ?? UNMATCHED,
      method: request.method,
      status: String(reply.statusCode),
    };
    httpRequests.inc(labels);
    httpDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  if (options.mode !== 'main') return;
  app.get(
    METRICS_PATH,
    {
      config: { access: metricsAccess(options.host), metricsRoute: 'Metrics' },
      logLevel: 'warn',
      // Not part of the HCP API: kept out of /openapi.json (docs/reference/registry-api.md lists it).
      schema: { hide: true },
    },
    async (_request, reply) => {
      const text = await metrics.render();
      return reply.type(metrics.contentType).send(text);
    },
  );
};

/**
 * Prometheus metrics of the server ({@link RegistryMetrics}), shared with the
 * routes registered after it (`app.metrics`), and `GET /metrics` on the main
 * listener unless a separate listener serves it.
 */
export const metricsPlugin = fp(plugin, { name: 'imprint-metrics' });
