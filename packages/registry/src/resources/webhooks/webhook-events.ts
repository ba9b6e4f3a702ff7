import type { WebhookEventName } from '@imprint/client';
import type { ServiceContext } from '../../domain/context';

/**
 * The events a subscription can ask for, with the envelope fields HCP Packer
 * gives them (https://developer.hashicorp.com/hcp/docs/packer/webhooks):
 * `event_source` names the resource kind, `event_action` what happened.
 * HCP's version events are all `hashicorp.packer.version`, the channel one
 * included ("Assigned version to channel"); `unassign` and `build.fail` are
 * Imprint's, named the same way.
 */
interface EventKind {
  readonly source: string;
  readonly action: string;
  readonly description: string;
}

const VERSION_SOURCE = 'hashicorp.packer.version';

export const WEBHOOK_EVENTS = {
  'version.create': { source: VERSION_SOURCE, action: 'create', description: 'Created version' },
  'version.complete': {
    source: VERSION_SOURCE,
    action: 'complete',
    description: 'Completed version',
  },
  'version.revoke': { source: VERSION_SOURCE, action: 'revoke', description: 'Revoked version' },
  'version.restore': {
    source: VERSION_SOURCE,
    action: 'restore',
    description: 'Restored version',
  },
  'version.delete': { source: VERSION_SOURCE, action: 'delete', description: 'Deleted version' },
  'version.schedule-revocation': {
    source: VERSION_SOURCE,
    action: 'schedule-revocation',
    description: 'Scheduled version revocation',
  },
  'version.cancel-revocation': {
    source: VERSION_SOURCE,
    action: 'cancel-revocation',
    description: 'Cancelled version revocation',
  },
  'version.assign': {
    source: VERSION_SOURCE,
    action: 'assign',
    description: 'Assigned version to channel',
  },
  'version.unassign': {
    source: VERSION_SOURCE,
    action: 'unassign',
    description: 'Unassigned version from channel',
  },
  'build.fail': { source: 'hashicorp.packer.build', action: 'fail', description: 'Build failed' },
} as const satisfies Record<WebhookEventName, EventKind>;

/** The name of an event a subscription filters on, e.g. `version.complete` (the contract's list). */
export type WebhookEvent = WebhookEventName;

/** Sent once when a subscription is created (and by the `test` route): not stored in the outbox. */
export const VERIFICATION_EVENT = {
  source: 'hashicorp.webhook.verification',
  action: 'test',
  description: 'Webhook verification',
} as const;

/** HCP's event envelope: the same fields for every event, the specifics under `event_payload`. */
export interface WebhookEnvelope {
  readonly resource_id: string;
  readonly resource_name: string;
  readonly event_id: string;
  readonly event_action: string;
  readonly event_description: string;
  readonly event_source: string;
  readonly event_version: '1';
  readonly event_payload: Record<string, unknown>;
}

/** The envelope of one event, as the JSON body every subscription receives. */
export function webhookBody(
  ctx: ServiceContext,
  kind: EventKind,
  payload: Record<string, unknown>,
): string {
  const envelope: WebhookEnvelope = {
    resource_id: ctx.registryId,
    resource_name: `packer/project/${ctx.location.project_id}`,
    event_id: `packer.event:${ctx.newId()}`,
    event_action: kind.action,
    event_description: kind.description,
    event_source: kind.source,
    event_version: '1',
    event_payload: {
      organization_id: ctx.location.organization_id,
      project_id: ctx.location.project_id,
      registry: { id: ctx.registryId },
      timestamp: new Date(ctx.nowMs()).toISOString(),
      ...payload,
    },
  };
  return JSON.stringify(envelope);
}
