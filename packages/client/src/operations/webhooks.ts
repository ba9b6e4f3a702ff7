import type { RegistryConnection } from '../internal/connection';
import type {
  CreateWebhookBody,
  CreateWebhookResponse,
  ListWebhookDeliveriesResponse,
  ListWebhooksResponse,
  TestWebhookResponse,
  UpdateWebhookBody,
  UpdateWebhookResponse,
  WebhookDelivery,
  WebhookDeliveryState,
} from '../contract/webhooks';
import type { CallOptions } from '../options';
import { iteratePages } from './pagination';

/** Where the webhooks admin API lives (an Imprint extension; admin role). */
export const WEBHOOKS_PATH = '/imprint/v1/webhooks';

const webhookPath = (id: string) => `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`;

/** Filter and page of {@link WebhookOperations.deliveries}; every one may be left out. */
export interface ListWebhookDeliveriesOptions extends CallOptions {
  /** Only deliveries in this state. */
  state?: WebhookDeliveryState;
  /** Deliveries per page: 1 to LIMITS.pageSize; the registry's default when absent. */
  pageSize?: number;
  /** `pagination.next_page_token` of the previous page. */
  nextPageToken?: string;
}

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
 * await client.webhooks.update(webhook.id, { enabled: false });
 * for await (const d of client.webhooks.paginateDeliveries(webhook.id, { state: 'failed' })) {
 *   console.log(d.event, d.last_error);
 * }
 * ```
 */
export interface WebhookOperations {
  /** Creates a webhook once its target accepted the verification event; the secret is shown only here. */
  create(body: CreateWebhookBody, call?: CallOptions): Promise<CreateWebhookResponse>;
  list(call?: CallOptions): Promise<ListWebhooksResponse>;
  /**
   * Enables or disables a webhook. Disabled, it gets no new events and its
   * pending deliveries wait; enabling sends the verification event first
   * (refused, code 9, unless the target answers 2xx), then delivers what waited.
   */
  update(
    webhookId: string,
    body: UpdateWebhookBody,
    call?: CallOptions,
  ): Promise<UpdateWebhookResponse>;
  /** Deletes a webhook and its pending deliveries. */
  delete(webhookId: string, call?: CallOptions): Promise<void>;
  /** Sends the verification event to the webhook's target now; answers how it responded. */
  test(webhookId: string, call?: CallOptions): Promise<TestWebhookResponse>;
  /** One page of its deliveries, newest first, optionally only those in one state. */
  deliveries(
    webhookId: string,
    options?: ListWebhookDeliveriesOptions,
  ): Promise<ListWebhookDeliveriesResponse>;
  /** Every delivery (in `state`, when given), newest first, page after page. */
  paginateDeliveries(
    webhookId: string,
    options?: ListWebhookDeliveriesOptions,
  ): AsyncIterableIterator<WebhookDelivery>;
}

export function webhookOperations(api: RegistryConnection): WebhookOperations {
  const deliveries = (
    webhookId: string,
    options?: ListWebhookDeliveriesOptions,
  ): Promise<ListWebhookDeliveriesResponse> =>
    api.request('GET', `${webhookPath(webhookId)}/deliveries`, {
      query: {
        state: options?.state,
        'pagination.page_size': options?.pageSize,
        'pagination.next_page_token': options?.nextPageToken || undefined,
      },
      call: options,
    });
  return {
    // Not idempotent: a retried create would meet its own name (code 6).
    create: (body, call) => api.request('POST', WEBHOOKS_PATH, { body, call }),
    list: (call) => api.request('GET', WEBHOOKS_PATH, { call }),
    // Setting `enabled` twice leaves it as once (at most one more verification event).
    update: (webhookId, body, call) =>
      api.request('PATCH', webhookPath(webhookId), { body, call, idempotent: true }),
    delete: async (webhookId, call) => {
      await api.request('DELETE', webhookPath(webhookId), { call });
    },
    test: (webhookId, call) => api.request('POST', `${webhookPath(webhookId)}/test`, { call }),
    deliveries,
    paginateDeliveries: (webhookId, options = {}) =>
      iteratePages(
        (token) => deliveries(webhookId, { ...options, nextPageToken: token }),
        (page) => page.deliveries,
        options.nextPageToken,
      ),
  };
}
