import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { WebhookStore } from '../resources/webhooks/webhook-store';
import { sendWebhook } from '../resources/webhooks/webhook-sender';
import type { TargetPolicy } from '../resources/webhooks/safe-target';
import { runPeriodically } from './periodic-task';

/** The deliverer's settings, resolved (see RegistryServerOptions.webhooks). */
export interface WebhookDeliverySettings {
  readonly policy: TargetPolicy;
  /** How often the outbox is polled, in ms. 0 disables delivery by this server. */
  readonly pollIntervalMs: number;
  /** The delay before each retry; a delivery fails for good after the last one. */
  readonly retryDelaysMs: readonly number[];
  /** Time limit of one attempt. */
  readonly timeoutMs: number;
}

/**
 * The default retry schedule: 8 attempts (the first plus 7 retries) spread
 * over about 22 hours — 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h —
 * after which the delivery is marked failed (and listed as such).
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze(
  [1, 5, 15, 60, 180, 360, 720].map((minutes) => minutes * 60_000),
);
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
export const DEFAULT_WEBHOOK_POLL_MS = 1_000;
/** Deliveries claimed per poll, and sent at once. */
const BATCH = 16;

type Options = { readonly webhooks: WebhookStore; readonly settings: WebhookDeliverySettings };

const deliverWebhooks: FastifyPluginAsync<Options> = async (app, { webhooks, settings }) => {
  if (settings.pollIntervalMs <= 0) return;
  const attempts = app.metrics.counter({
    name: 'imprint_webhook_deliveries_total',
    help:
      'Webhook delivery attempts by outcome: delivered; retry (failed, tried again later); ' +
      'failed (the last attempt failed: the delivery is given up).',
    labelNames: ['outcome'],
  });
  // Leases name their holder; a restarted process is a new holder.
  const worker = `${process.pid}-${randomUUID()}`;
  // Longer than one attempt can take, so a lease never ends while its delivery is in flight.
  const leaseMs = settings.timeoutMs * 2 + 10_000;
  const deliverOnce = async (): Promise<number> => {
    const claimed = await webhooks.claimDue(worker, BATCH, leaseMs);
    await Promise.all(
      claimed.map(async (delivery) => {
        const result = await sendWebhook(
          { url: delivery.url, secret: delivery.secret },
          { id: delivery.id, body: delivery.body },
          { policy: settings.policy, timeoutMs: settings.timeoutMs, nowMs: Date.now() },
        );
        await webhooks.recordAttempt(delivery, worker, result, settings.retryDelaysMs);
        const last = delivery.attempts + 1 > settings.retryDelaysMs.length;
        attempts.inc({ outcome: result.ok ? 'delivered' : last ? 'failed' : 'retry' });
        if (!result.ok) {
          app.log.warn(
            { delivery: delivery.id, attempt: delivery.attempts + 1, status: result.status },
            `webhook delivery failed: ${result.error ?? 'unknown'}`,
          );
        }
      }),
    );
    return claimed.length;
  };

  runPeriodically(app, {
    name: 'webhook delivery',
    intervalMs: settings.pollIntervalMs,
    atStart: true,
    run: async (stopping) => {
      // A full batch means more may be due: keep going until the outbox is drained.
      while (!stopping() && (await deliverOnce()) === BATCH);
    },
  });
};

/**
 * Delivers the webhook outbox: polls for due deliveries, leases them (so
 * several registry processes over one database never send one at the same
 * time), POSTs each signed, and records the outcome with its retry
 * schedule. At least once: a crash between sending and recording sends
 * again once the lease ends, with the same X-Imprint-Delivery id.
 */
export const webhookDelivererPlugin = fp(deliverWebhooks, { name: 'imprint-webhook-deliverer' });

/** Webhook options of the server (`RegistryServerOptions.webhooks`). */
export interface RegistryWebhookOptions {
  /**
   * Deliver to private, loopback, link-local and unique-local addresses
   * (default false: refused at create and at every delivery, after DNS).
   */
  readonly allowPrivateTargets?: boolean;
  /** Accept `http://` targets (default false: https only). */
  readonly allowHttpTargets?: boolean;
  /** How often this server polls the outbox, in ms (default 1000; 0: this server delivers nothing). */
  readonly pollIntervalMs?: number;
  /** Delay before each retry, in ms (default {@link DEFAULT_RETRY_DELAYS_MS}: 8 attempts over ~22 h). */
  readonly retryDelaysMs?: readonly number[];
  /** Time limit of one delivery attempt, in ms (default 5000). */
  readonly timeoutMs?: number;
}

function checkMs(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(
      `webhooks.${name} must be an integer from ${min} to ${max} ms, got ${String(value)}`,
    );
  }
  return value;
}

/** The options with their defaults, checked (a bad value is a TypeError naming it). */
export function webhookSettings(options: RegistryWebhookOptions = {}): WebhookDeliverySettings {
  const retries = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  if (!Array.isArray(retries) || retries.length > 50) {
    throw new TypeError('webhooks.retryDelaysMs must be an array of at most 50 delays');
  }
  return {
    policy: {
      allowPrivate: options.allowPrivateTargets === true,
      allowHttp: options.allowHttpTargets === true,
    },
    pollIntervalMs: checkMs(
      'pollIntervalMs',
      options.pollIntervalMs ?? DEFAULT_WEBHOOK_POLL_MS,
      0,
      3_600_000,
    ),
    retryDelaysMs: Object.freeze(
      retries.map((d: number) => checkMs('retryDelaysMs[]', d, 0, 7 * 86_400_000)),
    ),
    timeoutMs: checkMs('timeoutMs', options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS, 100, 60_000),
  };
}
