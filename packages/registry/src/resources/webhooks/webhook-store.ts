import { randomBytes } from 'node:crypto';
import type {
  Webhook,
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEventName,
} from '@imprint/client';
import type { ServiceContext } from '../../domain/context';
import type { ListSpec, PageRequest } from '../../domain/pagination';
import { toIso } from '../../domain/time';
import { RegistryErrors } from '../../errors/registry-errors';
import { fetchPage } from '../../storage/keyset';
import type { WebhookOutboxTable, WebhookTable } from '../../storage/schema';
import type { SendResult } from './webhook-sender';
import { VERIFICATION_EVENT, webhookBody } from './webhook-events';

/** A due delivery leased to one deliverer, with what sending it needs. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly attempts: number;
  readonly body: string;
  readonly url: string;
  readonly secret: string;
}

/** What a new subscription is, once its input was checked (see the webhooks routes). */
export interface NewWebhook {
  readonly name: string;
  readonly url: string;
  readonly events: readonly WebhookEventName[];
  readonly secret: string;
}

/** Subscriptions and their outbox, over the storage. */
export interface WebhookStore {
  create(input: NewWebhook, createdBy: string): Promise<Webhook>;
  list(): Promise<Webhook[]>;
  /** The subscription with its secret (to sign a test delivery). */
  get(id: string): Promise<{ webhook: Webhook; secret: string }>;
  delete(id: string): Promise<void>;
  /** The body of a verification event (sent at create and by `test`; never stored). */
  verificationBody(): string;
  /** Enables or disables it; answers the webhook as it is now. */
  setEnabled(id: string, enabled: boolean): Promise<Webhook>;
  /** A page of its deliveries, newest first, only those in `state` when given. */
  deliveries(
    id: string,
    page: PageRequest,
    state?: WebhookDeliveryState,
  ): Promise<{ deliveries: WebhookDelivery[]; pagination: { next_page_token?: string } }>;
  /**
   * Leases up to `limit` due deliveries of enabled webhooks to `worker` for
   * `leaseMs` (a disabled webhook's deliveries wait, due, until it is
   * enabled again). On
   * PostgreSQL rows another process holds are skipped (`FOR UPDATE SKIP
   * LOCKED`) and a lease keeps them from being claimed again while they are
   * sent; on SQLite the claim is one serialised write transaction.
   */
  claimDue(worker: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /**
   * Records one attempt: delivered; or failed for good after the last of
   * `retryDelaysMs` (one delay per retry); or due again after the next delay.
   * Ignored when `worker`'s lease was lost meanwhile.
   */
  recordAttempt(
    delivery: ClaimedDelivery,
    worker: string,
    result: SendResult,
    retryDelaysMs: readonly number[],
  ): Promise<void>;
}

/** A new secret: 32 random bytes, hex. */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('hex');
}

function toWebhook(row: Omit<WebhookTable, 'secret'>): Webhook {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventName[],
    enabled: row.enabled === 1,
    created_at: toIso(Number(row.created_at)),
    created_by: row.created_by,
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : toIso(Number(ms)));

function toDelivery(row: WebhookOutboxTable): WebhookDelivery {
  const state =
    row.delivered_at !== null ? 'delivered' : row.failed_at !== null ? 'failed' : 'pending';
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event: row.event as WebhookEventName,
    event_id: (JSON.parse(row.payload) as { event_id: string }).event_id,
    state,
    attempts: Number(row.attempts),
    created_at: toIso(Number(row.created_at)),
    next_attempt_at: state === 'pending' ? iso(row.next_attempt_at) : null,
    delivered_at: iso(row.delivered_at),
    failed_at: iso(row.failed_at),
    last_status: row.last_status === null ? null : Number(row.last_status),
    last_error: row.last_error,
  };
}

const WEBHOOK_COLUMNS = [
  'id',
  'name',
  'url',
  'events',
  'enabled',
  'created_at',
  'created_by',
] as const;

/** Deliveries, newest first: `created_at`, then the ULID. */
export const DELIVERIES_LIST: ListSpec = {
  fields: {
    created_at: { column: 'webhook_outbox.created_at', key: 'created_at', type: 'integer' },
  },
  defaultOrder: ['created_at desc'],
  id: { column: 'webhook_outbox.id', key: 'id', type: 'text' },
};

/** Longest `last_error` kept. */
const MAX_ERROR = 500;

export class SqlWebhookStore implements WebhookStore {
  constructor(private readonly ctx: ServiceContext) {}

  async create(input: NewWebhook, createdBy: string): Promise<Webhook> {
    const row: WebhookTable = {
      id: this.ctx.newId(),
      name: input.name,
      url: input.url,
      events: JSON.stringify([...input.events]),
      secret: input.secret,
      enabled: 1,
      created_at: this.ctx.nowMs(),
      created_by: createdBy,
    };
    await this.ctx.transaction(async (trx) => {
      const taken = await trx
        .selectFrom('webhooks')
        .select('id')
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (taken) throw new RegistryErrors.WebhookExists({ name: input.name });
      await trx.insertInto('webhooks').values(row).execute();
    });
    return toWebhook(row);
  }

  async list(): Promise<Webhook[]> {
    const rows = await this.ctx.db
      .selectFrom('webhooks')
      .select(WEBHOOK_COLUMNS)
      .orderBy('name')
      .execute();
    return rows.map(toWebhook);
  }

  async get(id: string): Promise<{ webhook: Webhook; secret: string }> {
    const row = await this.ctx.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new RegistryErrors.WebhookNotFound({ webhook_id: id });
    return { webhook: toWebhook(row), secret: row.secret };
  }

  async delete(id: string): Promise<void> {
    await this.ctx.transaction(async (trx) => {
      // Its pending deliveries go with it (nobody wants them any more).
      await trx.deleteFrom('webhook_outbox').where('webhook_id', '=', id).execute();
      const result = await trx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw new RegistryErrors.WebhookNotFound({ webhook_id: id });
      }
    });
  }

  verificationBody(): string {
    return webhookBody(this.ctx, VERIFICATION_EVENT, {});
  }

  async setEnabled(id: string, enabled: boolean): Promise<Webhook> {
    const result = await this.ctx.singleStatement((db) =>
      db
        .updateTable('webhooks')
        .set({ enabled: enabled ? 1 : 0 })
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    if (Number(result.numUpdatedRows) === 0) {
      throw new RegistryErrors.WebhookNotFound({ webhook_id: id });
    }
    return (await this.get(id)).webhook;
  }

  async deliveries(
    id: string,
    page: PageRequest,
    state?: WebhookDeliveryState,
  ): Promise<{ deliveries: WebhookDelivery[]; pagination: { next_page_token?: string } }> {
    await this.get(id);
    const q = this.ctx.db
      .selectFrom('webhook_outbox')
      .selectAll()
      .where('webhook_id', '=', id)
      .$if(state === 'delivered', (b) => b.where('delivered_at', 'is not', null))
      .$if(state === 'failed', (b) => b.where('failed_at', 'is not', null))
      .$if(state === 'pending', (b) =>
        b.where('delivered_at', 'is', null).where('failed_at', 'is', null),
      );
    const { rows, pagination } = await fetchPage(q, page);
    return { deliveries: rows.map(toDelivery), pagination };
  }

  claimDue(worker: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { ctx } = this;
    return ctx.transaction(async (trx) => {
      const now = ctx.nowMs();
      const due = await trx
        .selectFrom('webhook_outbox')
        .select('id')
        .where('delivered_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) =>
          eb('webhook_id', 'in', eb.selectFrom('webhooks').select('id').where('enabled', '=', 1)),
        )
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .$if(ctx.engine === 'postgres', (q) => q.forUpdate().skipLocked())
        .execute();
      if (due.length === 0) return [];
      const ids = due.map((d) => d.id);
      await trx
        .updateTable('webhook_outbox')
        .set({ locked_until: now + leaseMs, locked_by: worker })
        .where('id', 'in', ids)
        .execute();
      const rows = await trx
        .selectFrom('webhook_outbox as o')
        .innerJoin('webhooks as w', 'w.id', 'o.webhook_id')
        .select(['o.id', 'o.attempts', 'o.payload', 'w.url', 'w.secret'])
        .where('o.id', 'in', ids)
        .orderBy('o.id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        attempts: Number(r.attempts),
        body: r.payload,
        url: r.url,
        secret: r.secret,
      }));
    });
  }

  async recordAttempt(
    delivery: ClaimedDelivery,
    worker: string,
    result: SendResult,
    retryDelaysMs: readonly number[],
  ): Promise<void> {
    const now = this.ctx.nowMs();
    const attempts = delivery.attempts + 1;
    const common = {
      attempts,
      locked_until: null,
      locked_by: null,
      last_status: result.status ?? null,
      last_error: result.ok ? null : (result.error ?? 'failed').slice(0, MAX_ERROR),
    };
    const delay = retryDelaysMs[attempts - 1];
    const outcome = result.ok
      ? { delivered_at: now }
      : delay === undefined
        ? { failed_at: now }
        : { next_attempt_at: now + delay };
    await this.ctx.singleStatement((db) =>
      db
        .updateTable('webhook_outbox')
        .set({ ...common, ...outcome })
        .where('id', '=', delivery.id)
        .where('locked_by', '=', worker)
        .where('delivered_at', 'is', null)
        .execute(),
    );
  }
}
