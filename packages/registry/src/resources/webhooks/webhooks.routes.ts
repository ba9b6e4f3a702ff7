import {
  CreateWebhookBody,
  UlidSchema,
  type CreateWebhookBody as CreateWebhookInput,
} from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import type { RouteContext } from '../../http/context';
import { namedPlugin } from '../../http/plugin';
import { EMPTY_OBJECT, ref, replies } from '../../http/schemas/models.schemas';
import { NO_QUERY } from '../../http/schemas/requests.schemas';
import type { WebhookDeliverySettings } from '../../http/webhook-deliverer';
import { RegistryErrors } from '../../errors/registry-errors';
import { checkTargetUrl } from './safe-target';
import { sendWebhook, type SendResult } from './webhook-sender';
import { newWebhookSecret } from './webhook-store';

const PREFIX = '/imprint/v1/webhooks';
const ID_PARAMS = {
  type: 'object',
  properties: { webhook_id: UlidSchema },
  required: ['webhook_id'],
  additionalProperties: false,
} as const;
/** Deliveries listed per request: the newest ones. */
const DELIVERIES_SHOWN = 100;

type Options = RouteContext & { readonly webhookSettings: WebhookDeliverySettings };

/**
 * Admin API for webhooks: create (after the target accepted a signed
 * verification event; the secret is shown once), list, delete, send the
 * verification event again (`test`), and list a webhook's deliveries. Admin
 * only: target URLs and delivery errors are an operator's business.
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
        const result = await verify(url, secret, String(request.id));
        if (!result.ok) {
          throw new RegistryErrors.WebhookVerificationFailed({
            url,
            why: result.error ?? 'no answer',
          });
        }
        const webhook = await webhooks.create({ name, url, events, secret }, actorOf(request).name);
        request.log.info({ webhook: webhook.id, name }, 'created a webhook');
        return { webhook, secret };
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

    app.get<{ Params: { webhook_id: string } }>(
      `${PREFIX}/:webhook_id/deliveries`,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'ListWebhookDeliveries',
          tags: ['webhooks'],
          summary: "List a webhook's deliveries, newest first",
          description: `The newest ${DELIVERIES_SHOWN}: pending, delivered or failed, with attempts and the last error. Role: admin.`,
          params: ID_PARAMS,
          querystring: NO_QUERY,
          response: replies({
            type: 'object',
            properties: { deliveries: { type: 'array', items: ref('WebhookDelivery') } },
          }),
        },
      },
      async (request) => ({
        deliveries: await webhooks.deliveries(request.params.webhook_id, DELIVERIES_SHOWN),
      }),
    );
  },
);
