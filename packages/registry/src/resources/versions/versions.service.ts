import {
  TEMPLATE_TYPES,
  type ListOptions,
  type ListVersionsResponse,
  type Version,
} from '@imprint/client';
import type { BucketTable, Db } from '../../storage/schema';
import { fetchPage } from '../../storage/keyset';
import { isNotNullViolation, lockRows } from '../../storage/sql-helpers';
import type { ServiceContext } from '../../domain/context';
import { parsePageRequest, tableListSpec } from '../../domain/pagination';
import { expiring } from '../../domain/read-cache';
import type { ReadCache } from '../../domain/read-cache';
import type { Actor, VersionSelector } from '../../domain/registry-contract';
import { versionName } from '../../domain/context';
import { RegistryErrors } from '../../errors/registry-errors';
import {
  checkActor,
  checkBody,
  checkFingerprint,
  lookupName,
  optionalBoolean,
  optionalEnum,
} from '../../domain/validation';
import { selectVersions, versionToWire, versionsToWire } from '../../domain/wire';
import type { VersionRow } from '../../domain/wire';
import { requireBucket } from '../buckets/buckets.service';
import { deleteSbomsOf } from '../sboms/sbom-cleanup';
import { lockedChannels, rollBackChannel } from '../channels/channel-assignment';
import { requireNamed, shownName } from '../lookup';
import { INSERT_VERSION, NEW_VERSION } from './versions.sql';
import { enqueueVersionEvents, isWanted } from '../webhooks/webhook-outbox';

const VERSION_LIST = tableListSpec(
  'versions',
  ['created_at', 'updated_at', 'fingerprint', 'name'],
  'created_at desc',
  // vN order; every incomplete v0 sorts first.
  { name: { column: 'versions.seq', key: 'seq', type: 'integer' } },
);

/**
 * The version of `bucket` with this fingerprint, or `missing` (code 5 in
 * general; GetVersion passes its code-10 row).
 */
export function requireVersion(
  db: Db,
  bucket: BucketTable,
  fingerprint: unknown,
  missing = RegistryErrors.VersionNotFound,
): Promise<VersionRow> {
  return requireNamed(
    fingerprint,
    'fingerprint',
    (key) =>
      selectVersions(db)
        .where('versions.bucket_id', '=', bucket.id)
        .where('versions.fingerprint', '=', key)
        .executeTakeFirst(),
    (shown) => new missing({ bucket_name: bucket.name, fingerprint: shown }),
  );
}

/** The version, locked for the transaction and read again (a writer may have changed it meanwhile). */
export async function lockedVersion(
  ctx: ServiceContext,
  trx: Db,
  bucket: BucketTable,
  fingerprint: unknown,
): Promise<VersionRow> {
  const found = await requireVersion(trx, bucket, fingerprint);
  await lockRows(trx, ctx.engine, 'versions', [found.id]);
  return requireVersion(trx, bucket, fingerprint);
}

/** Says which of bucket and version does not exist (code 5 either way). */
export async function missingVersion(db: Db, bucket: string, fingerprint: string): Promise<never> {
  const bucketRow = await requireBucket(db, bucket);
  throw new RegistryErrors.VersionNotFound({
    bucket_name: bucketRow.name,
    fingerprint: shownName(fingerprint),
  });
}

/** A version by id or incremental version: see {@link VersionSelector}. */
export async function findVersion(
  ctx: ServiceContext,
  selector: VersionSelector,
): Promise<Version> {
  if ('id' in selector) {
    const bucket =
      selector.bucket === undefined ? undefined : await requireBucket(ctx.db, selector.bucket);
    const row = await requireNamed(
      selector.id,
      'iteration_id',
      (key) =>
        selectVersions(ctx.db)
          .where('versions.id', '=', key)
          .$if(bucket !== undefined, (query) => query.where('versions.bucket_id', '=', bucket!.id))
          .executeTakeFirst(),
      (shown) => new RegistryErrors.VersionIdNotFound({ version_id: shown }),
    );
    return (await versionsToWire(ctx, ctx.db, [row]))[0];
  }
  const bucket = await requireBucket(ctx.db, selector.bucket);
  const seq = selector.incrementalVersion;
  // v0 names every incomplete version: it is no incremental version.
  const row =
    Number.isSafeInteger(seq) && seq > 0
      ? await selectVersions(ctx.db)
          .where('versions.bucket_id', '=', bucket.id)
          .where('versions.seq', '=', seq)
          .executeTakeFirst()
      : undefined;
  if (!row) {
    throw new RegistryErrors.VersionNameNotFound({
      bucket_name: bucket.name,
      version_name: versionName(seq),
    });
  }
  return (await versionsToWire(ctx, ctx.db, [row]))[0];
}

export async function versionWire(ctx: ServiceContext, db: Db, id: string): Promise<Version> {
  const row = await selectVersions(db).where('versions.id', '=', id).executeTakeFirstOrThrow();
  return (await versionsToWire(ctx, db, [row]))[0];
}

export async function listVersions(
  ctx: ServiceContext,
  bucket: string,
  options?: ListOptions,
): Promise<ListVersionsResponse> {
  const page = parsePageRequest(options, VERSION_LIST);
  const row = await requireBucket(ctx.db, bucket);
  const result = await fetchPage(
    selectVersions(ctx.db).where('versions.bucket_id', '=', row.id),
    page,
  );
  return {
    versions: await versionsToWire(ctx, ctx.db, result.rows),
    pagination: result.pagination,
  };
}

export async function createVersion(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  body: unknown,
): Promise<Version> {
  checkActor(actor);
  const input = checkBody(body, 'CreateVersion body');
  const fingerprint = checkFingerprint(input['fingerprint']);
  const templateType =
    optionalEnum(input, 'template_type', TEMPLATE_TYPES) ?? 'TEMPLATE_TYPE_UNSET';
  const exists = () => new RegistryErrors.VersionExists({ bucket_name: bucket, fingerprint });
  const bucketNotFound = (name: string) => new RegistryErrors.BucketNotFound({ bucket_name: name });
  const bucketKey = lookupName(bucket, 'bucket_name');
  if (bucketKey === undefined) throw bucketNotFound(shownName(bucket));
  const now = ctx.nowMs();
  const values = {
    ...NEW_VERSION,
    id: ctx.newId(),
    fingerprint,
    template_type: templateType,
    author_id: actor.name,
    created_at: now,
    updated_at: now,
  };
  // One statement: the bucket id comes from a subquery (no bucket: NULL,
  // refused by NOT NULL), a taken fingerprint inserts nothing. In a
  // transaction with its `version.create` event when a webhook wants it (a
  // webhook created while this runs may miss it: it came after the change).
  const insert = async (db: Db) =>
    (
      await INSERT_VERSION.execute(
        db,
        bucketKey,
        values.id,
        fingerprint,
        templateType,
        actor.name,
        now,
      )
    )[0];
  let inserted: { bucket_id: string } | undefined;
  try {
    inserted = (await isWanted(ctx.db, 'version.create'))
      ? await ctx.transaction(async (trx) => {
          const row = await insert(trx);
          if (row) await enqueueVersionEvents(ctx, trx, 'version.create', [values.id]);
          return row;
        })
      : await ctx.singleStatement(insert);
  } catch (error) {
    if (isNotNullViolation(error)) throw bucketNotFound(bucketKey);
    throw error;
  }
  if (!inserted) throw exists();
  return versionToWire(
    ctx,
    { ...values, bucket_id: inserted.bucket_id, bucket_name: bucketKey },
    { builds: [], parentsStatus: 'UNDETERMINED', hasParents: false, hasDescendants: false, now },
  );
}

export async function getVersion(
  ctx: ServiceContext,
  reads: ReadCache,
  bucket: string,
  fingerprint: string,
): Promise<Version> {
  return reads.get(`version\n${bucket}\n${fingerprint}`, async () => {
    const row = await requireBucket(ctx.db, bucket);
    // Code 10 (ABORTED) for an unknown fingerprint: Packer creates the version only on that code.
    const version = await requireVersion(
      ctx.db,
      row,
      fingerprint,
      RegistryErrors.GetVersionNotFound,
    );
    return expiring((await versionsToWire(ctx, ctx.db, [version]))[0], ctx.nowMs());
  });
}

export async function deleteVersion(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  fingerprint: string,
  options?: { rollbackChannels?: boolean },
): Promise<void> {
  checkActor(actor);
  const opts = options === undefined ? {} : checkBody(options, 'DeleteVersion options');
  const rollback = optionalBoolean(opts, 'rollbackChannels') ?? false;
  const orphaned = await ctx.transaction(async (trx) => {
    const bucketRow = await requireBucket(trx, bucket);
    const version = await requireVersion(trx, bucketRow, fingerprint);
    await lockRows(trx, ctx.engine, 'versions', [version.id]);
    const channels = await trx
      .selectFrom('channels')
      .select(['id', 'managed', 'name'])
      .where('version_id', '=', version.id)
      .orderBy('name')
      .execute();
    const user = channels.filter((c) => c.managed === 0);
    if (user.length > 0 && !rollback) {
      throw new RegistryErrors.VersionAssigned({
        bucket_name: bucketRow.name,
        fingerprint: version.fingerprint,
        channels: user.map((c) => c.name),
      });
    }
    const now = ctx.nowMs();
    const locked = await lockedChannels(
      ctx,
      trx
        .selectFrom('channels')
        .select(['id', 'bucket_id', 'managed', 'version_id'])
        .where('version_id', '=', version.id),
    );
    for (const channel of locked) await rollBackChannel(ctx, trx, channel, actor.name, now, true);
    const blobs = await deleteSbomsOf(ctx, trx, { versionId: version.id });
    // Before the row goes: the payload is read from it.
    await enqueueVersionEvents(ctx, trx, 'version.delete', [version.id]);
    await trx.deleteFrom('versions').where('id', '=', version.id).execute();
    return blobs;
  });
  await ctx.sbomBlobs.removeFiles(orphaned);
}
