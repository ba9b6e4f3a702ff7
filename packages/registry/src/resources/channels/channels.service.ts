import type {
  Channel,
  ChannelAssignment,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  ListOptions,
} from '@imprint/client';
import type { BucketTable, Db } from '../../storage/schema';
import { applyPage } from '../../storage/keyset';
import { lockRows, uniqueAs } from '../../storage/sql-helpers';
import type { ServiceContext } from '../../domain/context';
import { isRevoked } from '../../domain/lifecycle';
import { pageResult, parsePageRequest } from '../../domain/pagination';
import type { ListSpec } from '../../domain/pagination';
import { expiring } from '../../domain/read-cache';
import type { ReadCache } from '../../domain/read-cache';
import type { Actor } from '../../domain/registry-contract';
import {
  GrpcCode,
  RegistryError,
  RegistryErrorReason,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  notFound,
  quote,
} from '../../domain/registry.errors';
import { toIso } from '../../domain/time';
import {
  checkActor,
  checkBody,
  checkChannelName,
  lookupName,
  optionalBoolean,
  optionalString,
  requiredString,
} from '../../domain/validation';
import { channelsToWire, selectChannels } from '../../domain/wire';
import type { ChannelRow } from '../../domain/wire';
import { requireBucket } from '../buckets/buckets.service';
import { requireVersion } from '../versions/versions.service';
import { setChannelVersion } from './channel-assignment';
import type { AssignedVersion } from './channel-assignment';

const CHANNEL_LIST: ListSpec = {
  fields: {
    name: { column: 'channels.name', key: 'name', type: 'text' },
    created_at: { column: 'channels.created_at', key: 'created_at', type: 'integer' },
    updated_at: { column: 'channels.updated_at', key: 'updated_at', type: 'integer' },
  },
  defaultOrder: ['name asc'],
  id: { column: 'channels.id', key: 'id', type: 'text' },
};

const HISTORY_LIST: ListSpec = {
  fields: {
    assigned_at: { column: 'channel_history.assigned_at', key: 'assigned_at', type: 'integer' },
  },
  defaultOrder: ['assigned_at desc'],
  id: { column: 'channel_history.id', key: 'id', type: 'text' },
};

/**
 * Restricted channels are for principals who may write (HCP: "only users with
 * write permission"). An allow-list: an actor whose role is anything else sees
 * what a viewer sees.
 */
export function canSeeRestricted(actor: Actor): boolean {
  return actor.role === 'contributor' || actor.role === 'admin';
}

function restrictedChannelError(bucket: string, name: string, actor: Actor): RegistryError {
  return new RegistryError(
    GrpcCode.PERMISSION_DENIED,
    RegistryErrorReason.CHANNEL_RESTRICTED,
    `Channel ${quote(name)} of bucket ${quote(bucket)} is restricted: only contributors and admins can read it, and principal ${quote(actor.name)} is a viewer. Use a contributor's credentials, or make the channel unrestricted (UpdateChannel with restricted: false).`,
    { bucket_name: bucket, channel_name: name },
  );
}

function channelNotFound(bucket: string, name: string): RegistryError {
  return notFound(
    RegistryErrorReason.CHANNEL_NOT_FOUND,
    `Channel ${quote(name)} does not exist in bucket ${quote(bucket)}. Check the name with ListChannels, or create it with CreateChannel.`,
    { bucket_name: bucket, channel_name: name },
  );
}

async function requireChannel(
  db: Db,
  bucket: BucketTable,
  name: unknown,
  field = 'channel_name',
): Promise<ChannelRow> {
  const key = lookupName(name, field);
  const row =
    key === undefined
      ? undefined
      : await selectChannels(db)
          .where('channels.bucket_id', '=', bucket.id)
          .where('channels.name', '=', key)
          .executeTakeFirst();
  if (!row) throw channelNotFound(bucket.name, String(name).slice(0, 64));
  return row;
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
  const rows = await applyPage(query, page).execute();
  const result = pageResult(page, rows);
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
  const label = `Version ${quote(version.fingerprint)} of bucket ${quote(bucket.name)}`;
  if (version.seq === 0) {
    throw failedPrecondition(
      RegistryErrorReason.VERSION_INCOMPLETE,
      `${label} is not complete (v0): only complete versions can be assigned to a channel. Finish its builds (all BUILD_DONE) first.`,
      { fingerprint: version.fingerprint },
    );
  }
  if (version.revoke_at !== null && isRevoked(Number(version.revoke_at), ctx.nowMs())) {
    throw failedPrecondition(
      RegistryErrorReason.VERSION_REVOKED,
      `${label} is revoked and cannot be assigned to a channel. Restore it first, or assign another version.`,
      { fingerprint: version.fingerprint },
    );
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
    alreadyExists(
      RegistryErrorReason.CHANNEL_EXISTS,
      `Channel ${quote(name)} already exists in bucket ${quote(bucket)}. Update it with UpdateChannel, or pick another name.`,
      { bucket_name: bucket, channel_name: name },
    );
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
        version_id: null,
        author_id: actor.name,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('channels').values(channel).execute();
      if (version) await setChannelVersion(ctx, trx, channel, version, actor.name, now);
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
  if (channel.restricted && actor && !canSeeRestricted(actor)) {
    throw restrictedChannelError(channel.bucket_name, channel.name, actor);
  }
  return channel;
}

/**
 * `update_mask` (required) lists the fields to change: `versionFingerprint`
 * and/or `restricted` (comma-separated; `version_fingerprint` is accepted
 * too). Masked fields take the body's value, proto3-style: an empty or
 * absent `version_fingerprint` unassigns, an absent `restricted` is false.
 * Re-assigning the current version records nothing. Every assignment
 * change appends a history entry and makes the actor the channel's
 * `author_id` (who last moved it).
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
    const found = await requireChannel(trx, bucketRow, name);
    await lockRows(trx, ctx.engine, 'channels', [found.id]);
    const channel = await requireChannel(trx, bucketRow, name);
    if (channel.managed === 1) throw managedError(channel.name, bucketRow.name, 'updated');
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
      throw invalidArgument(
        RegistryErrorReason.CHANNEL_MANAGED_DELETE,
        `Channel ${quote(channel.name)} of bucket ${quote(bucketRow.name)} is managed by the registry and cannot be deleted. Delete the bucket to remove it.`,
        { bucket_name: bucketRow.name, channel_name: channel.name },
      );
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
    throw invalidArgument(
      RegistryErrorReason.INVALID_ARGUMENT,
      `source_channel and target_channel are both ${quote(sourceName)}. Name two different channels.`,
      { field: 'target_channel' },
    );
  }
  return ctx.transaction(async (trx) => {
    const bucketRow = await requireBucket(trx, bucket);
    const source = await requireChannel(trx, bucketRow, sourceName, 'source_channel');
    const found = await requireChannel(trx, bucketRow, targetName, 'target_channel');
    await lockRows(trx, ctx.engine, 'channels', [found.id]);
    const target = await requireChannel(trx, bucketRow, targetName, 'target_channel');
    if (target.managed === 1)
      throw managedError(target.name, bucketRow.name, 'the target of an assignment');
    if (source.version_id === null) {
      throw failedPrecondition(
        RegistryErrorReason.CHANNEL_UNASSIGNED,
        `Source channel ${quote(source.name)} of bucket ${quote(bucketRow.name)} has no version to copy. Assign a version to it first.`,
        { channel_name: source.name },
      );
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
  if (channel.restricted === 1 && actor && !canSeeRestricted(actor)) {
    throw restrictedChannelError(bucketRow.name, channel.name, actor);
  }
  const { n } = await ctx.db
    .selectFrom('channel_history')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel_id', '=', channel.id)
    .executeTakeFirstOrThrow();
  const rows = await applyPage(
    ctx.db
      .selectFrom('channel_history')
      .selectAll()
      .where('channel_history.channel_id', '=', channel.id),
    page,
  ).execute();
  const result = pageResult(page, rows);
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
    throw invalidArgument(
      RegistryErrorReason.UPDATE_MASK_INVALID,
      'update_mask is required: send "versionFingerprint", "restricted" or "versionFingerprint,restricted" to say which fields to change.',
      { field: 'update_mask' },
    );
  }
  const mask = { version: false, restricted: false };
  for (const path of value.split(',').map((p) => p.trim())) {
    if (path === 'versionFingerprint' || path === 'version_fingerprint') mask.version = true;
    else if (path === 'restricted') mask.restricted = true;
    else {
      throw invalidArgument(
        RegistryErrorReason.UPDATE_MASK_INVALID,
        `update_mask names unknown field ${quote(path.slice(0, 64))}; only versionFingerprint and restricted can be updated.`,
        { field: 'update_mask' },
      );
    }
  }
  return mask;
}

function managedError(channel: string, bucket: string, what: string): RegistryError {
  return failedPrecondition(
    RegistryErrorReason.CHANNEL_MANAGED,
    `Channel ${quote(channel)} of bucket ${quote(bucket)} is managed by the registry (it follows the newest complete version) and cannot be ${what}. Use a channel of your own.`,
    { bucket_name: bucket, channel_name: channel },
  );
}
