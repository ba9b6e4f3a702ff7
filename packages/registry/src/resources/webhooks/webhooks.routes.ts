import {
  CreateWebhookBody,
  ListWebhookDeliveriesResponse,
  UlidSchema,
  UpdateWebhookBody,
  WebhookDeliveriesQuerystring,
  type CreateWebhookBody as CreateWebhookInput,
  type UpdateWebhookBody as UpdateWebhookInput,
  type WebhookDeliveriesQuerystring as DeliveriesQuery,
} from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import type { RouteContext } from '../../http/context';
import { namedPlugin } from '../../http/plugin';
import { EMPTY_OBJECT, ref, replies } from '../../http/schemas/models.schemas';
import { NO_QUERY } from '../../http/schemas/requests.schemas';
import type { WebhookDeliverySettings } from '../../http/webhook-deliverer';
import { parsePageRequest } from '../../domain/pagination';
import { RegistryErrors } from '../../errors/registry-errors';
import { checkTargetUrl } from './safe-target';
import { sendWebhook, type SendResult } from './webhook-sender';
import { DELIVERIES_LIST, newWebhookSecret } from './webhook-store';

const PREFIX = '/imprint/v1/webhooks';
const ID_PARAMS = {
  type: 'object',
  properties: { webhook_id: UlidSchema },
  required: ['webhook_id'],
  additionalProperties: false,
} as const;

type Options = RouteContext & { readonly webhookSettings: WebhookDeliverySettings };

/**
 * Admin API for webhooks: create (after the target accepted a signed
 * verification event; the secret is shown once), list, enable or disable,
 * delete, send the verification event again (`test`), and page through a
 * webhook's deliveries. Admin only: target URLs and delivery errors are an
 * operator's business.
 */
export const webhookRoutes = namedPlugin<Options>(
  'imprint-webhooks',
  async (app, { storage, webhookSettings }) => {
    const { webhooks } = storage;

    const verify = (url: string, secret: string, requestId: string): Promise<SendResult> =>
      sendWebhook(
        { url, secret },
        {
          id: `verification-${requestId}`,
          body: webhooks.verificationBody(),
        },
        { policy: webhookSettings.policy, timeoutMs: webhookSettings.timeoutMs, nowMs: Date.now() },
      );
    /** Sends the verification event; refuses (code 9) unless the target answered 2xx. */
    const mustVerify = async (
      url: string,
      secret: string,
      requestId: string,
      action: 'create' | 'enable',
    ): Promise<void> => {
      const result = await verify(url, secret, requestId);
      if (!result.ok) {
        throw new RegistryErrors.WebhookVerificationFailed({
          url,
          why: result.error ?? 'no answer',
          action,
        });
      }
    };

    app.get(
      PREFIX,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'ListWebhooks',
          tags: ['webhooks'],
          summary: 'List webhooks',
          description: 'Role: admin.',
          querystring: NO_QUERY,
          response: replies({
            type: 'object',
            properties: { webhooks: { type: 'array', items: ref('Webhook') } },
          }),
        },
      },
      async () => ({ webhooks: await webhooks.list() }),
    );

    app.post<{ Body: CreateWebhookInput }>(
      PREFIX,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'CreateWebhook',
          tags: ['webhooks'],
          summary: 'Create a webhook',
          description:
            'Sends a signed verification event to the target first and creates the webhook only if it answers 2xx (else 400 / code 9). Returns the secret deliveries are signed with; it is shown only here. Role: admin.',
          querystring: NO_QUERY,
          body: CreateWebhookBody,
          response: replies({
            type: 'object',
            properties: { webhook: ref('Webhook'), secret: { type: 'string' } },
          }),
        },
      },
      async (request) => {
        const { name, url, events = [], secret = newWebhookSecret() } = request.body;
        checkTargetUrl(url, webhookSettings.policy);
        await mustVerify(url, secret, String(request.id), 'create');
        const webhook = await webhooks.create({ name, url, events, secret }, actorOf(request).name);
        request.log.info({ webhook: webhook.id, name }, 'created a webhook');
        return { webhook, secret };
      },
    );

    app.patch<{ Params: { webhook_id: string }; Body: UpdateWebhookInput }>(
      `${PREFIX}/:webhook_id`,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'UpdateWebhook',
          tags: ['webhooks'],
          summary: 'Enable or disable a webhook',
          description:
            'Disabled: no new events are recorded for it and its pending deliveries wait. Enabling sends the signed verification event first and enables only if the target answers 2xx (else 400 / code 9, and it stays disabled); the deliveries that waited are then sent. Enabling an enabled webhook (or disabling a disabled one) changes nothing. Role: admin.',
          params: ID_PARAMS,
          querystring: NO_QUERY,
          body: UpdateWebhookBody,
          response: replies({ type: 'object', properties: { webhook: ref('Webhook') } }),
        },
      },
      async (request) => {
        const id = request.params.webhook_id;
        const { enabled } = request.body;
        const { webhook, secret } = await webhooks.get(id);
        if (webhook.enabled === enabled) return { webhook };
        if (enabled) {
          // The target may have moved or changed while the webhook was off:
          // check it before releasing what waited, as create does.
          checkTargetUrl(webhook.url, webhookSettings.policy);
          await mustVerify(webhook.url, secret, String(request.id), 'enable');
        }
        const updated = await webhooks.setEnabled(id, enabled);
        request.log.info(
          { webhook: id, enabled },
          enabled ? 'enabled a webhook' : 'disabled a webhook',
        );
        return { webhook: updated };
      },
    );

    app.delete<{ Params: { webhook_id: string } }>(
      `${PREFIX}/:webhook_id`,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'DeleteWebhook',
          tags: ['webhooks'],
          summary: 'Delete a webhook and its pending deliveries',
          description: 'Role: admin.',
          params: ID_PARAMS,
          querystring: NO_QUERY,
          response: replies(EMPTY_OBJECT),
        },
      },
      async (request) => {
        await webhooks.delete(request.params.webhook_id);
        request.log.info({ webhook: request.params.webhook_id }, 'deleted a webhook');
        return {};
      },
    );

    app.post<{ Params: { webhook_id: string } }>(
      `${PREFIX}/:webhook_id/test`,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'TestWebhook',
          tags: ['webhooks'],
          summary: 'Send the verification event to a webhook now',
          description:
            'Answers how the target responded (ok, status, error); not recorded as a delivery. Role: admin.',
          params: ID_PARAMS,
          querystring: NO_QUERY,
          response: replies({
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              status: { type: ['integer', 'null'] },
              error: { type: ['string', 'null'] },
            },
          }),
        },
      },
      async (request) => {
        const { webhook, secret } = await webhooks.get(request.params.webhook_id);
        const result = await verify(webhook.url, secret, String(request.id));
        return { ok: result.ok, status: result.status ?? null, error: result.error ?? null };
      },
    );

    app.get<{ Params: { webhook_id: string }; Querystring: DeliveriesQuery }>(
      `${PREFIX}/:webhook_id/deliveries`,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'ListWebhookDeliveries',
          tags: ['webhooks'],
          summary: "List a webhook's deliveries, newest first",
          description:
            'Pending, delivered or failed, with attempts and the last error; `state` keeps one of them. Paginated (pagination.page_size, pagination.next_page_token). Role: admin.',
          params: ID_PARAMS,
          querystring: WebhookDeliveriesQuerystring,
          response: replies(ListWebhookDeliveriesResponse),
        },
      },
      async (request) => {
        const query = request.query;
        const pageSize = Number(query['pagination.page_size'] ?? 0);
        const page = parsePageRequest(
          {
            ...(pageSize > 0 ? { pageSize } : {}),
            ...(query['pagination.next_page_token']
              ? { nextPageToken: query['pagination.next_page_token'] }
              : {}),
          },
          DELIVERIES_LIST,
        );
        return webhooks.deliveries(request.params.webhook_id, page, query.state);
      },
    );
  },
);
