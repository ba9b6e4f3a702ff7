import type { RegistryConnection } from '../internal/connection';
import type {
  CreateWebhookBody,
  CreateWebhookResponse,
  ListWebhookDeliveriesResponse,
  ListWebhooksResponse,
  TestWebhookResponse,
} from '../contract/webhooks';
import type { CallOptions } from '../options';

/** Where the webhooks admin API lives (an Imprint extension; admin role). */
export const WEBHOOKS_PATH = '/imprint/v1/webhooks';

const webhookPath = (id: string) => `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`;

/**
 * The webhooks admin API, as {@link RegistryClient.webhooks} gives it.
 *
 * @example
 * ```ts
 * const { webhook, secret } = await client.webhooks.create({
 *   name: 'chat-ops',
 *   url: 'https://hooks.example.com/imprint',
 *   events: ['version.revoke'],
 * });
 * // Keep `secret`: deliveries are signed with it and it is not shown again.
 * ```
 */
export interface WebhookOperations {
  /** Creates a webhook once its target accepted the verification event; the secret is shown only here. */
  create(body: CreateWebhookBody, call?: CallOptions): Promise<CreateWebhookResponse>;
  list(call?: CallOptions): Promise<ListWebhooksResponse>;
  /** Deletes a webhook and its pending deliveries. */
  delete(webhookId: string, call?: CallOptions): Promise<void>;
  /** Sends the verification event to the webhook's target now; answers how it responded. */
  test(webhookId: string, call?: CallOptions): Promise<TestWebhookResponse>;
  /** Its newest deliveries (pending, delivered, failed). */
  deliveries(webhookId: string, call?: CallOptions): Promise<ListWebhookDeliveriesResponse>;
}

export function webhookOperations(api: RegistryConnection): WebhookOperations {
  return {
    // Not idempotent: a retried create would meet its own name (code 6).
    create: (body, call) => api.request('POST', WEBHOOKS_PATH, { body, call }),
    list: (call) => api.request('GET', WEBHOOKS_PATH, { call }),
    delete: async (webhookId, call) => {
      await api.request('DELETE', webhookPath(webhookId), { call });
    },
    test: (webhookId, call) => api.request('POST', `${webhookPath(webhookId)}/test`, { call }),
    deliveries: (webhookId, call) =>
      api.request('GET', `${webhookPath(webhookId)}/deliveries`, { call }),
  };
}
