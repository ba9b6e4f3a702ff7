import { versionName } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import { toIso } from '../../domain/time';
import type { Db } from '../../storage/schema';
import { inChunks } from '../../storage/sql-helpers';
import { WEBHOOK_EVENTS, webhookBody, type WebhookEvent } from './webhook-events';

/** The fields of an event's payload; computed only when a subscription wants the event. */
export type EventPayload = () => Promise<Record<string, unknown>> | Record<string, unknown>;

/** The enabled subscriptions that want `event` (an empty filter wants every event). */
async function subscribersOf(db: Db, event: WebhookEvent): Promise<string[]> {
  const hooks = await db
    .selectFrom('webhooks')
    .select(['id', 'events'])
    .where('enabled', '=', 1)
    .execute();
  return hooks
    .filter((h) => {
      const events = JSON.parse(h.events) as string[];
      return events.length === 0 || events.includes(event);
    })
    .map((h) => h.id);
}

/** Whether an enabled subscription wants `event` (to skip work that only an event needs). */
export async function isWanted(db: Db, event: WebhookEvent): Promise<boolean> {
  return (await subscribersOf(db, event)).length > 0;
}

/** One outbox row per (body, subscriber), due now. */
async function insertDeliveries(
  ctx: ServiceContext,
  db: Db,
  event: WebhookEvent,
  hookIds: readonly string[],
  bodies: readonly string[],
): Promise<void> {
  const now = ctx.nowMs();
  const rows = bodies.flatMap((body) =>
    hookIds.map((webhookId) => ({
      id: ctx.newId(),
      webhook_id: webhookId,
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
  );
  // 13 values a row: chunks keep each INSERT far below both engines' parameter limits.
  for (let start = 0; start < rows.length; start += OUTBOX_INSERT_CHUNK) {
    await db
      .insertInto('webhook_outbox')
      .values(rows.slice(start, start + OUTBOX_INSERT_CHUNK))
      .execute();
  }
}

const OUTBOX_INSERT_CHUNK = 500;

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
  const hookIds = await subscribersOf(db, event);
  if (hookIds.length === 0) return;
  await insertDeliveries(ctx, db, event, hookIds, [
    webhookBody(ctx, WEBHOOK_EVENTS[event], await payload()),
  ]);
}

/**
 * Records `event` once for each of `versionIds` (a revocation cascading to
 * thousands of descendants, a sweep applying many schedules): one read of
 * the subscriptions and, when any want it, one payload query per chunk.
 */
export async function enqueueVersionEvents(
  ctx: ServiceContext,
  db: Db,
  event: WebhookEvent,
  versionIds: readonly string[],
): Promise<void> {
  if (versionIds.length === 0) return;
  const hookIds = await subscribersOf(db, event);
  if (hookIds.length === 0) return;
  const payloads = await versionEventPayloads(db, [...new Set(versionIds)]);
  const kind = WEBHOOK_EVENTS[event];
  await insertDeliveries(
    ctx,
    db,
    event,
    hookIds,
    payloads.map((payload) => webhookBody(ctx, kind, payload)),
  );
}

/** The builds of `versionIds` with their artifacts, by version id, as version events carry them. */
async function buildsOf(
  db: Db,
  versionIds: readonly string[],
): Promise<Map<string, Record<string, unknown>[]>> {
  const builds = await inChunks(versionIds, (chunk) =>
    db
      .selectFrom('builds')
      .select(['id', 'version_id', 'component_type', 'platform', 'status', 'labels'])
      .where('version_id', 'in', chunk)
      .orderBy('id')
      .execute(),
  );
  const artifacts = await inChunks(
    builds.map((b) => b.id),
    (chunk) =>
      db
        .selectFrom('artifacts')
        .select(['build_id', 'external_identifier', 'region'])
        .where('build_id', 'in', chunk)
        .orderBy('id')
        .execute(),
  );
  const artifactsByBuild = new Map<string, { external_identifier: string; region: string }[]>();
  for (const { build_id: buildId, ...artifact } of artifacts) {
    const list = artifactsByBuild.get(buildId) ?? [];
    list.push(artifact);
    artifactsByBuild.set(buildId, list);
  }
  const byVersion = new Map<string, Record<string, unknown>[]>();
  for (const b of builds) {
    const list = byVersion.get(b.version_id) ?? [];
    list.push({
      id: b.id,
      component_type: b.component_type,
      platform: b.platform,
      status: b.status,
      labels: JSON.parse(b.labels) as unknown,
      artifacts: artifactsByBuild.get(b.id) ?? [],
    });
    byVersion.set(b.version_id, list);
  }
  return byVersion;
}

/**
 * What version events carry (HCP's common version fields): the bucket, the
 * version as the API names it with its revocation, and its builds with their
 * artifacts (what a receiver acts on: the images to tag, deprecate or delete).
 */
export async function versionEventPayloads(
  db: Db,
  versionIds: readonly string[],
): Promise<Record<string, unknown>[]> {
  const builds = await buildsOf(db, versionIds);
  const rows = await inChunks(versionIds, (chunk) =>
    db
      .selectFrom('versions')
      .innerJoin('buckets', 'buckets.id', 'versions.bucket_id')
      .select([
        'versions.id',
        'versions.fingerprint',
        'versions.seq',
        'versions.revoke_at',
        'versions.revocation_type',
        'versions.revocation_message',
        'versions.revocation_author',
        'versions.revocation_inherited_from',
        'buckets.id as bucket_id',
        'buckets.name as bucket_name',
      ])
      .where('versions.id', 'in', chunk)
      .orderBy('versions.id')
      .execute(),
  );
  return rows.map((v) => ({
    bucket: { id: v.bucket_id, name: v.bucket_name },
    version: {
      id: v.id,
      fingerprint: v.fingerprint,
      name: versionName(v.seq),
      revoke_at: v.revoke_at === null ? null : toIso(Number(v.revoke_at)),
      revocation_type: v.revocation_type,
      revocation_message: v.revocation_message,
      revocation_author: v.revocation_author,
      revocation_inherited_from:
        v.revocation_inherited_from === null
          ? null
          : (JSON.parse(v.revocation_inherited_from) as unknown),
    },
    builds: builds.get(v.id) ?? [],
  }));
}

/** {@link versionEventPayloads} of one version. */
export async function versionEventPayload(
  db: Db,
  versionId: string,
): Promise<Record<string, unknown>> {
  const [payload] = await versionEventPayloads(db, [versionId]);
  if (!payload) throw new Error(`version ${versionId} is not in the database`);
  return payload;
}
