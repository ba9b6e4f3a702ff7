import { versionName } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import { toIso } from '../../domain/time';
import type { Db } from '../../storage/schema';
import { WEBHOOK_EVENTS, webhookBody, type WebhookEvent } from './webhook-events';

/** The fields of an event's payload; computed only when a subscription wants the event. */
export type EventPayload = () => Promise<Record<string, unknown>> | Record<string, unknown>;

/**
 * Records `event` for every enabled subscription that wants it, in `db` —
 * the transaction of the change it reports, so the change and its events
 * commit (or vanish) together. Without subscriptions it costs one indexed
 * read and the payload is never built.
 */
export async function enqueueEvent(
  ctx: ServiceContext,
  db: Db,
  event: WebhookEvent,
  payload: EventPayload,
): Promise<void> {
  const hooks = await db
    .selectFrom('webhooks')
    .select(['id', 'events'])
    .where('enabled', '=', 1)
    .execute();
  const wanted = hooks.filter((h) => {
    const events = JSON.parse(h.events) as string[];
    return events.length === 0 || events.includes(event);
  });
  if (wanted.length === 0) return;
  const body = webhookBody(ctx, WEBHOOK_EVENTS[event], await payload());
  const now = ctx.nowMs();
  await db
    .insertInto('webhook_outbox')
    .values(
      wanted.map((h) => ({
        id: ctx.newId(),
        webhook_id: h.id,
        event,
        payload: body,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        locked_until: null,
        locked_by: null,
        delivered_at: null,
        failed_at: null,
        last_error: null,
        last_status: null,
      })),
    )
    .execute();
}

/** What version events carry: the version as the API names it, with its bucket and revocation. */
export async function versionEventPayload(
  db: Db,
  versionId: string,
): Promise<Record<string, unknown>> {
  const v = await db
    .selectFrom('versions')
    .innerJoin('buckets', 'buckets.id', 'versions.bucket_id')
    .select([
      'versions.id',
      'versions.fingerprint',
      'versions.seq',
      'versions.revoke_at',
      'versions.revocation_message',
      'versions.revocation_author',
      'buckets.name as bucket_name',
    ])
    .where('versions.id', '=', versionId)
    .executeTakeFirstOrThrow();
  return {
    bucket_name: v.bucket_name,
    version: {
      id: v.id,
      fingerprint: v.fingerprint,
      name: versionName(v.seq),
      revoke_at: v.revoke_at === null ? null : toIso(Number(v.revoke_at)),
      revocation_message: v.revocation_message,
      revocation_author: v.revocation_author,
    },
  };
}
