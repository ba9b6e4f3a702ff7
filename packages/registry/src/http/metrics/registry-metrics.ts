import { Counter, Gauge, Histogram, Registry, type CounterConfiguration } from 'prom-client';
import type { DomainEvent } from '../../domain/domain-events';
import type { StorageInstrumentation } from '../../storage/open-registry-storage';
import { METRIC_PREFIX, processMetrics } from './process-metrics';

/** Upper bounds (seconds) of the request and statement duration histograms: 0.5 ms to 10 s. */
const DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

/**
 * The metrics of one registry server, in a prom-client {@link Registry} of its
 * own (never prom-client's global one), so that several servers in one
 * process count apart. Reach it as `app.metrics`; other parts of the server
 * add their own series with {@link RegistryMetrics.counter}.
 *
 * @example
 * ```ts
 * const deliveries = app.metrics.counter({
 *   name: 'imprint_webhook_deliveries_total',
 *   help: 'Webhook delivery attempts, by outcome.',
 *   labelNames: ['outcome'],
 * });
 * deliveries.inc({ outcome: 'delivered' });
 * ```
 */
export class RegistryMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'imprint_http_requests_total',
    help: 'HTTP requests answered, by route (operationId, or the route pattern), method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'imprint_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  /** HTTP requests received and not yet closed: counted by the server, read at scrape time. */
  inFlight = 0;
  // What the domain committed, counted from its events (count(), after each
  // commit): once per change, whichever instance or request made it.
  readonly buildsCompleted = new Counter({
    name: 'imprint_builds_completed_total',
    help: 'Builds that reached BUILD_DONE or BUILD_FAILED (committed), by status.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly buildsCancelled = new Counter({
    name: 'imprint_builds_cancelled_total',
    help: 'Builds the stale-build sweep cancelled because their heartbeats stopped.',
    registers: [this.registry],
  });
  readonly versionsCompleted = new Counter({
    name: 'imprint_versions_completed_total',
    help: 'Versions (iterations) that became complete (vN, VERSION_ACTIVE).',
    registers: [this.registry],
  });
  readonly revocations = new Counter({
    name: 'imprint_revocations_total',
    help: 'Versions revoked (RevokeVersion, UpdateVersion/UpdateIteration), by kind: in effect at once (immediate) or scheduled.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly revocationsApplied = new Counter({
    name: 'imprint_revocations_applied_total',
    help: 'Versions whose revocation took effect: revoked at once, inherited from a revoked parent, or a schedule come due.',
    registers: [this.registry],
  });
  private readonly queryDuration = new Histogram({
    name: 'imprint_db_query_duration_seconds',
    help: 'Time of each database statement, by engine and outcome (ok or error).',
    labelNames: ['engine', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly stopTiming: () => void;

  constructor(engine: string, storage: StorageInstrumentation) {
    const registers = [this.registry];
    // Every known label value from 0, so a rate() sees the first event and the series exist at once.
    for (const status of ['BUILD_DONE', 'BUILD_FAILED'] as const)
      this.buildsCompleted.inc({ status }, 0);
    for (const kind of ['immediate', 'scheduled'] as const) this.revocations.inc({ kind }, 0);
    // Values kept as plain numbers where they change (cheap on the hot path), read at scrape time.
    const gauge = (name: string, help: string, value: () => number | undefined) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const current = value();
          if (current !== undefined) this.set(current);
        },
      });
    gauge(
      'imprint_http_requests_in_flight',
      'HTTP requests received and not yet answered (or abandoned by the client).',
      () => this.inFlight,
    );
    if (engine === 'postgres') {
      const pool = storage.pool.bind(storage);
      gauge(
        'imprint_db_pool_connections',
        'Connections the PostgreSQL pool holds.',
        () => pool()?.total,
      );
      gauge(
        'imprint_db_pool_idle_connections',
        'Idle connections in the PostgreSQL pool.',
        () => pool()?.idle,
      );
      gauge(
        'imprint_db_pool_waiting_requests',
        'Queries waiting for a PostgreSQL connection.',
        () => pool()?.waiting,
      );
    }
    const { readCache } = storage;
    const cacheCounter = (name: string, help: string, value: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(value());
        },
      });
    cacheCounter(
      'imprint_read_cache_hits_total',
      'GetChannel/GetVersion reads answered from memory.',
      () => readCache.hits,
    );
    cacheCounter(
      'imprint_read_cache_misses_total',
      'GetChannel/GetVersion reads loaded from the database while caching was on.',
      () => readCache.misses,
    );

    const ok = this.queryDuration.labels(engine, 'ok');
    const failed = this.queryDuration.labels(engine, 'error');
    this.stopTiming = storage.onQuery((seconds, error) => (error ? failed : ok).observe(seconds));
  }

  /** Counts one committed domain change (the storage's `domainEvents`). */
  count(event: DomainEvent): void {
    switch (event.kind) {
      case 'build-finished':
        this.buildsCompleted.inc({ status: event.status });
        break;
      case 'builds-cancelled':
        this.buildsCancelled.inc(event.count);
        break;
      case 'version-completed':
        this.versionsCompleted.inc();
        break;
      case 'version-revoked':
        this.revocations.inc({ kind: event.when });
        break;
      case 'revocation-applied':
        this.revocationsApplied.inc(event.count);
        break;
    }
  }

  /**
   * Registers a counter on this server's registry (the webhook deliveries'
   * `imprint_webhook_deliveries_total{outcome}` is meant to come through here).
   * The name must start with `imprint_`; registering a name twice throws.
   */
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    if (!config.name.startsWith(METRIC_PREFIX)) {
      throw new TypeError(`metric ${config.name}: registry metrics are named ${METRIC_PREFIX}*`);
    }
    return new Counter({ ...config, registers: [this.registry] });
  }

  /** The Prometheus text exposition of this server's metrics and the process's. */
  async render(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }

  /** The `Content-Type` of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Stops timing statements (the storage may outlive the server). */
  close(): void {
    this.stopTiming();
  }
}
