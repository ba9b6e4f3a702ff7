import { Type, type Static } from '@sinclair/typebox';
import { Model, StringEnum } from './kinds';

/*
 * The webhooks admin API (`/imprint/v1/webhooks`, docs/guides/webhooks.md):
 * subscriptions, their deliveries, and the events they filter on. The event
 * names are defined here once; the registry maps each to HCP's
 * `event_source` / `event_action`.
 */

/** Every event a subscription can filter on. */
export const WEBHOOK_EVENT_NAMES = [
  'version.complete',
  'version.revoke',
  'version.schedule-revocation',
  'version.restore',
  'version.delete',
  'channel.assign-version',
  'channel.unassign-version',
  'build.fail',
] as const;

/** The name of an event, e.g. `version.complete`. */
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

export const WebhookEventNameSchema = StringEnum(WEBHOOK_EVENT_NAMES);

/** Webhook names: like bucket names, 3-36 letters, digits or hyphens. */
export const WebhookNameSchema = Type.String({
  pattern: '^[a-zA-Z0-9-]{3,36}$',
  description: '3-36 letters, digits or hyphens',
});

/** The state of one delivery (one event for one subscription). */
export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number];

const str = Type.String;
const dateTime = () => Type.String({ format: 'date-time' });

/** A subscription as the API shows it (never its secret). */
export const Webhook = Model(
  {
    id: str({ description: 'ULID' }),
    name: str(),
    url: str(),
    events: Type.Array(WebhookEventNameSchema, { description: 'empty: every event' }),
    enabled: Type.Boolean(),
    created_at: dateTime(),
    created_by: str(),
  },
  { $id: 'Webhook', description: 'A webhook subscription.' },
);
export type Webhook = Static<typeof Webhook>;

/** One event for one subscription, and how its delivery went. */
export const WebhookDelivery = Model(
  {
    id: str({ description: 'ULID; sent as X-Imprint-Delivery' }),
    webhook_id: str(),
    event: WebhookEventNameSchema,
    event_id: str({ description: 'the envelope event_id' }),
    state: StringEnum(WEBHOOK_DELIVERY_STATES),
    attempts: Type.Integer(),
    created_at: dateTime(),
    next_attempt_at: Type.Union([dateTime(), Type.Null()]),
    delivered_at: Type.Union([dateTime(), Type.Null()]),
    failed_at: Type.Union([dateTime(), Type.Null()]),
    last_status: Type.Union([Type.Integer(), Type.Null()]),
    last_error: Type.Union([str(), Type.Null()]),
  },
  { $id: 'WebhookDelivery', description: 'A delivery of one event to one webhook.' },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;

/** Body of `POST /imprint/v1/webhooks`. */
export const CreateWebhookBody = Type.Object(
  {
    name: WebhookNameSchema,
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    events: Type.Optional(Type.Array(WebhookEventNameSchema, { maxItems: 32, uniqueItems: true })),
    secret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 256,
        description: 'signs deliveries; generated when absent',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

/** Response of `POST /imprint/v1/webhooks`: the secret is shown only here. */
export const CreateWebhookResponse = Type.Object({
  webhook: Webhook,
  secret: str(),
});
export type CreateWebhookResponse = Static<typeof CreateWebhookResponse>;

export const ListWebhooksResponse = Type.Object({ webhooks: Type.Array(Webhook) });
export type ListWebhooksResponse = Static<typeof ListWebhooksResponse>;

export const ListWebhookDeliveriesResponse = Type.Object({
  deliveries: Type.Array(WebhookDelivery),
});
export type ListWebhookDeliveriesResponse = Static<typeof ListWebhookDeliveriesResponse>;

/** Response of `POST /imprint/v1/webhooks/{id}/test`: how the verification event went. */
export const TestWebhookResponse = Type.Object({
  ok: Type.Boolean(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([str(), Type.Null()]),
});
export type TestWebhookResponse = Static<typeof TestWebhookResponse>;
