import { LIMITS, type Build, type ListBuildsResponse, type ListOptions } from '@imprint/client';
import type { ArtifactTable, BucketTable, BuildTable, Db } from '../../storage/schema';
import { fetchPage } from '../../storage/keyset';
import { isNotNullViolation, uniqueAs } from '../../storage/sql-helpers';
import type { ServiceContext } from '../../domain/context';
import { BUILD_STATUSES, checkBuildTransition } from '../../domain/lifecycle';
import { parsePageRequest, tableListSpec, type ListSpec } from '../../domain/pagination';
import type { Actor, BuildLocation } from '../../domain/registry-contract';
import { RegistryErrors } from '../../errors/registry-errors';
import type { RegistryError } from '../../errors/registry-error';
import { checkNow } from '../../domain/time';
import {
  checkActor,
  checkBody,
  lookupName,
  optionalEnum,
  requiredString,
} from '../../domain/validation';
import { artifactToWire, buildToWire, loadBuilds, selectVersions } from '../../domain/wire';
import type { VersionRow } from '../../domain/wire';
import { requireBucket } from '../buckets/buckets.service';
import { maybeCompleteVersion } from '../versions/completion';
import { lockedVersion, missingVersion, requireVersion } from '../versions/versions.service';
import { requireNamed, shownName } from '../lookup';
import { completeError, parseBuildFields } from './build-requests';
import { deleteSbomsOf } from '../sboms/sbom-cleanup';
import { INSERT_BUILD, INSERT_BUILD_INTO_V0, TOUCH_VERSION, insertArtifacts } from './builds.sql';

/** Longest accepted component type. */
const MAX_COMPONENT_TYPE = 255;

/** Without a page size, every build of the version (up to LIMITS.unpagedBuilds): Packer never pages. */
const BUILD_LIST: ListSpec = {
  ...tableListSpec('builds', ['created_at', 'updated_at', 'component_type'], 'created_at asc'),
  defaultPageSize: LIMITS.unpagedBuilds,
};

export function buildNotFound(
  bucket: string,
  version: VersionRow,
  buildId: unknown,
): RegistryError {
  return new RegistryErrors.BuildNotFound({
    bucket_name: bucket,
    fingerprint: version.fingerprint,
    build_id: shownName(buildId),
  });
}

export function requireBuild(
  db: Db,
  bucket: BucketTable,
  version: VersionRow,
  buildId: unknown,
): Promise<BuildTable> {
  return requireNamed(
    buildId,
    'build_id',
    (key) =>
      db
        .selectFrom('builds')
        .selectAll()
        .where('id', '=', key)
        .where('version_id', '=', version.id)
        .executeTakeFirst(),
    () => buildNotFound(bucket.name, version, buildId),
  );
}

async function buildWire(db: Db, build: BuildTable): Promise<Build> {
  const builds = (await loadBuilds(db, [build.version_id])).get(build.version_id) ?? [];
  const found = builds.find((b) => b.id === build.id);
  if (!found) throw new Error(`build ${build.id} vanished inside its transaction`);
  return found;
}

export async function listBuilds(
  ctx: ServiceContext,
  bucket: string,
  fingerprint: string,
  options?: ListOptions,
): Promise<ListBuildsResponse> {
  const page = parsePageRequest(options, BUILD_LIST);
  const bucketRow = await requireBucket(ctx.db, bucket);
  const version = await requireVersion(ctx.db, bucketRow, fingerprint);
  const result = await fetchPage(
    ctx.db.selectFrom('builds').selectAll().where('builds.version_id', '=', version.id),
    page,
  );
  const builds = (await loadBuilds(ctx.db, [version.id])).get(version.id) ?? [];
  const byId = new Map(builds.map((b) => [b.id, b]));
  return {
    builds: result.rows.flatMap((r) => byId.get(r.id) ?? []),
    pagination: result.pagination,
  };
}

export async function createBuild(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  fingerprint: string,
  body: unknown,
): Promise<Build> {
  checkActor(actor);
  const input = checkBody(body, 'CreateBuild body');
  const componentType = requiredString(input, 'component_type', MAX_COMPONENT_TYPE);
  const status = optionalEnum(input, 'status', BUILD_STATUSES) ?? 'BUILD_UNSET';
  const fields = parseBuildFields(input);
  const exists = (versionFp: string) =>
    new RegistryErrors.BuildExists({
      bucket_name: bucket,
      fingerprint: versionFp,
      component_type: componentType,
    });
  const id = ctx.newId();
  if (fields.parentChannelId !== undefined && fields.parentVersionId === undefined)
    throw new RegistryErrors.ParentChannelWithoutVersion({ build_id: id });
  checkBuildTransition('BUILD_UNSET', status, id);
  const artifactsSent = fields.artifacts ?? [];
  if (status === 'BUILD_DONE' && artifactsSent.length === 0)
    throw new RegistryErrors.BuildArtifactsRequired({ component_type: componentType });
  const newBuild = (versionId: string, now: number): BuildTable => ({
    id,
    version_id: versionId,
    component_type: componentType,
    platform: fields.platform ?? '',
    status,
    packer_run_uuid: fields.packerRunUuid ?? '',
    labels: JSON.stringify(fields.labels ?? {}),
    source_external_identifier: fields.sourceExternalIdentifier ?? '',
    metadata: JSON.stringify(fields.metadata ?? {}),
    parent_version_id: fields.parentVersionId ?? '',
    parent_channel_id: fields.parentChannelId ?? '',
    heartbeat_at: status === 'BUILD_RUNNING' ? now : null,
    created_at: now,
    updated_at: now,
  });
  // A second build of the component is refused by the unique index (code 6).
  if (ctx.engine === 'postgres' && status !== 'BUILD_DONE' && artifactsSent.length === 0) {
    return uniqueAs(
      () => exists(String(fingerprint)),
      () => createBuildInOneStatement(ctx, bucket, fingerprint, newBuild),
    );
  }
  return uniqueAs(
    () => exists(String(fingerprint)),
    () =>
      ctx.transaction(async (trx) => {
        const now = ctx.nowMs();
        const version = await touchVersion(trx, bucket, fingerprint, now);
        if (version.seq > 0) throw completeError(version, version.bucket_name);
        const build = newBuild(version.id, now);
        await INSERT_BUILD.execute(trx, build);
        const artifacts = newArtifactRows(ctx, id, artifactsSent, [], now);
        await insertArtifacts(trx, artifacts);
        if (status === 'BUILD_DONE' || status === 'BUILD_FAILED')
          ctx.record(trx, { kind: 'build-finished', status });
        if (status === 'BUILD_DONE') await maybeCompleteVersion(ctx, trx, version, now);
        return buildToWire(build, artifacts.map(artifactToWire));
      }),
  );
}

/**
 * CreateBuild of a build that cannot complete its version, on PostgreSQL:
 * moving the `v0` version's revision (which locks it, so no completion can
 * run in between) and inserting the build in one statement, one round
 * trip where a transaction took four. No `v0` version to move leaves the
 * build's version_id NULL, which NOT NULL refuses; then one more read says
 * why.
 */
async function createBuildInOneStatement(
  ctx: ServiceContext,
  bucket: string,
  fingerprint: string,
  newBuild: (versionId: string, now: number) => BuildTable,
): Promise<Build> {
  const bucketKey = lookupName(bucket, 'bucket_name');
  const key = lookupName(fingerprint, 'fingerprint');
  if (bucketKey === undefined || key === undefined) {
    return missingVersion(ctx.db, bucket, fingerprint);
  }
  const now = ctx.nowMs();
  const build = newBuild('', now);
  let inserted: { version_id: string };
  try {
    [inserted] = await INSERT_BUILD_INTO_V0.execute(ctx.db, bucketKey, key, now, build);
  } catch (error) {
    if (!isNotNullViolation(error)) throw error;
    const version = await selectVersions(ctx.db)
      .where('buckets.name', '=', bucketKey)
      .where('versions.fingerprint', '=', key)
      .executeTakeFirst();
    if (!version) return missingVersion(ctx.db, bucket, fingerprint);
    throw completeError(version, version.bucket_name);
  }
  // Committed by itself (no transaction): told at once.
  if (build.status === 'BUILD_FAILED')
    ctx.record(ctx.db, { kind: 'build-finished', status: 'BUILD_FAILED' });
  return buildToWire({ ...build, version_id: inserted.version_id }, []);
}

/**
 * The version, its `updated_at` and `revision` moved (a change to its
 * builds follows), which locks the row for the rest of the transaction:
 * one statement where finding, locking and reading again took four.
 * What depends on the lock (the version's builds) must be read by a
 * later statement: a statement that waited for a lock sees the other
 * tables as they were when it started (READ COMMITTED re-reads only the
 * locked row), so two builds finishing at once would each see the other
 * still running and neither would complete the version.
 */
async function touchVersion(
  db: Db,
  bucket: string,
  fingerprint: string,
  now: number,
): Promise<VersionRow> {
  const bucketKey = lookupName(bucket, 'bucket_name');
  const key = lookupName(fingerprint, 'fingerprint');
  const [row] =
    bucketKey === undefined || key === undefined
      ? []
      : await TOUCH_VERSION.execute(db, bucketKey, key, now);
  return row && bucketKey !== undefined
    ? { ...row, bucket_name: bucketKey }
    : missingVersion(db, bucket, fingerprint);
}

/** Rows for the artifacts not stored yet (an identical external_identifier + region is stored once). */
export function newArtifactRows(
  ctx: ServiceContext,
  buildId: string,
  artifacts: readonly { external_identifier: string; region: string }[],
  existing: readonly { external_identifier: string; region: string }[],
  now: number,
): ArtifactTable[] {
  const seen = new Set(existing.map((a) => `${a.external_identifier}\n${a.region}`));
  const rows: ArtifactTable[] = [];
  for (const artifact of artifacts) {
    const key = `${artifact.external_identifier}\n${artifact.region}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      id: ctx.newId(),
      build_id: buildId,
      external_identifier: artifact.external_identifier,
      region: artifact.region,
      created_at: now,
    });
  }
  return rows;
}

export async function getBuild(
  ctx: ServiceContext,
  bucket: string,
  fingerprint: string,
  buildId: string,
): Promise<Build> {
  const bucketRow = await requireBucket(ctx.db, bucket);
  const version = await requireVersion(ctx.db, bucketRow, fingerprint);
  const build = await requireBuild(ctx.db, bucketRow, version, buildId);
  return buildWire(ctx.db, build);
}

/** A build by id alone, with its bucket and version fingerprint. */
export async function locateBuild(ctx: ServiceContext, buildId: string): Promise<BuildLocation> {
  const row = await requireNamed(
    buildId,
    'build_id',
    (key) =>
      ctx.db
        .selectFrom('builds')
        .innerJoin('versions', 'versions.id', 'builds.version_id')
        .innerJoin('buckets', 'buckets.id', 'versions.bucket_id')
        .selectAll('builds')
        .select(['versions.fingerprint as fingerprint', 'buckets.name as bucket_name'])
        .where('builds.id', '=', key)
        .executeTakeFirst(),
    (shown) => new RegistryErrors.BuildIdNotFound({ build_id: shown }),
  );
  const { fingerprint, bucket_name, ...build } = row;
  return { bucket_name, fingerprint, build: await buildWire(ctx.db, build) };
}

/** Deletes a build of an incomplete version (9 once complete); the version may complete if every remaining build is DONE. */
export async function deleteBuild(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  fingerprint: string,
  buildId: string,
): Promise<void> {
  checkActor(actor);
  const orphaned = await ctx.transaction(async (trx) => {
    const bucketRow = await requireBucket(trx, bucket);
    // Read under the lock: the version may have completed while we waited.
    const version = await lockedVersion(ctx, trx, bucketRow, fingerprint);
    const build = await requireBuild(trx, bucketRow, version, buildId);
    if (version.seq > 0) throw completeError(version, bucketRow.name);
    const blobs = await deleteSbomsOf(ctx, trx, { buildId: build.id });
    await trx.deleteFrom('builds').where('id', '=', build.id).execute();
    const now = ctx.nowMs();
    await trx
      .updateTable('versions')
      .set((eb) => ({ updated_at: now, revision: eb('revision', '+', 1) }))
      .where('id', '=', version.id)
      .execute();
    await maybeCompleteVersion(ctx, trx, version, now);
    return blobs;
  });
  await ctx.sbomBlobs.removeFiles(orphaned);
}

export async function cancelStaleBuilds(ctx: ServiceContext, now?: Date): Promise<number> {
  const at = checkNow(now) ?? ctx.nowMs();
  const cutoff = at - ctx.heartbeatTimeoutMs;
  return ctx.transaction(async (trx) => {
    // The revision moves too: an UpdateBuild that read these builds running must read again.
    await trx
      .updateTable('versions')
      .set((eb) => ({ updated_at: at, revision: eb('revision', '+', 1) }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('builds')
          .select('version_id')
          .where('status', '=', 'BUILD_RUNNING')
          .where((w) => w.or([w('heartbeat_at', 'is', null), w('heartbeat_at', '<', cutoff)])),
      )
      .execute();
    const result = await trx
      .updateTable('builds')
      .set({ status: 'BUILD_CANCELLED', updated_at: at })
      .where('status', '=', 'BUILD_RUNNING')
      .where((w) => w.or([w('heartbeat_at', 'is', null), w('heartbeat_at', '<', cutoff)]))
      .executeTakeFirst();
    const cancelled = Number(result.numUpdatedRows);
    if (cancelled > 0) ctx.record(trx, { kind: 'builds-cancelled', count: cancelled });
    return cancelled;
  });
}
