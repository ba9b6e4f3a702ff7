import { sql } from 'kysely';
import type { RawBuilder, SelectQueryBuilder } from 'kysely';
import type { ChannelTable, Database, Db } from '../../storage/schema';
import { inChunks } from '../../storage/sql-helpers';
import { LATEST_CHANNEL, SYSTEM_AUTHOR, versionName } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import {
  enqueueEvent,
  enqueueVersionEvents,
  versionEventPayload,
} from '../webhooks/webhook-outbox';

/** The version facts a channel assignment records. */
export interface AssignedVersion {
  readonly id: string;
  readonly fingerprint: string;
  readonly seq: number;
}

/**
 * Points a channel at a version (or at nothing) and appends the history
 * entry. For the managed `latest` channel the bucket's `platforms` follow.
 */
export async function setChannelVersion(
  ctx: ServiceContext,
  db: Db,
  channel: Pick<ChannelTable, 'id' | 'bucket_id' | 'managed'>,
  version: AssignedVersion | null,
  author: string,
  now: number,
): Promise<void> {
  const { updated_at: assignedAt } = await db
    .updateTable('channels')
    .set({
      version_id: version?.id ?? null,
      author_id: author,
      updated_at: assignmentTime(ctx.engine, now),
    })
    .where('id', '=', channel.id)
    .returning('updated_at')
    .executeTakeFirstOrThrow();
  await recordAssignment(ctx, db, channel.id, version, author, Number(assignedAt));
  if (channel.managed === 1)
    await refreshBucketPlatforms(db, channel.bucket_id, version?.id ?? null, now);
  await announceAssignment(ctx, db, { id: channel.id }, version?.id ?? null, author);
}

/**
 * Records the `version.assign` (or, for a version taken off, `version.unassign`)
 * event of a channel, named by id or by bucket and name (`latest` moved by a
 * completion): the version's fields, and `channel: {id, name, author}`.
 */
export async function announceAssignment(
  ctx: ServiceContext,
  db: Db,
  channel: { readonly id: string } | { readonly bucket_id: string; readonly name: string },
  versionId: string | null,
  author: string,
): Promise<void> {
  const event = versionId === null ? 'version.unassign' : 'version.assign';
  await enqueueEvent(ctx, db, event, async () => {
    const row = await db
      .selectFrom('channels')
      .innerJoin('buckets', 'buckets.id', 'channels.bucket_id')
      .select([
        'channels.id',
        'channels.name',
        'buckets.id as bucket_id',
        'buckets.name as bucket_name',
      ])
      .$call((q) =>
        'id' in channel
          ? q.where('channels.id', '=', channel.id)
          : q
              .where('channels.bucket_id', '=', channel.bucket_id)
              .where('channels.name', '=', channel.name),
      )
      .executeTakeFirstOrThrow();
    const assigned =
      versionId === null
        ? { bucket: { id: row.bucket_id, name: row.bucket_name } }
        : await versionEventPayload(db, versionId);
    return { ...assigned, channel: { id: row.id, name: row.name, author } };
  });
}

/**
 * The time a channel assignment writes to the channel's `updated_at` and to
 * its history entry's `assigned_at`: `now`, or 1 ms after the channel last
 * changed when that is later. The database evaluates it against the locked,
 * newest row, so assignments made through registry instances whose `now` was
 * read before they waited on that lock still get increasing times, and the
 * history's "newest first" is the order the assignments were made in.
 */
export function assignmentTime(engine: ServiceContext['engine'], now: number): RawBuilder<number> {
  return engine === 'postgres'
    ? sql<number>`greatest(${now}::bigint, updated_at + 1)`
    : sql<number>`max(${now}, updated_at + 1)`;
}

/** Appends a channel's history entry. */
export async function recordAssignment(
  ctx: ServiceContext,
  db: Db,
  channelId: string,
  version: AssignedVersion | null,
  author: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('channel_history')
    .values({
      id: ctx.newId(),
      channel_id: channelId,
      assigned_at: now,
      author_id: author,
      version_id: version?.id ?? null,
      version_fingerprint: version?.fingerprint ?? null,
      version_name: version === null ? null : versionName(version.seq),
    })
    .execute();
}

/** Sets the bucket's `platforms` to those of the builds of `versionId` (the one on `latest`). */
export async function refreshBucketPlatforms(
  db: Db,
  bucketId: string,
  versionId: string | null,
  now: number,
): Promise<void> {
  const rows =
    versionId === null
      ? []
      : await db
          .selectFrom('builds')
          .select('platform')
          .distinct()
          .where('version_id', '=', versionId)
          .where('platform', '<>', '')
          .orderBy('platform')
          .execute();
  await db
    .updateTable('buckets')
    .set({ platforms: JSON.stringify(rows.map((r) => r.platform)), updated_at: now })
    .where('id', '=', bucketId)
    .execute();
}

/**
 * The newest version in a channel's history that is still valid at `now`
 * (exists, complete, not revoked), other than those in `exclude`.
 */
export async function lastValidFromHistory(
  db: Db,
  channel: Pick<ChannelTable, 'id' | 'bucket_id'>,
  exclude: readonly string[],
  now: number,
): Promise<AssignedVersion | undefined> {
  let query = db
    .selectFrom('channel_history as h')
    .innerJoin('versions as v', 'v.id', 'h.version_id')
    .select(['v.id', 'v.fingerprint', 'v.seq'])
    .where('h.channel_id', '=', channel.id)
    .where('v.bucket_id', '=', channel.bucket_id)
    .where('v.seq', '>', 0)
    .where((eb) => eb.or([eb('v.revoke_at', 'is', null), eb('v.revoke_at', '>', now)]));
  if (exclude.length > 0) query = query.where('v.id', 'not in', [...exclude]);
  return query.orderBy('h.assigned_at', 'desc').orderBy('h.id', 'desc').limit(1).executeTakeFirst();
}

/**
 * The bucket's newest complete version (highest `vN`) that is valid at
 * `now`, other than those in `exclude`: where the managed `latest` belongs.
 */
export async function newestValidVersion(
  db: Db,
  bucketId: string,
  exclude: readonly string[],
  now: number,
): Promise<AssignedVersion | undefined> {
  let query = db
    .selectFrom('versions as v')
    .select(['v.id', 'v.fingerprint', 'v.seq'])
    .where('v.bucket_id', '=', bucketId)
    .where('v.seq', '>', 0)
    .where((eb) => eb.or([eb('v.revoke_at', 'is', null), eb('v.revoke_at', '>', now)]));
  if (exclude.length > 0) query = query.where('v.id', 'not in', [...exclude]);
  return query.orderBy('v.seq', 'desc').limit(1).executeTakeFirst();
}

/**
 * Rolls a channel back from its current version: the managed `latest` to
 * the bucket's newest valid version, any other channel to the last valid
 * version of its history. When there is none, the channel is left as it is
 * unless `unassignIfNone` (used when the current version is being deleted).
 * `channel` must be the row as locked by this transaction. Returns whether
 * it changed.
 */
export async function rollBackChannel(
  ctx: ServiceContext,
  db: Db,
  channel: Pick<ChannelTable, 'id' | 'bucket_id' | 'managed' | 'version_id'>,
  author: string,
  now: number,
  unassignIfNone = false,
): Promise<boolean> {
  const exclude = channel.version_id === null ? [] : [channel.version_id];
  const target =
    channel.managed === 1
      ? await newestValidVersion(db, channel.bucket_id, exclude, now)
      : await lastValidFromHistory(db, channel, exclude, now);
  if (target) {
    await setChannelVersion(ctx, db, channel, target, author, now);
    return true;
  }
  if (unassignIfNone && channel.version_id !== null) {
    await setChannelVersion(ctx, db, channel, null, author, now);
    return true;
  }
  return false;
}

/**
 * Points each bucket's managed `latest` at its newest valid version when it
 * is not there already (after a restore, a version can be newer than the
 * one `latest` rolled back to). A bucket with no valid version keeps
 * `latest` as it is.
 */
export async function refreshLatest(
  ctx: ServiceContext,
  db: Db,
  bucketIds: readonly string[],
  now: number,
): Promise<void> {
  for (const bucketId of [...new Set(bucketIds)].sort()) {
    const [latest] = await lockedChannels(
      ctx,
      db
        .selectFrom('channels')
        .select(['id', 'bucket_id', 'managed', 'version_id'])
        .where('bucket_id', '=', bucketId)
        .where('managed', '=', 1)
        .where('name', '=', LATEST_CHANNEL),
    );
    if (!latest) continue;
    const target = await newestValidVersion(db, bucketId, [], now);
    if (target && target.id !== latest.version_id) {
      await setChannelVersion(ctx, db, latest, target, SYSTEM_AUTHOR, now);
    }
  }
}

type ChannelLockQuery = SelectQueryBuilder<
  Database,
  'channels',
  Pick<ChannelTable, 'id' | 'bucket_id' | 'managed' | 'version_id'>
>;

/**
 * Runs a channel query under row locks (PostgreSQL `FOR NO KEY UPDATE`, in id
 * order). After waiting for a lock PostgreSQL evaluates the conditions
 * again on the newest row, so a channel moved meanwhile by another
 * transaction drops out instead of being acted on from a stale copy.
 * SQLite serialises write transactions, so the plain query is enough.
 */
export function lockedChannels(
  ctx: ServiceContext,
  query: ChannelLockQuery,
): Promise<Pick<ChannelTable, 'id' | 'bucket_id' | 'managed' | 'version_id'>[]> {
  const ordered = query.orderBy('id');
  return (ctx.engine === 'postgres' ? ordered.forNoKeyUpdate() : ordered).execute();
}

/** Which due revocations {@link applyDueRevocations} may apply. */
export type DueScope =
  /** Every due revocation (the periodic sweep, credited to the registry). */
  | { readonly kind: 'all' }
  /** Only `root` and the versions inheriting from it (an immediate revocation, credited to its author). */
  | { readonly kind: 'root'; readonly rootId: string };

/**
 * Applies revocations that are due at `now` and not yet applied: each is
 * announced (`version.revoke`: an immediate one, one inherited by a
 * descendant, a schedule coming due) and, unless the revocation disabled
 * rollback, channels (any bucket) pointing at the version roll back.
 *
 * Exactly once, however many sweepers and revocations run at the same
 * moment: the due versions are first claimed — `revocation_applied` flips
 * to 1 in one UPDATE of this transaction; on PostgreSQL rows another
 * transaction is already claiming are skipped (`FOR UPDATE SKIP LOCKED`), on
 * SQLite write transactions are serialised — and only the claimed ones are
 * acted on. Their channels are then read under row locks, so a channel
 * someone assigned meanwhile is left alone. Set-based, so an immediate
 * revocation cascading to thousands of descendants stays a few statements
 * plus one lookup per affected channel. Returns how many versions it applied.
 */
export async function applyDueRevocations(
  ctx: ServiceContext,
  db: Db,
  author: string,
  now: number,
  scope: DueScope,
): Promise<number> {
  const claimed = await claimDueRevocations(ctx, db, now, scope);
  if (claimed.length === 0) return 0;
  ctx.record(db, { kind: 'revocation-applied', count: claimed.length });
  await enqueueVersionEvents(
    ctx,
    db,
    'version.revoke',
    claimed.map((c) => c.id),
  );
  const rollingBack = claimed.filter((c) => c.revocation_rollback === 1).map((c) => c.id);
  const channels = await inChunks(rollingBack, (chunk) =>
    lockedChannels(
      ctx,
      db
        .selectFrom('channels')
        .select(['id', 'bucket_id', 'managed', 'version_id'])
        .where('version_id', 'in', chunk),
    ),
  );
  for (const channel of channels) await rollBackChannel(ctx, db, channel, author, now);
  return claimed.length;
}

async function claimDueRevocations(
  ctx: ServiceContext,
  db: Db,
  now: number,
  scope: DueScope,
): Promise<{ id: string; revocation_rollback: number }[]> {
  const due = db
    .selectFrom('versions')
    .select('id')
    .where('revoke_at', '<=', now)
    .where('revocation_applied', '=', 0)
    .$if(scope.kind === 'root', (q) =>
      q.where((eb) =>
        eb.or([
          eb('id', '=', (scope as { rootId: string }).rootId),
          eb('inherited_from_version_id', '=', (scope as { rootId: string }).rootId),
        ]),
      ),
    );
  const claim = db.updateTable('versions').set({ revocation_applied: 1 });
  const rows =
    ctx.engine === 'postgres'
      ? await claim
          .where('id', 'in', due.orderBy('id').forNoKeyUpdate().skipLocked())
          .returning(['id', 'revocation_rollback'])
          .execute()
      : await claim.where('id', 'in', due).returning(['id', 'revocation_rollback']).execute();
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
