import { Client, type ClientConfig } from 'pg';
import { CHANGE_CHANNEL, type ChangeTracker } from './change-tracking';

/** First and largest wait before reconnecting a lost listener. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 30_000;

/**
 * Hears the commits of other registry instances sharing the PostgreSQL
 * database (LISTEN on {@link CHANGE_CHANNEL}; each instance NOTIFYs inside
 * its write transactions) and bumps `tracker` for each one. While the
 * listening connection is down the tracker stops following, so read caches
 * stand aside instead of serving what may be stale; it reconnects with
 * backoff on its own.
 */
export class PostgresChangeListener {
  private client: Client | undefined;
  private retryMs = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly tracker: ChangeTracker,
    private readonly instanceId: string,
  ) {}

  /** Connects and listens; on failure keeps retrying in the background (and returns). */
  async start(): Promise<void> {
    this.tracker.setFollowing(false);
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client(this.config);
    // An idle LISTEN connection is the only thing this client does; it must
    // never keep the process alive or crash it.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload !== this.instanceId) {
        this.tracker.bump();
      }
    });
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
    this.tracker.setFollowing(true);
  }

  private lost(client: Client): void {
    if (this.client !== undefined && this.client !== client) return;
    this.client = undefined;
    this.tracker.setFollowing(false);
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.closed || this.timer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, wait);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    this.tracker.setFollowing(false);
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
