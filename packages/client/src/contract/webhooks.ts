import { Type, type Static } from '@sinclair/typebox';
import { Model, StringEnum } from './kinds';
import type { Pagination } from './models';
import { Closed, LIST_QUERY_FIELDS } from './requests';

/*
 * The webhooks admin API (`/imprint/v1/webhooks`, docs/guides/webhooks.md):
 * subscriptions, their deliveries, and the events they filter on. The event
 * names are defined here once; the registry maps each to HCP's
 * `event_source` / `event_action`.
 */

/**
 * Every event a subscription can filter on: HCP Packer's version events
 * (`version.<event_action>`), then Imprint's own (`version.unassign`,
 * `build.fail`), which HCP does not send.
 */
export const WEBHOOK_EVENT_NAMES = [
  'version.create',
  'version.complete',
  'version.revoke',
  'version.restore',
  'version.delete',
  'version.schedule-revocation',
  'version.cancel-revocation',
  'version.assign',
  'version.unassign',
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

const UPDATE_WEBHOOK_FIELDS = {
  enabled: Type.Boolean({
    description:
      'false: no new events are recorded for it and its pending deliveries wait; true: sends the verification event first, then delivers what waited',
  }),
};

/**
 * Body of `PATCH /imprint/v1/webhooks/{id}` (UpdateWebhook). `propertyNames`
 * refuses unknown fields: the registry's validator drops fields
 * `additionalProperties: false` does not allow, and a misspelt field here
 * would otherwise read as "nothing to change".
 */
export const UpdateWebhookBody = Type.Object(UPDATE_WEBHOOK_FIELDS, {
  additionalProperties: false,
  propertyNames: { enum: Object.keys(UPDATE_WEBHOOK_FIELDS) },
});
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>;

/** Response of `PATCH /imprint/v1/webhooks/{id}`: the webhook as it is now. */
export const UpdateWebhookResponse = Type.Object({ webhook: Webhook });
export type UpdateWebhookResponse = Static<typeof UpdateWebhookResponse>;

/** Query of ListWebhookDeliveries: a state filter and the usual page parameters. */
export const WebhookDeliveriesQuerystring = Closed({
  state: Type.Optional(StringEnum(WEBHOOK_DELIVERY_STATES)),
  'pagination.page_size': LIST_QUERY_FIELDS['pagination.page_size'],
  'pagination.next_page_token': LIST_QUERY_FIELDS['pagination.next_page_token'],
});
export type WebhookDeliveriesQuerystring = Static<typeof WebhookDeliveriesQuerystring>;

/**
 * Response of ListWebhookDeliveries: a page of deliveries, newest first.
 * Spelled out rather than `ListOf(...)`: models.ts imports this file, so
 * the shared Pagination model is referred to by its `$id` here.
 */
export const ListWebhookDeliveriesResponse = Type.Object({
  deliveries: Type.Array(WebhookDelivery),
  pagination: Type.Unsafe<Pagination>(Type.Ref('Pagination')),
});
export type ListWebhookDeliveriesResponse = Static<typeof ListWebhookDeliveriesResponse>;

/** Response of `POST /imprint/v1/webhooks/{id}/test`: how the verification event went. */
export const TestWebhookResponse = Type.Object({
  ok: Type.Boolean(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([str(), Type.Null()]),
});
export type TestWebhookResponse = Static<typeof TestWebhookResponse>;
