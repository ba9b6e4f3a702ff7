import type { Build, BuildStatus } from '@imprint/client';
import type { ArtifactTable, BuildTable, Db } from '../../storage/schema';
import { DatabaseUnavailableError } from '../../storage/availability';
import type { Engine } from '../../storage/sql-helpers';
import type { ServiceContext } from '../../domain/context';
import { BUILD_STATUSES, checkBuildTransition } from '../../domain/lifecycle';
import type { Actor } from '../../domain/registry-contract';
import { quote } from '../../domain/registry.errors';
import type { RegistryError } from '../../domain/registry.errors';
import { RegistryErrors } from '../../errors/registry-errors';
import {
  checkActor,
  checkBody,
  lookupName,
  optionalEnum,
  parseStringMap,
} from '../../domain/validation';
import { artifactToWire, buildToWire } from '../../domain/wire';
import type { VersionRow } from '../../domain/wire';
import { announceCompletion, planCompletion } from '../versions/completion';
import { writeVersion } from '../versions/version-writes';
import { enqueueEvent, versionEventPayload } from '../webhooks/webhook-outbox';
import { missingVersion } from '../versions/versions.service';
import { parseBuildFields, setOnce } from './build-requests';
import { buildNotFound, newArtifactRows } from './builds.service';
import { VERSION_WITH_BUILDS, splitVersionWithBuilds } from './builds.sql';

/**
 * Updates a build. Rules beyond the interface's summary:
 * - labels are merged into the stored ones; metadata is merged by
 *   top-level key; artifacts are appended (an identical
 *   `{external_identifier, region}` pair is stored once).
 * - `parent_version_id` / `parent_channel_id` are set once: sending the
 *   stored value again is fine, another value → code 6 (as the HCP probe
 *   answers). `parent_channel_id` needs `parent_version_id` (3).
 * - A BUILD_DONE build refuses every change (9), but a retried request
 *   that would change nothing is answered with the build (idempotent
 *   retries of the final UpdateBuild), writing nothing.
 *
 * It reads the version with all its builds, decides, and writes
 * everything in one go only if the version's revision is still the one
 * it read (see writeVersion). On SQLite both happen in one serialised
 * transaction; on PostgreSQL they are two round trips without a
 * transaction, and an attempt that lost a race with another writer of the
 * version reads again.
 */
export async function updateBuild(
  ctx: ServiceContext,
  actor: Actor,
  bucket: string,
  fingerprint: string,
  buildId: string,
  body: unknown,
): Promise<Build> {
  checkActor(actor);
  const input = checkBody(body, 'UpdateBuild body');
  const status = optionalEnum(input, 'status', BUILD_STATUSES);
  const fields = parseBuildFields(input);
  const buildKey = lookupName(buildId, 'build_id');
  const attempt = async (
    db: Db,
    inTransaction: boolean,
  ): Promise<Build | typeof CHANGED_MEANWHILE | typeof NEEDS_TRANSACTION> => {
    const now = ctx.nowMs();
    const {
      version,
      builds,
      artifacts: storedArtifacts,
    } = await readVersionWithBuilds(db, bucket, fingerprint, buildKey);
    const build = builds.find((b) => b.id === buildKey);
    if (!build) throw buildNotFound(version.bucket_name, version, buildId);
    const current = build.status as BuildStatus;
    const labels = { ...parseStringMap(build.labels), ...(fields.labels ?? {}) };
    const metadata = {
      ...(JSON.parse(build.metadata) as Record<string, unknown>),
      ...(fields.metadata ?? {}),
    };
    const parentVersionId = setOnce(
      'parent_version_id',
      build.parent_version_id,
      fields.parentVersionId,
      build.id,
    );
    const parentChannelId = setOnce(
      'parent_channel_id',
      build.parent_channel_id,
      fields.parentChannelId,
      build.id,
    );
    const newArtifacts = (fields.artifacts ?? []).filter(
      (a) =>
        !storedArtifacts.some(
          (s) => s.external_identifier === a.external_identifier && s.region === a.region,
        ),
    );

    if (current === 'BUILD_DONE') {
      const unchanged =
        (status === undefined || status === 'BUILD_DONE') &&
        (fields.platform === undefined || fields.platform === build.platform) &&
        (fields.packerRunUuid === undefined || fields.packerRunUuid === build.packer_run_uuid) &&
        (fields.sourceExternalIdentifier === undefined ||
          fields.sourceExternalIdentifier === build.source_external_identifier) &&
        JSON.stringify(labels) === JSON.stringify(parseStringMap(build.labels)) &&
        JSON.stringify(metadata) === build.metadata &&
        parentVersionId === build.parent_version_id &&
        parentChannelId === build.parent_channel_id &&
        newArtifacts.length === 0;
      // A retried final update: answered, nothing written.
      if (unchanged) return buildToWire(build, storedArtifacts.map(artifactToWire));
      throw new RegistryErrors.BuildDone({ build_id: build.id });
    }
    const next = status ?? current;
    checkBuildTransition(current, next, build.id);
    if (parentChannelId !== '' && parentVersionId === '')
      throw new RegistryErrors.ParentChannelWithoutVersion({ build_id: build.id });
    if (next === 'BUILD_DONE' && storedArtifacts.length + newArtifacts.length === 0)
      throw new RegistryErrors.BuildArtifactsRequired({ component_type: build.component_type });

    const changes = {
      status: next,
      platform: fields.platform ?? build.platform,
      packer_run_uuid: fields.packerRunUuid ?? build.packer_run_uuid,
      source_external_identifier:
        fields.sourceExternalIdentifier ?? build.source_external_identifier,
      labels: JSON.stringify(labels),
      metadata: JSON.stringify(metadata),
      parent_version_id: parentVersionId,
      parent_channel_id: parentChannelId,
      heartbeat_at: next === 'BUILD_RUNNING' ? now : build.heartbeat_at,
      updated_at: now,
    };
    const updated: BuildTable = { ...build, ...changes };
    const added = newArtifactRows(ctx, build.id, newArtifacts, storedArtifacts, now);
    const completion =
      next === 'BUILD_DONE'
        ? await planCompletion(
            ctx,
            db,
            version,
            builds.map((b) => (b.id === build.id ? updated : b)),
            now,
          )
        : undefined;
    const failed = next === 'BUILD_FAILED' && current !== 'BUILD_FAILED';
    // Events are written with the change; PostgreSQL's one-statement write
    // has no transaction, so a write that reports one runs again inside one.
    if ((failed || completion !== undefined) && !inTransaction) return NEEDS_TRANSACTION;
    const written = await writeVersion(ctx, db, {
      version,
      expectRevision: version.revision,
      now,
      build: { id: build.id, changes, artifacts: added },
      completion,
    });
    if (!written.written) return CHANGED_MEANWHILE;
    if (next !== current && (next === 'BUILD_DONE' || next === 'BUILD_FAILED'))
      ctx.record(db, { kind: 'build-finished', status: next });
    if (completion !== undefined) await announceCompletion(ctx, db, version, completion);
    if (failed) {
      await enqueueEvent(ctx, db, 'build.fail', async () => ({
        ...(await versionEventPayload(db, version.id)),
        build: {
          id: build.id,
          component_type: build.component_type,
          platform: changes.platform,
          packer_run_uuid: changes.packer_run_uuid,
        },
      }));
    }
    return buildToWire(updated, [...storedArtifacts, ...added].map(artifactToWire));
  };

  if (ctx.engine === 'sqlite') {
    return ctx.transaction(async (trx) => {
      const result = await attempt(trx, true);
      // Serialised: nothing can change between its read and its write.
      if (result === CHANGED_MEANWHILE || result === NEEDS_TRANSACTION)
        throw new Error('a version changed inside a transaction');
      return result;
    });
  }
  for (let tries = 1; ; tries += 1) {
    let result = await attempt(ctx.db, false);
    if (result === NEEDS_TRANSACTION) result = await inTransaction(ctx, attempt);
    if (result !== CHANGED_MEANWHILE && result !== NEEDS_TRANSACTION) return result;
    if (tries >= MAX_WRITE_ATTEMPTS) throw tooManyConcurrentWrites(ctx.engine, fingerprint);
    // Writers of one version (its builds finishing together) collide rarely; spread them out.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * tries * 2));
  }
}

/**
 * A version with every build of it and the artifacts of `buildId`, in one
 * statement (so one consistent snapshot), without a lock.
 */
async function readVersionWithBuilds(
  db: Db,
  bucket: string,
  fingerprint: string,
  buildId: string | undefined,
): Promise<{ version: VersionRow; builds: BuildTable[]; artifacts: ArtifactTable[] }> {
  const bucketKey = lookupName(bucket, 'bucket_name');
  const key = lookupName(fingerprint, 'fingerprint');
  const rows =
    bucketKey === undefined || key === undefined
      ? []
      : await VERSION_WITH_BUILDS.execute(db, bucketKey, key, buildId ?? '');
  if (rows.length === 0) return missingVersion(db, bucket, fingerprint);
  return splitVersionWithBuilds(rows);
}

/** What an UpdateBuild attempt answers when the version changed between its read and its write. */
const CHANGED_MEANWHILE = Symbol('changed meanwhile');
/** What an attempt answers, before writing, when its write reports an event (PostgreSQL outside a transaction). */
const NEEDS_TRANSACTION = Symbol('needs a transaction');

/** Thrown to roll a transaction back: its write did not happen, and must be tried again. */
class RollBack extends Error {}

/**
 * `attempt` inside a PostgreSQL transaction. A write that did not happen
 * (a parent deleted meanwhile makes its statement fail, which aborts the
 * whole transaction) is rolled back, not committed, and reported as
 * CHANGED_MEANWHILE so the caller reads again.
 */
async function inTransaction<T>(
  ctx: ServiceContext,
  attempt: (
    db: Db,
    inTransaction: boolean,
  ) => Promise<T | typeof CHANGED_MEANWHILE | typeof NEEDS_TRANSACTION>,
): Promise<T | typeof CHANGED_MEANWHILE | typeof NEEDS_TRANSACTION> {
  try {
    return await ctx.transaction(async (trx) => {
      const result = await attempt(trx, true);
      if (result === CHANGED_MEANWHILE) throw new RollBack();
      return result;
    });
  } catch (error) {
    if (error instanceof RollBack) return CHANGED_MEANWHILE;
    throw error;
  }
}
/** Attempts of an UpdateBuild whose version other writers keep changing, before 503. */
const MAX_WRITE_ATTEMPTS = 25;

function tooManyConcurrentWrites(engine: Engine, fingerprint: string): RegistryError {
  return new DatabaseUnavailableError(
    engine,
    `version ${quote(String(fingerprint).slice(0, 64))} kept changing under ${MAX_WRITE_ATTEMPTS} attempts to update it`,
  );
}
