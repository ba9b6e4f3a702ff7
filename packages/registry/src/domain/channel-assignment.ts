import type { ChannelTable, Db } from '../storage/schema';
import { versionName } from './context';
import type { ServiceContext } from './context';

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
  await db
    .updateTable('channels')
    .set({ version_id: version?.id ?? null, author_id: author, updated_at: now })
    .where('id', '=', channel.id)
    .execute();
  await db
    .insertInto('channel_history')
    .values({
      id: ctx.newId(),
      channel_id: channel.id,
      assigned_at: now,
      author_id: author,
      version_id: version?.id ?? null,
      version_fingerprint: version?.fingerprint ?? null,
      version_name: version === null ? null : versionName(version.seq),
    })
    .execute();
  if (channel.managed === 1)
    await refreshBucketPlatforms(db, channel.bucket_id, version?.id ?? null, now);
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
  return query.orderBy('h.id', 'desc').limit(1).executeTakeFirst();
}

/**
 * Rolls a channel back to the last valid version of its history. When there
 * is none, the channel is left as it is unless `unassignIfNone` (used when
 * the current version is being deleted). Returns whether it changed.
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
  const target = await lastValidFromHistory(db, channel, exclude, now);
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
 * Applies the channel side of every revocation that is due at `now` and not
 * yet applied: channels (any bucket) pointing at such a version roll back,
 * unless the revocation disabled rollback. Set-based, so an immediate
 * revocation cascading to thousands of descendants stays a few statements
 * plus one history lookup per affected channel.
 */
export async function applyDueRevocations(
  ctx: ServiceContext,
  db: Db,
  author: string,
  now: number,
): Promise<number> {
  const channels = await db
    .selectFrom('channels as c')
    .innerJoin('versions as v', 'v.id', 'c.version_id')
    .select(['c.id', 'c.bucket_id', 'c.managed', 'c.version_id'])
    .where('v.revoke_at', '<=', now)
    .where('v.revocation_rollback', '=', 1)
    .where('v.revocation_applied', '=', 0)
    .orderBy('c.id')
    .execute();
  for (const channel of channels) await rollBackChannel(ctx, db, channel, author, now);
  const result = await db
    .updateTable('versions')
    .set({ revocation_applied: 1 })
    .where('revoke_at', '<=', now)
    .where('revocation_rollback', '=', 1)
    .where('revocation_applied', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
