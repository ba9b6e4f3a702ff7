import type { Bucket, ListBucketsResponse, ListOptions } from '@imprint/client';
import type { BucketTable, Db } from '../../storage/schema';
import { fetchPage } from '../../storage/keyset';
import { uniqueAs } from '../../storage/sql-helpers';
import { LATEST_CHANNEL, SYSTEM_AUTHOR } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import { parsePageRequest, tableListSpec } from '../../domain/pagination';
import type { Actor } from '../../domain/registry-contract';
import { RegistryErrors } from '../../errors/registry-errors';
import {
  checkActor,
  checkBody,
  checkBucketName,
  checkDescription,
  checkLabels,
  checkPlatforms,
} from '../../domain/validation';
import { bucketsToWire } from '../../domain/wire';
import { requireNamed } from '../lookup';
import { deleteSbomsOf } from '../sboms/sbom-cleanup';

const BUCKET_LIST = tableListSpec('buckets', ['name', 'created_at', 'updated_at'], 'name asc');

export function requireBucket(db: Db, name: unknown, field = 'bucket_name'): Promise<BucketTable> {
  return requireNamed(
    name,
    field,
    (key) => db.selectFrom('buckets').selectAll().where('name', '=', key).executeTakeFirst(),
    (shown) => new RegistryErrors.BucketNotFound({ bucket_name: shown }),
  );
}

async function bucketWire(ctx: ServiceContext, db: Db, id: string): Promise<Bucket> {
  const row = await db
    .selectFrom('buckets')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return (await bucketsToWire(ctx, db, [row]))[0];
}

export async function listBuckets(
  ctx: ServiceContext,
  options?: ListOptions,
): Promise<ListBucketsResponse> {
  const page = parsePageRequest(options, BUCKET_LIST);
  const result = await fetchPage(ctx.db.selectFrom('buckets').selectAll(), page);
  return {
    buckets: await bucketsToWire(ctx, ctx.db, result.rows),
    pagination: result.pagination,
  };
}

export async function createBucket(
  ctx: ServiceContext,
  actor: Actor,
  body: unknown,
): Promise<Bucket> {
  checkActor(actor);
  const input = checkBody(body, 'CreateBucket body');
  const name = checkBucketName(input['name']);
  const description = checkDescription(input) ?? '';
  const labels = checkLabels(input) ?? {};
  const exists = () => new RegistryErrors.BucketExists({ bucket_name: name });
  return uniqueAs(exists, () =>
    ctx.transaction(async (trx) => {
      if (await trx.selectFrom('buckets').select('id').where('name', '=', name).executeTakeFirst())
        throw exists();
      const now = ctx.nowMs();
      const id = ctx.newId();
      await trx
        .insertInto('buckets')
        .values({
          id,
          name,
          description,
          labels: JSON.stringify(labels),
          platforms: '[]',
          version_seq: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await trx
        .insertInto('channels')
        .values({
          id: ctx.newId(),
          bucket_id: id,
          name: LATEST_CHANNEL,
          managed: 1,
          restricted: 1,
          version_id: null,
          author_id: SYSTEM_AUTHOR,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return bucketWire(ctx, trx, id);
    }),
  );
}

export async function getBucket(ctx: ServiceContext, name: string): Promise<Bucket> {
  const bucket = await requireBucket(ctx.db, name);
  return (await bucketsToWire(ctx, ctx.db, [bucket]))[0];
}

export async function updateBucket(
  ctx: ServiceContext,
  actor: Actor,
  name: string,
  body: unknown,
): Promise<Bucket> {
  checkActor(actor);
  const input = checkBody(body, 'UpdateBucket body');
  const description = checkDescription(input);
  const labels = checkLabels(input);
  const platforms = checkPlatforms(input);
  return ctx.transaction(async (trx) => {
    const bucket = await requireBucket(trx, name);
    if (description !== undefined || labels !== undefined || platforms !== undefined) {
      await trx
        .updateTable('buckets')
        .set({
          ...(description !== undefined ? { description } : {}),
          ...(labels !== undefined ? { labels: JSON.stringify(labels) } : {}),
          ...(platforms !== undefined ? { platforms: JSON.stringify(platforms) } : {}),
          updated_at: ctx.nowMs(),
        })
        .where('id', '=', bucket.id)
        .execute();
    }
    return bucketWire(ctx, trx, bucket.id);
  });
}

export async function deleteBucket(ctx: ServiceContext, actor: Actor, name: string): Promise<void> {
  checkActor(actor);
  const orphaned = await ctx.transaction(async (trx) => {
    const bucket = await requireBucket(trx, name);
    const blobs = await deleteSbomsOf(ctx, trx, { bucketId: bucket.id });
    // Foreign keys cascade to versions, builds, artifacts, channels, history and links.
    await trx.deleteFrom('buckets').where('id', '=', bucket.id).execute();
    return blobs;
  });
  await ctx.sbomBlobs.removeFiles(orphaned);
}
