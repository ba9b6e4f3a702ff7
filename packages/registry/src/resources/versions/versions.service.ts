import type { ListOptions, ListVersionsResponse, TemplateType, Version } from '@imprint/client';
import type { BucketTable, Db } from '../../storage/schema';
import { applyPage } from '../../storage/keyset';
import { isNotNullViolation, lockRows } from '../../storage/sql-helpers';
import type { ServiceContext } from '../../domain/context';
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
  quote,
} from '../../domain/registry.errors';
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
import { bucketNotFound, requireBucket } from '../buckets/buckets.service';
import { lockedChannels, rollBackChannel } from '../channels/channel-assignment';
import { INSERT_VERSION, NEW_VERSION } from './versions.sql';

const TEMPLATE_TYPES: readonly TemplateType[] = ['TEMPLATE_TYPE_UNSET', 'HCL2', 'JSON'];

const VERSION_LIST: ListSpec = {
  fields: {
    created_at: { column: 'versions.created_at', key: 'created_at', type: 'integer' },
    updated_at: { column: 'versions.updated_at', key: 'updated_at', type: 'integer' },
    fingerprint: { column: 'versions.fingerprint', key: 'fingerprint', type: 'text' },
    // vN order; every incomplete v0 sorts first.
    name: { column: 'versions.seq', key: 'seq', type: 'integer' },
  },
  defaultOrder: ['created_at desc'],
  id: { column: 'versions.id', key: 'id', type: 'text' },
};

export function versionNotFound(
  bucket: string,
  fingerprint: string,
  code: GrpcCode = GrpcCode.NOT_FOUND,
): RegistryError {
  return new RegistryError(
    code,
    RegistryErrorReason.VERSION_NOT_FOUND,
    `Version with fingerprint ${quote(fingerprint)} does not exist in bucket ${quote(bucket)}. Check the fingerprint, or create the version with CreateVersion.`,
    { bucket_name: bucket, fingerprint },
  );
}

export async function requireVersion(
  db: Db,
  bucket: BucketTable,
  fingerprint: unknown,
  code: GrpcCode = GrpcCode.NOT_FOUND,
): Promise<VersionRow> {
  const key = lookupName(fingerprint, 'fingerprint');
  const row =
    key === undefined
      ? undefined
      : await selectVersions(db)
          .where('versions.bucket_id', '=', bucket.id)
          .where('versions.fingerprint', '=', key)
          .executeTakeFirst();
  if (!row) throw versionNotFound(bucket.name, String(fingerprint).slice(0, 64), code);
  return row;
}

/** Says which of bucket and version does not exist (code 5 either way). */
export async function missingVersion(db: Db, bucket: string, fingerprint: string): Promise<never> {
  const bucketRow = await requireBucket(db, bucket);
  throw versionNotFound(bucketRow.name, String(fingerprint).slice(0, 64));
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
  const rows = await applyPage(
    selectVersions(ctx.db).where('versions.bucket_id', '=', row.id),
    page,
  ).execute();
  const result = pageResult(page, rows);
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
  const exists = () =>
    alreadyExists(
      RegistryErrorReason.VERSION_EXISTS,
      `A version with fingerprint ${quote(fingerprint)} already exists in bucket ${quote(bucket)}. Continue it with GetVersion, or use a new fingerprint (e.g. a fresh ULID) for a new version.`,
      { bucket_name: bucket, fingerprint },
    );
  const bucketKey = lookupName(bucket, 'bucket_name');
  if (bucketKey === undefined) throw bucketNotFound(String(bucket).slice(0, 64));
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
  // One statement, no transaction: the bucket id comes from a subquery (no
  // bucket: NULL, refused by NOT NULL), a taken fingerprint inserts nothing.
  let inserted: { bucket_id: string } | undefined;
  try {
    [inserted] = await ctx.singleStatement((db) =>
      INSERT_VERSION.execute(db, bucketKey, values.id, fingerprint, templateType, actor.name, now),
    );
  } catch (error) {
    if (isNotNullViolation(error)) throw bucketNotFound(bucketKey);
    throw error;
  }
  if (!inserted) throw exists();
  return versionToWire(
    ctx,
    { ...values, bucket_id: inserted.bucket_id, bucket_name: bucketKey },
    { builds: [], parentsStatus: 'UNDETERMINED', hasDescendants: false, now },
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
    const version = await requireVersion(ctx.db, row, fingerprint, GrpcCode.ABORTED);
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
  await ctx.transaction(async (trx) => {
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
      throw failedPrecondition(
        RegistryErrorReason.VERSION_ASSIGNED,
        `Version ${quote(version.fingerprint)} of bucket ${quote(bucketRow.name)} is assigned to channel(s) ${user.map((c) => quote(c.name)).join(', ')}. Unassign it first, or delete with rollback_channels=true to roll those channels back to their previous valid version.`,
        { fingerprint: version.fingerprint, channels: user.map((c) => c.name) },
      );
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
    await trx.deleteFrom('versions').where('id', '=', version.id).execute();
  });
}
