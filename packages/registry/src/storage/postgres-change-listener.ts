import { Client, type ClientConfig } from 'pg';
import { CHANGE_CHANNEL, type ChangeTracker } from './change-tracking';

/** First and largest wait before reconnecting a lost listener. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * How often the listening connection is pinged, and how long an answer may
 * take before the connection counts as dead. A backend that is frozen
 * (stopped, partitioned away, stuck on a dead TCP peer) delivers no
 * notifications but does not close either; only a ping notices.
 */
export const LISTENER_PING_INTERVAL_MS = 500;
export const LISTENER_PING_TIMEOUT_MS = 1_000;
/**
 * Worst-case staleness of a cached read on PostgreSQL: a cached value is
 * trusted only while the last answered ping was sent less than this long
 * ago. A notification committed before a ping reaches this instance before
 * the ping's answer, so a write through another instance is seen within
 * this bound even if the listener freezes the moment after (normally within
 * milliseconds, when its notification arrives).
 */
export const READ_STALENESS_BOUND_MS = LISTENER_PING_INTERVAL_MS + LISTENER_PING_TIMEOUT_MS;

/** `application_name` of the listening connection (in `pg_stat_activity`). */
export const LISTENER_APPLICATION_NAME = 'imprint-registry-listener';

/**
 * Hears the commits of other registry instances sharing the PostgreSQL
 * database (LISTEN on {@link CHANGE_CHANNEL}; each instance NOTIFYs inside
 * its write transactions) and bumps `tracker` for each one. While the
 * listening connection is down, or has not answered a ping recently, the
 * tracker stops following, so read caches stand aside instead of serving
 * what may be stale; it reconnects with backoff on its own.
 */
export class PostgresChangeListener {
  private client: Client | undefined;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly tracker: ChangeTracker,
    /** The NOTIFY payload of this instance's own writes (its application_name), which it ignores. */
    private readonly ownPayload: string,
    private readonly timing = {
      pingIntervalMs: LISTENER_PING_INTERVAL_MS,
      pingTimeoutMs: LISTENER_PING_TIMEOUT_MS,
    },
  ) {}

  /** Connects and listens; on failure keeps retrying in the background (and returns). */
  async start(): Promise<void> {
    this.tracker.setFollowing(false);
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ ...this.config, application_name: LISTENER_APPLICATION_NAME });
    // An idle LISTEN connection is the only thing this client does; it must
    // never keep the process alive or crash it.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload !== this.ownPayload) {
        this.tracker.bump();
      }
    });
    const startedAt = Date.now();
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = RETRY_MIN_MS;
    this.tracker.trustUntil(startedAt + this.bound());
    this.tracker.setFollowing(true);
    this.schedulePing(client);
  }

  private bound(): number {
    return this.timing.pingIntervalMs + this.timing.pingTimeoutMs;
  }

  private schedulePing(client: Client): void {
    this.pingTimer = setTimeout(() => this.ping(client), this.timing.pingIntervalMs);
    this.pingTimer.unref();
  }

  private ping(client: Client): void {
    this.pingTimer = undefined;
    if (this.client !== client) return;
    const sentAt = Date.now();
    const deadline = setTimeout(() => this.lost(client), this.timing.pingTimeoutMs);
    deadline.unref();
    client.query('select 1').then(
      () => {
        clearTimeout(deadline);
        if (this.client !== client) return;
        this.tracker.trustUntil(sentAt + this.bound());
        this.schedulePing(client);
      },
      () => {
        clearTimeout(deadline);
        this.lost(client);
      },
    );
  }

  private lost(client: Client): void {
    if (this.client !== undefined && this.client !== client) return;
    this.client = undefined;
    this.tracker.setFollowing(false);
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
    client.removeAllListeners('end');
    client.removeAllListeners('notification');
    // A frozen backend never answers the goodbye: close our end and move on.
    client.end().catch(() => undefined);
    if (this.closed || this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, wait);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.retryTimer = undefined;
    this.pingTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.tracker.setFollowing(false);
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
