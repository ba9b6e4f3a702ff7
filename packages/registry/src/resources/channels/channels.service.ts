import type {
  Channel,
  ChannelAssignment,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  ListOptions,
} from '@imprint/client';
import type { BucketTable, Db } from '../../storage/schema';
import { fetchPage } from '../../storage/keyset';
import { lockRows, uniqueAs } from '../../storage/sql-helpers';
import type { ServiceContext } from '../../domain/context';
import { isRevoked } from '../../domain/lifecycle';
import { parsePageRequest, tableListSpec } from '../../domain/pagination';
import { expiring } from '../../domain/read-cache';
import type { ReadCache } from '../../domain/read-cache';
import type { Actor } from '../../domain/registry-contract';
import { RegistryErrors } from '../../errors/registry-errors';
import { toIso } from '../../domain/time';
import {
  checkActor,
  checkBody,
  checkChannelName,
  optionalBoolean,
  optionalString,
  requiredString,
} from '../../domain/validation';
import { channelsToWire, selectChannels } from '../../domain/wire';
import type { ChannelRow } from '../../domain/wire';
import { requireBucket } from '../buckets/buckets.service';
import { requireVersion } from '../versions/versions.service';
import { requireNamed } from '../lookup';
import { announceAssignment, recordAssignment, setChannelVersion } from './channel-assignment';
import type { AssignedVersion } from './channel-assignment';

const CHANNEL_LIST = tableListSpec('channels', ['name', 'created_at', 'updated_at'], 'name asc');

const HISTORY_LIST = tableListSpec('channel_history', ['assigned_at'], 'assigned_at desc');

/**
 * Restricted channels are for principals who may write (HCP: "only users with
 * write permission"). An allow-list: an actor whose role is anything else sees
 * what a viewer sees.
 */
export function canSeeRestricted(actor: Actor): boolean {
  return actor.role === 'contributor' || actor.role === 'admin';
}

/** Throws code 7 when `actor` may not read a channel that is `restricted`. */
function checkCanRead(
  actor: Actor | undefined,
  channel: { bucket_name: string; name: string; restricted: boolean | number },
): void {
  if (channel.restricted && actor && !canSeeRestricted(actor)) {
    throw new RegistryErrors.ChannelRestricted({
      bucket_name: channel.bucket_name,
      channel_name: channel.name,
      principal: actor.name,
    });
  }
}

function requireChannel(
  db: Db,
  bucket: BucketTable,
  name: unknown,
  field = 'channel_name',
): Promise<ChannelRow> {
  return requireNamed(
    name,
    field,
    (key) =>
      selectChannels(db)
        .where('channels.bucket_id', '=', bucket.id)
        .where('channels.name', '=', key)
        .executeTakeFirst(),
    (shown) =>
      new RegistryErrors.ChannelNotFound({ bucket_name: bucket.name, channel_name: shown }),
  );
}

/** The channel, locked for the transaction and read again (a writer may have moved it meanwhile). */
async function lockedChannel(
  ctx: ServiceContext,
  trx: Db,
  bucket: BucketTable,
  name: unknown,
  field?: string,
): Promise<ChannelRow> {
  const found = await requireChannel(trx, bucket, name, field);
  await lockRows(trx, ctx.engine, 'channels', [found.id]);
  return requireChannel(trx, bucket, name, field);
}

async function channelWire(ctx: ServiceContext, db: Db, id: string): Promise<Channel> {
  const row = await selectChannels(db).where('channels.id', '=', id).executeTakeFirstOrThrow();
  return (await channelsToWire(ctx, db, [row]))[0];
}

export async function listChannels(
  ctx: ServiceContext,
  bucket: string,
  options?: ListOptions,
  actor?: Actor,
): Promise<ListChannelsResponse> {
  const page = parsePageRequest(options, CHANNEL_LIST);
  const row = await requireBucket(ctx.db, bucket);
  let query = selectChannels(ctx.db).where('channels.bucket_id', '=', row.id);
  if (actor && !canSeeRestricted(actor)) query = query.where('channels.restricted', '=', 0);
  const result = await fetchPage(query, page);
  return {
    channels: await channelsToWire(ctx, ctx.db, result.rows),
    pagination: result.pagination,
  };
}

/** The version a channel may be given: complete and not revoked (a scheduled revocation is still valid). */
async function assignableVersion(
  ctx: ServiceContext,
  db: Db,
  bucket: BucketTable,
  fingerprint: string,
): Promise<AssignedVersion> {
  const version = await requireVersion(db, bucket, fingerprint);
  const ref = { fingerprint: version.fingerprint, bucket: bucket.name };
  if (version.seq === 0) throw new RegistryErrors.VersionIncompleteToAssign(ref);
  if (version.revoke_at !== null && isRevoked(Number(version.revoke_at), ctx.nowMs())) {
    throw new RegistryErrors.VersionRevokedToAssign(ref);
  }
  return version;
}

export async function createChannel(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  body: unknown,
): Promise<Channel> {
  checkActor(actor);
  const input = checkBody(body, 'CreateChannel body');
  const name = checkChannelName(input['name']);
  const restricted = optionalBoolean(input, 'restricted') ?? false;
  const fingerprint = optionalString(input, 'version_fingerprint', 64) ?? '';
  const exists = () =>
    new RegistryErrors.ChannelExists({ bucket_name: bucket, channel_name: name });
  return uniqueAs(exists, () =>
    ctx.transaction(async (trx) => {
      const bucketRow = await requireBucket(trx, bucket);
      const existing = await trx
        .selectFrom('channels')
        .select('id')
        .where('bucket_id', '=', bucketRow.id)
        .where('name', '=', name)
        .executeTakeFirst();
      if (existing) throw exists();
      const version =
        fingerprint === '' ? null : await assignableVersion(ctx, trx, bucketRow, fingerprint);
      const now = ctx.nowMs();
      const channel = {
        id: ctx.newId(),
        bucket_id: bucketRow.id,
        name,
        managed: 0,
        restricted: restricted ? 1 : 0,
        version_id: version?.id ?? null,
        author_id: actor.name,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('channels').values(channel).execute();
      // A new channel has no history yet, so its first entry is simply `now`.
      if (version) {
        await recordAssignment(ctx, trx, channel.id, version, actor.name, now);
        await announceAssignment(ctx, trx, channel, version.id, actor.name);
      }
      return channelWire(ctx, trx, channel.id);
    }),
  );
}

export async function getChannel(
  ctx: ServiceContext,
  reads: ReadCache,
  bucket: string,
  name: string,
  actor?: Actor,
): Promise<Channel> {
  const channel = await reads.get(`channel\n${bucket}\n${name}`, async () => {
    const bucketRow = await requireBucket(ctx.db, bucket);
    const row = await requireChannel(ctx.db, bucketRow, name);
    return expiring((await channelsToWire(ctx, ctx.db, [row]))[0], ctx.nowMs());
  });
  checkCanRead(actor, channel);
  return channel;
}

/**
 * `update_mask` (required) lists the fields to change: `versionFingerprint`
 * and/or `restricted` (comma-separated; `version_fingerprint` is accepted
 * too). Masked fields take the body's value, proto3-style: an empty or
 * absent `version_fingerprint` unassigns, an absent `restricted` is false.
 * Re-assigning the current version records nothing. Every assignment
 * change appends a history entry and makes the actor the channel's
 * `author_id` (who last moved it). On the managed `latest` channel only
 * `restricted` may be masked.
 */
export async function updateChannel(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  name: string,
  body: unknown,
): Promise<Channel> {
  checkActor(actor);
  const input = checkBody(body, 'UpdateChannel body');
  const mask = parseUpdateMask(input['update_mask']);
  const fingerprint = optionalString(input, 'version_fingerprint', 64) ?? '';
  const restricted = optionalBoolean(input, 'restricted') ?? false;
  return ctx.transaction(async (trx) => {
    const bucketRow = await requireBucket(trx, bucket);
    const channel = await lockedChannel(ctx, trx, bucketRow, name);
    // The managed `latest` follows the newest complete version, so its version is the registry's
    // to set; whether it is restricted is the owner's choice, as on HCP (terraform-provider-hcp
    // adopts `latest` and PATCHes update_mask=restricted on it).
    if (channel.managed === 1 && mask.version) {
      throw new RegistryErrors.ChannelManagedUpdate({
        bucket_name: bucketRow.name,
        channel_name: channel.name,
      });
    }
    const now = ctx.nowMs();
    if (mask.restricted) {
      await trx
        .updateTable('channels')
        .set({ restricted: restricted ? 1 : 0, updated_at: now })
        .where('id', '=', channel.id)
        .execute();
    }
    if (mask.version) {
      const version =
        fingerprint === '' ? null : await assignableVersion(ctx, trx, bucketRow, fingerprint);
      if ((version?.id ?? null) !== channel.version_id) {
        await setChannelVersion(ctx, trx, channel, version, actor.name, now);
      }
    }
    return channelWire(ctx, trx, channel.id);
  });
}

export async function deleteChannel(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  name: string,
): Promise<void> {
  checkActor(actor);
  await ctx.transaction(async (trx) => {
    const bucketRow = await requireBucket(trx, bucket);
    const channel = await requireChannel(trx, bucketRow, name);
    if (channel.managed === 1) {
      throw new RegistryErrors.ChannelManagedDelete({
        bucket_name: bucketRow.name,
        channel_name: channel.name,
      });
    }
    await trx.deleteFrom('channels').where('id', '=', channel.id).execute();
  });
}

export async function assignChannel(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  body: unknown,
): Promise<Channel> {
  checkActor(actor);
  const input = checkBody(body, 'AssignChannelVersion body');
  const sourceName = requiredString(input, 'source_channel', 64);
  const targetName = requiredString(input, 'target_channel', 64);
  if (sourceName === targetName) {
    throw new RegistryErrors.SameSourceAndTarget({ channel: sourceName });
  }
  return ctx.transaction(async (trx) => {
    const bucketRow = await requireBucket(trx, bucket);
    const source = await requireChannel(trx, bucketRow, sourceName, 'source_channel');
    const target = await lockedChannel(ctx, trx, bucketRow, targetName, 'target_channel');
    if (target.managed === 1) {
      throw new RegistryErrors.ChannelManagedAssignTarget({
        bucket_name: bucketRow.name,
        channel_name: target.name,
      });
    }
    if (source.version_id === null) {
      throw new RegistryErrors.ChannelUnassigned({
        bucket_name: bucketRow.name,
        channel_name: source.name,
      });
    }
    const sourceVersion = await trx
      .selectFrom('versions')
      .select('fingerprint')
      .where('id', '=', source.version_id)
      .executeTakeFirstOrThrow();
    const version = await assignableVersion(ctx, trx, bucketRow, sourceVersion.fingerprint);
    if (version.id !== target.version_id) {
      await setChannelVersion(ctx, trx, target, version, actor.name, ctx.nowMs());
    }
    return channelWire(ctx, trx, target.id);
  });
}

export async function listChannelHistory(
  ctx: ServiceContext,
  bucket: string,
  name: string,
  options?: ListOptions,
  actor?: Actor,
): Promise<ListChannelHistoryResponse> {
  const page = parsePageRequest(options, HISTORY_LIST);
  const bucketRow = await requireBucket(ctx.db, bucket);
  const channel = await requireChannel(ctx.db, bucketRow, name);
  checkCanRead(actor, channel);
  const { n } = await ctx.db
    .selectFrom('channel_history')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel_id', '=', channel.id)
    .executeTakeFirstOrThrow();
  const result = await fetchPage(
    ctx.db
      .selectFrom('channel_history')
      .selectAll()
      .where('channel_history.channel_id', '=', channel.id),
    page,
  );
  const history: ChannelAssignment[] = result.rows.map((row) => ({
    assigned_at: toIso(Number(row.assigned_at)),
    author_id: row.author_id,
    version:
      row.version_id === null
        ? null
        : {
            fingerprint: row.version_fingerprint ?? '',
            id: row.version_id,
            name: row.version_name ?? '',
          },
  }));
  return { count: Number(n), history, pagination: result.pagination };
}

function parseUpdateMask(value: unknown): { version: boolean; restricted: boolean } {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new RegistryErrors.UpdateMaskMissing();
  }
  const mask = { version: false, restricted: false };
  for (const path of value.split(',').map((p) => p.trim())) {
    if (path === 'versionFingerprint' || path === 'version_fingerprint') mask.version = true;
    else if (path === 'restricted') mask.restricted = true;
    else {
      throw new RegistryErrors.UpdateMaskUnknownField({ path });
    }
  }
  return mask;
}
