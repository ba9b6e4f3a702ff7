import { sql } from 'kysely';
import type {
  AncestryStatus,
  AncestryType,
  Bucket,
  BucketAncestry,
  Build,
  BuildStatus,
  Channel,
  ChannelAssignment,
  ListBucketAncestryResponse,
  ListBucketsResponse,
  ListBuildsResponse,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  ListOptions,
  ListVersionsResponse,
  Location,
  Registry,
  SearchExternalArtifactResponse,
  TemplateType,
  UpdateVersionResponse,
  Version,
} from '@imprint/client';
import type { ArtifactTable, BucketTable, BuildTable, Db } from '../storage/schema';
import { applyPage } from '../storage/keyset';
import { DatabaseUnavailableError } from '../storage/availability';
import { reusableQuery } from '../storage/reusable-query';
import { isNotNullViolation, isUniqueViolation, lockRows } from '../storage/sql-helpers';
import type { Engine } from '../storage/sql-helpers';
import {
  applyDueRevocations,
  lockedChannels,
  rollBackChannel,
  setChannelVersion,
} from './channel-assignment';
import type { AssignedVersion } from './channel-assignment';
import { maybeCompleteVersion, planCompletion } from './completion';
import { ARTIFACT_INSERT_CHUNK, writeVersion } from './version-writes';
import { LATEST_CHANNEL, SYSTEM_AUTHOR, versionName } from './context';
import type { ServiceContext } from './context';
import { BUILD_STATUSES, buildDoneError, checkBuildTransition, isRevoked } from './lifecycle';
import { pageResult, parsePageRequest } from './pagination';
import type { ListSpec } from './pagination';
import { MAX_ANCESTRY_DEPTH } from './registry-service';
import type { Actor, AncestryQuery, RegistryService } from './registry-service';
import {
  GrpcCode,
  RegistryError,
  RegistryErrorReason,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  notFound,
} from './registry.errors';
import { ReadCache, nextScheduledChange, type Loaded } from './read-cache';
import { NO_OWN_REVOCATION, NO_REVOCATION, restoreVersion, revokeVersion } from './revocation';
import { parseDuration, parseRfc3339, toIso } from './time';
import {
  checkActor,
  checkArtifacts,
  checkBody,
  checkBucketName,
  checkChannelName,
  checkDescription,
  checkFingerprint,
  checkLabels,
  checkMetadata,
  checkPlatforms,
  lookupName,
  optionalBoolean,
  optionalEnum,
  optionalString,
  parseStringMap,
  requiredString,
} from './validation';
import type { Body } from './validation';
import {
  ancestryVersionIds,
  bucketsToWire,
  channelsToWire,
  loadBuilds,
  selectChannels,
  selectVersions,
  versionToWire,
  versionsToWire,
  artifactToWire,
  buildToWire,
} from './wire';
import type { ChannelRow, VersionRow } from './wire';

const TEMPLATE_TYPES: readonly TemplateType[] = ['TEMPLATE_TYPE_UNSET', 'HCL2', 'JSON'];
const ANCESTRY_TYPES: readonly AncestryType[] = [
  'ANCESTRY_TYPE_UNSET',
  'ANCESTRY_TYPE_PARENTS',
  'ANCESTRY_TYPE_CHILDREN',
];

/** Longest accepted free-text fields. */
const MAX_COMPONENT_TYPE = 255;
const MAX_SHORT_TEXT = 255;
const MAX_IDENTIFIER = 1024;
const MAX_REVOCATION_MESSAGE = 2048;
/** SearchExternalArtifact returns at most this many matches. */
export const MAX_SEARCH_RESULTS = 100;

const BUCKET_LIST: ListSpec = {
  fields: {
    name: { column: 'buckets.name', key: 'name', type: 'text' },
    created_at: { column: 'buckets.created_at', key: 'created_at', type: 'integer' },
    updated_at: { column: 'buckets.updated_at', key: 'updated_at', type: 'integer' },
  },
  defaultOrder: ['name asc'],
  id: { column: 'buckets.id', key: 'id', type: 'text' },
};
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
const BUILD_LIST: ListSpec = {
  fields: {
    created_at: { column: 'builds.created_at', key: 'created_at', type: 'integer' },
    updated_at: { column: 'builds.updated_at', key: 'updated_at', type: 'integer' },
    component_type: { column: 'builds.component_type', key: 'component_type', type: 'text' },
  },
  defaultOrder: ['created_at asc'],
  id: { column: 'builds.id', key: 'id', type: 'text' },
};
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
const ANCESTRY_LIST: ListSpec = {
  fields: { created_at: { column: 'l.created_at', key: 'created_at', type: 'integer' } },
  defaultOrder: ['created_at asc'],
  id: { column: 'l.id', key: 'id', type: 'text' },
};

/** The columns of a version just created: `v0`, no revocation. */
const NEW_VERSION = {
  seq: 0,
  completed_at: null,
  ...NO_REVOCATION,
  ...NO_OWN_REVOCATION,
  revision: 0,
} as const;

function quote(value: string): string {
  return JSON.stringify(value);
}

function bucketNotFound(name: string): RegistryError {
  return notFound(
    RegistryErrorReason.BUCKET_NOT_FOUND,
    `Bucket ${quote(name)} does not exist in this registry. Check the name, or create it with CreateBucket (PUT /buckets).`,
    { bucket_name: name },
  );
}

function versionNotFound(
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

/**
 * Restricted channels are for principals who may write (HCP: "only users with
 * write permission"). An allow-list: an actor whose role is anything else sees
 * what a viewer sees.
 */
function canSeeRestricted(actor: Actor): boolean {
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

function buildNotFound(bucket: string, version: VersionRow, buildId: unknown): RegistryError {
  return notFound(
    RegistryErrorReason.BUILD_NOT_FOUND,
    `Build ${quote(String(buildId).slice(0, 64))} does not exist in version ${quote(version.fingerprint)} of bucket ${quote(bucket)}. List the version's builds to find its id.`,
    {
      bucket_name: bucket,
      fingerprint: version.fingerprint,
      build_id: String(buildId).slice(0, 64),
    },
  );
}

function channelNotFound(bucket: string, name: string): RegistryError {
  return notFound(
    RegistryErrorReason.CHANNEL_NOT_FOUND,
    `Channel ${quote(name)} does not exist in bucket ${quote(bucket)}. Check the name with ListChannels, or create it with CreateChannel.`,
    { bucket_name: bucket, channel_name: name },
  );
}

/**
 * The registry service over one Kysely database (SQLite or PostgreSQL).
 * Obtain it from `openRegistryStorage()`; see {@link RegistryService} for
 * the operations. Domain rules live here and in the modules it calls
 * (completion, revocation, channel assignment), not in SQL constraints,
 * which only back them up against races.
 */
export class SqlRegistryService implements RegistryService {
  private readonly reads: ReadCache;

  constructor(private readonly ctx: ServiceContext) {
    this.reads = new ReadCache(ctx.changes, ctx.nowMs);
  }

  /** The registry's organization and project ids (for discovery endpoints). */
  location(): Location {
    return {
      organization_id: this.ctx.location.organization_id,
      project_id: this.ctx.location.project_id,
    };
  }

  private tx<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.ctx.transaction(fn);
  }

  // ---- registry -------------------------------------------------------------

  async getRegistry(): Promise<Registry> {
    const row = await this.ctx.db.selectFrom('registry').selectAll().executeTakeFirstOrThrow();
    return {
      id: row.id,
      location: this.location(),
      created_at: toIso(Number(row.created_at)),
      updated_at: toIso(Number(row.updated_at)),
      // Self-hosted: always active, every feature (scheduled revocation, history) on.
      config: { activated: true, feature_tier: 'PLUS' },
    };
  }

  // ---- lookups --------------------------------------------------------------

  private async requireBucket(db: Db, name: unknown, field = 'bucket_name'): Promise<BucketTable> {
    const key = lookupName(name, field);
    const row =
      key === undefined
        ? undefined
        : await db.selectFrom('buckets').selectAll().where('name', '=', key).executeTakeFirst();
    if (!row) throw bucketNotFound(String(name).slice(0, 64));
    return row;
  }

  private async requireVersion(
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

  private async requireChannel(
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

  private async requireBuild(
    db: Db,
    bucket: BucketTable,
    version: VersionRow,
    buildId: unknown,
  ): Promise<BuildTable> {
    const key = lookupName(buildId, 'build_id');
    const row =
      key === undefined
        ? undefined
        : await db
            .selectFrom('builds')
            .selectAll()
            .where('id', '=', key)
            .where('version_id', '=', version.id)
            .executeTakeFirst();
    if (!row) throw buildNotFound(bucket.name, version, buildId);
    return row;
  }

  private async versionWire(db: Db, id: string): Promise<Version> {
    const row = await selectVersions(db).where('versions.id', '=', id).executeTakeFirstOrThrow();
    return (await versionsToWire(this.ctx, db, [row]))[0];
  }

  private async bucketWire(db: Db, id: string): Promise<Bucket> {
    const row = await db
      .selectFrom('buckets')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return (await bucketsToWire(this.ctx, db, [row]))[0];
  }

  private async channelWire(db: Db, id: string): Promise<Channel> {
    const row = await selectChannels(db).where('channels.id', '=', id).executeTakeFirstOrThrow();
    return (await channelsToWire(this.ctx, db, [row]))[0];
  }

  private async buildWire(db: Db, build: BuildTable): Promise<Build> {
    const builds = (await loadBuilds(db, [build.version_id])).get(build.version_id) ?? [];
    const found = builds.find((b) => b.id === build.id);
    if (!found) throw new Error(`build ${build.id} vanished inside its transaction`);
    return found;
  }

  /** Converts a unique violation raised by a concurrent writer into the code-6 error a sequential caller gets. */
  private async uniqueAs<T>(error: () => RegistryError, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isUniqueViolation(e)) throw error();
      throw e;
    }
  }

  // ---- buckets --------------------------------------------------------------

  async listBuckets(options?: ListOptions): Promise<ListBucketsResponse> {
    const page = parsePageRequest(options, BUCKET_LIST);
    const rows = await applyPage(this.ctx.db.selectFrom('buckets').selectAll(), page).execute();
    const result = pageResult(page, rows);
    return {
      buckets: await bucketsToWire(this.ctx, this.ctx.db, result.rows),
      pagination: result.pagination,
    };
  }

  async createBucket(actor: Actor, body: unknown): Promise<Bucket> {
    checkActor(actor);
    const input = checkBody(body, 'CreateBucket body');
    const name = checkBucketName(input['name']);
    const description = checkDescription(input) ?? '';
    const labels = checkLabels(input) ?? {};
    const exists = () =>
      alreadyExists(
        RegistryErrorReason.BUCKET_EXISTS,
        `Bucket ${quote(name)} already exists. Use GetBucket/UpdateBucket on it, or pick another name.`,
        { bucket_name: name },
      );
    return this.uniqueAs(exists, () =>
      this.tx(async (trx) => {
        if (
          await trx.selectFrom('buckets').select('id').where('name', '=', name).executeTakeFirst()
        )
          throw exists();
        const now = this.ctx.nowMs();
        const id = this.ctx.newId();
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
            id: this.ctx.newId(),
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
        return this.bucketWire(trx, id);
      }),
    );
  }

  async getBucket(name: string): Promise<Bucket> {
    const bucket = await this.requireBucket(this.ctx.db, name);
    return (await bucketsToWire(this.ctx, this.ctx.db, [bucket]))[0];
  }

  async updateBucket(actor: Actor, name: string, body: unknown): Promise<Bucket> {
    checkActor(actor);
    const input = checkBody(body, 'UpdateBucket body');
    const description = checkDescription(input);
    const labels = checkLabels(input);
    const platforms = checkPlatforms(input);
    return this.tx(async (trx) => {
      const bucket = await this.requireBucket(trx, name);
      if (description !== undefined || labels !== undefined || platforms !== undefined) {
        await trx
          .updateTable('buckets')
          .set({
            ...(description !== undefined ? { description } : {}),
            ...(labels !== undefined ? { labels: JSON.stringify(labels) } : {}),
            ...(platforms !== undefined ? { platforms: JSON.stringify(platforms) } : {}),
            updated_at: this.ctx.nowMs(),
          })
          .where('id', '=', bucket.id)
          .execute();
      }
      return this.bucketWire(trx, bucket.id);
    });
  }

  async deleteBucket(actor: Actor, name: string): Promise<void> {
    checkActor(actor);
    await this.tx(async (trx) => {
      const bucket = await this.requireBucket(trx, name);
      // Foreign keys cascade to versions, builds, artifacts, channels, history and links.
      await trx.deleteFrom('buckets').where('id', '=', bucket.id).execute();
    });
  }

  // ---- versions -------------------------------------------------------------

  async listVersions(bucket: string, options?: ListOptions): Promise<ListVersionsResponse> {
    const page = parsePageRequest(options, VERSION_LIST);
    const row = await this.requireBucket(this.ctx.db, bucket);
    const rows = await applyPage(
      selectVersions(this.ctx.db).where('versions.bucket_id', '=', row.id),
      page,
    ).execute();
    const result = pageResult(page, rows);
    return {
      versions: await versionsToWire(this.ctx, this.ctx.db, result.rows),
      pagination: result.pagination,
    };
  }

  async createVersion(actor: Actor, bucket: string, body: unknown): Promise<Version> {
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
    const now = this.ctx.nowMs();
    const values = {
      ...NEW_VERSION,
      id: this.ctx.newId(),
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
      [inserted] = await this.ctx.singleStatement((db) =>
        INSERT_VERSION.execute(
          db,
          bucketKey,
          values.id,
          fingerprint,
          templateType,
          actor.name,
          now,
        ),
      );
    } catch (error) {
      if (isNotNullViolation(error)) throw bucketNotFound(bucketKey);
      throw error;
    }
    if (!inserted) throw exists();
    return versionToWire(
      this.ctx,
      { ...values, bucket_id: inserted.bucket_id, bucket_name: bucketKey },
      { builds: [], parentsStatus: 'UNDETERMINED', hasDescendants: false, now },
    );
  }

  async getVersion(bucket: string, fingerprint: string): Promise<Version> {
    return this.reads.get(`version\n${bucket}\n${fingerprint}`, async () => {
      const row = await this.requireBucket(this.ctx.db, bucket);
      // Code 10 (ABORTED) for an unknown fingerprint: Packer creates the version only on that code.
      const version = await this.requireVersion(this.ctx.db, row, fingerprint, GrpcCode.ABORTED);
      return this.expiring((await versionsToWire(this.ctx, this.ctx.db, [version]))[0]);
    });
  }

  /** `value`, with the moment a scheduled revocation inside it comes due. */
  private expiring<T>(value: T): Loaded<T> {
    return { value, expiresAt: nextScheduledChange(value, this.ctx.nowMs()) };
  }

  /**
   * Revoke (`revoke_at` | `revoke_in`), restore, or complete a version.
   * - Exactly one of `revoke_at` / `revoke_in`; `revocation_message`,
   *   `skip_descendants_revocation` and `disable_rollback_channels` only go
   *   with them; `restore` and `complete` go alone (else code 3).
   * - Only complete versions can be revoked (9). A version already revoked
   *   (in effect) must be restored first (9); a scheduled one can be
   *   rescheduled, and one inheriting a scheduled revocation can only be
   *   brought forward (9 otherwise).
   * - Restoring a version that is not revoked → 9; restoring one whose
   *   revocation is inherited from a still-revoked ancestor → 9 (restore
   *   the ancestor).
   * The cascade runs synchronously in the transaction; the returned
   * operation is already DONE.
   */
  async updateVersion(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    body: unknown,
  ): Promise<UpdateVersionResponse> {
    checkActor(actor);
    const input = checkBody(body, 'UpdateVersion body');
    const request = parseVersionUpdate(input);
    return this.tx(async (trx) => {
      const bucketRow = await this.requireBucket(trx, bucket);
      const found = await this.requireVersion(trx, bucketRow, fingerprint);
      await lockRows(trx, this.ctx.engine, 'versions', [found.id]);
      const version = await this.requireVersion(trx, bucketRow, fingerprint);
      const now = this.ctx.nowMs();
      const label = `Version ${quote(version.fingerprint)} (${versionName(version.seq)}) of bucket ${quote(bucketRow.name)}`;
      const revokedNow = version.revoke_at !== null && isRevoked(Number(version.revoke_at), now);

      if (request.kind === 'restore') {
        if (version.revoke_at === null) {
          throw failedPrecondition(
            RegistryErrorReason.VERSION_NOT_REVOKED,
            `${label} is not revoked or scheduled for revocation; there is nothing to restore.`,
            { fingerprint: version.fingerprint },
          );
        }
        if (version.revocation_type === 'INHERITED' && version.inherited_from_version_id !== null) {
          const source = await selectVersions(trx)
            .where('versions.id', '=', version.inherited_from_version_id)
            .executeTakeFirst();
          if (source && source.revoke_at !== null) {
            throw failedPrecondition(
              RegistryErrorReason.REVOCATION_INHERITED,
              `${label} inherits its revocation from version ${quote(source.fingerprint)} (${versionName(source.seq)}) of bucket ${quote(source.bucket_name)}. Restore that version instead; its descendants are restored with it.`,
              { fingerprint: version.fingerprint, inherited_from: source.id },
            );
          }
        }
        await restoreVersion(this.ctx, trx, version, now);
      } else if (request.kind === 'complete') {
        if (revokedNow) throw revokedError(label, version);
        if (version.seq === 0 && !(await maybeCompleteVersion(this.ctx, trx, version, now))) {
          throw failedPrecondition(
            RegistryErrorReason.VERSION_INCOMPLETE,
            `${label} cannot be completed: it needs at least one build and every build must be BUILD_DONE.`,
            { fingerprint: version.fingerprint },
          );
        }
      } else {
        if (version.seq === 0) {
          throw failedPrecondition(
            RegistryErrorReason.VERSION_INCOMPLETE,
            `${label} is not complete: only complete versions can be revoked. Delete an incomplete version instead.`,
            { fingerprint: version.fingerprint },
          );
        }
        if (revokedNow) throw revokedError(label, version);
        const revokeAt =
          request.revokeAt !== undefined
            ? parseRfc3339(request.revokeAt, 'revoke_at')
            : now + parseDuration(request.revokeIn ?? '', 'revoke_in');
        if (
          version.revocation_type === 'INHERITED' &&
          version.revoke_at !== null &&
          revokeAt > Number(version.revoke_at)
        ) {
          throw failedPrecondition(
            RegistryErrorReason.REVOCATION_INHERITED,
            `${label} already inherits a revocation scheduled for ${toIso(Number(version.revoke_at))}; a revocation of its own can only be earlier. Pick an earlier revoke_at, or change the ancestor's schedule.`,
            { fingerprint: version.fingerprint },
          );
        }
        await revokeVersion(
          this.ctx,
          trx,
          version,
          {
            revokeAt,
            message: request.message,
            author: actor.name,
            rollback: !request.disableRollback,
          },
          !request.skipDescendants,
          now,
        );
      }
      return {
        version: await this.versionWire(trx, version.id),
        operation: { id: this.ctx.newId(), state: 'DONE' },
      };
    });
  }

  async deleteVersion(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    options?: { rollbackChannels?: boolean },
  ): Promise<void> {
    checkActor(actor);
    const opts = options === undefined ? {} : checkBody(options, 'DeleteVersion options');
    const rollback = optionalBoolean(opts, 'rollbackChannels') ?? false;
    await this.tx(async (trx) => {
      const bucketRow = await this.requireBucket(trx, bucket);
      const version = await this.requireVersion(trx, bucketRow, fingerprint);
      await lockRows(trx, this.ctx.engine, 'versions', [version.id]);
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
      const now = this.ctx.nowMs();
      const locked = await lockedChannels(
        this.ctx,
        trx
          .selectFrom('channels')
          .select(['id', 'bucket_id', 'managed', 'version_id'])
          .where('version_id', '=', version.id),
      );
      for (const channel of locked)
        await rollBackChannel(this.ctx, trx, channel, actor.name, now, true);
      await trx.deleteFrom('versions').where('id', '=', version.id).execute();
    });
  }

  // ---- builds ---------------------------------------------------------------

  async listBuilds(
    bucket: string,
    fingerprint: string,
    options?: ListOptions,
  ): Promise<ListBuildsResponse> {
    const page = parsePageRequest(options, BUILD_LIST);
    const bucketRow = await this.requireBucket(this.ctx.db, bucket);
    const version = await this.requireVersion(this.ctx.db, bucketRow, fingerprint);
    const rows = await applyPage(
      this.ctx.db.selectFrom('builds').selectAll().where('builds.version_id', '=', version.id),
      page,
    ).execute();
    const result = pageResult(page, rows);
    const builds = (await loadBuilds(this.ctx.db, [version.id])).get(version.id) ?? [];
    const byId = new Map(builds.map((b) => [b.id, b]));
    return {
      builds: result.rows.flatMap((r) => byId.get(r.id) ?? []),
      pagination: result.pagination,
    };
  }

  async createBuild(
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
      alreadyExists(
        RegistryErrorReason.BUILD_EXISTS,
        `Version ${quote(versionFp)} of bucket ${quote(bucket)} already has a build for component_type ${quote(componentType)}. Update that build (UpdateBuild) instead of creating another.`,
        { bucket_name: bucket, fingerprint: versionFp, component_type: componentType },
      );
    const id = this.ctx.newId();
    if (fields.parentChannelId !== undefined && fields.parentVersionId === undefined)
      throw channelWithoutVersion(id);
    checkBuildTransition('BUILD_UNSET', status, id);
    const artifactsSent = fields.artifacts ?? [];
    if (status === 'BUILD_DONE' && artifactsSent.length === 0)
      throw artifactsRequired(componentType);
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
    if (this.ctx.engine === 'postgres' && status !== 'BUILD_DONE' && artifactsSent.length === 0) {
      return this.uniqueAs(
        () => exists(String(fingerprint)),
        () => this.createBuildInOneStatement(bucket, fingerprint, newBuild),
      );
    }
    return this.uniqueAs(
      () => exists(String(fingerprint)),
      () =>
        this.tx(async (trx) => {
          const now = this.ctx.nowMs();
          const version = await this.touchVersion(trx, bucket, fingerprint, now);
          if (version.seq > 0) throw completeError(version, version.bucket_name);
          const build = newBuild(version.id, now);
          await INSERT_BUILD.execute(trx, build);
          const artifacts = this.newArtifactRows(id, artifactsSent, [], now);
          await insertArtifacts(trx, artifacts);
          if (status === 'BUILD_DONE') await maybeCompleteVersion(this.ctx, trx, version, now);
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
  private async createBuildInOneStatement(
    bucket: string,
    fingerprint: string,
    newBuild: (versionId: string, now: number) => BuildTable,
  ): Promise<Build> {
    const bucketKey = lookupName(bucket, 'bucket_name');
    const key = lookupName(fingerprint, 'fingerprint');
    if (bucketKey === undefined || key === undefined) {
      return this.missingVersion(this.ctx.db, bucket, fingerprint);
    }
    const now = this.ctx.nowMs();
    const build = newBuild('', now);
    let inserted: { version_id: string };
    try {
      [inserted] = await INSERT_BUILD_INTO_V0.execute(this.ctx.db, bucketKey, key, now, build);
    } catch (error) {
      if (!isNotNullViolation(error)) throw error;
      const version = await selectVersions(this.ctx.db)
        .where('buckets.name', '=', bucketKey)
        .where('versions.fingerprint', '=', key)
        .executeTakeFirst();
      if (!version) return this.missingVersion(this.ctx.db, bucket, fingerprint);
      throw completeError(version, version.bucket_name);
    }
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
  private async touchVersion(
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
      : this.missingVersion(db, bucket, fingerprint);
  }

  /** Says which of bucket and version does not exist (code 5 either way). */
  private async missingVersion(db: Db, bucket: string, fingerprint: string): Promise<never> {
    const bucketRow = await this.requireBucket(db, bucket);
    throw versionNotFound(bucketRow.name, String(fingerprint).slice(0, 64));
  }

  /** Rows for the artifacts not stored yet (an identical external_identifier + region is stored once). */
  private newArtifactRows(
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
        id: this.ctx.newId(),
        build_id: buildId,
        external_identifier: artifact.external_identifier,
        region: artifact.region,
        created_at: now,
      });
    }
    return rows;
  }

  async getBuild(bucket: string, fingerprint: string, buildId: string): Promise<Build> {
    const bucketRow = await this.requireBucket(this.ctx.db, bucket);
    const version = await this.requireVersion(this.ctx.db, bucketRow, fingerprint);
    const build = await this.requireBuild(this.ctx.db, bucketRow, version, buildId);
    return this.buildWire(this.ctx.db, build);
  }

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
  async updateBuild(
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
    const attempt = async (db: Db): Promise<Build | typeof CHANGED_MEANWHILE> => {
      const now = this.ctx.nowMs();
      const {
        version,
        builds,
        artifacts: storedArtifacts,
      } = await this.readVersionWithBuilds(db, bucket, fingerprint, buildKey);
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
        throw buildDoneError(build.id);
      }
      const next = status ?? current;
      checkBuildTransition(current, next, build.id);
      if (parentChannelId !== '' && parentVersionId === '') throw channelWithoutVersion(build.id);
      if (next === 'BUILD_DONE' && storedArtifacts.length + newArtifacts.length === 0)
        throw artifactsRequired(build.component_type);

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
      const added = this.newArtifactRows(build.id, newArtifacts, storedArtifacts, now);
      const completion =
        next === 'BUILD_DONE'
          ? await planCompletion(
              this.ctx,
              db,
              version,
              builds.map((b) => (b.id === build.id ? updated : b)),
              now,
            )
          : undefined;
      const written = await writeVersion(this.ctx, db, {
        version,
        expectRevision: version.revision,
        now,
        build: { id: build.id, changes, artifacts: added },
        completion,
      });
      if (!written.written) return CHANGED_MEANWHILE;
      return buildToWire(updated, [...storedArtifacts, ...added].map(artifactToWire));
    };

    if (this.ctx.engine === 'sqlite') {
      return this.tx(async (trx) => {
        const result = await attempt(trx);
        // Serialised: nothing can change between its read and its write.
        if (result === CHANGED_MEANWHILE) throw new Error('a version changed inside a transaction');
        return result;
      });
    }
    for (let tries = 1; ; tries += 1) {
      const result = await attempt(this.ctx.db);
      if (result !== CHANGED_MEANWHILE) return result;
      if (tries >= MAX_WRITE_ATTEMPTS) throw tooManyConcurrentWrites(this.ctx.engine, fingerprint);
      // Writers of one version (its builds finishing together) collide rarely; spread them out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * tries * 2));
    }
  }

  /**
   * A version with every build of it and the artifacts of `buildId`, in one
   * statement (so one consistent snapshot), without a lock.
   */
  private async readVersionWithBuilds(
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
    if (rows.length === 0) return this.missingVersion(db, bucket, fingerprint);
    return splitVersionWithBuilds(rows);
  }

  /** Deletes a build of an incomplete version (9 once complete); the version may complete if every remaining build is DONE. */
  async deleteBuild(
    actor: Actor,
    bucket: string,
    fingerprint: string,
    buildId: string,
  ): Promise<void> {
    checkActor(actor);
    await this.tx(async (trx) => {
      const bucketRow = await this.requireBucket(trx, bucket);
      const found = await this.requireVersion(trx, bucketRow, fingerprint);
      await lockRows(trx, this.ctx.engine, 'versions', [found.id]);
      // Read again under the lock: the version may have completed while we waited.
      const version = await this.requireVersion(trx, bucketRow, fingerprint);
      const build = await this.requireBuild(trx, bucketRow, version, buildId);
      if (version.seq > 0) throw completeError(version, bucketRow.name);
      await trx.deleteFrom('builds').where('id', '=', build.id).execute();
      const now = this.ctx.nowMs();
      await trx
        .updateTable('versions')
        .set((eb) => ({ updated_at: now, revision: eb('revision', '+', 1) }))
        .where('id', '=', version.id)
        .execute();
      await maybeCompleteVersion(this.ctx, trx, version, now);
    });
  }

  // ---- channels -------------------------------------------------------------

  async listChannels(
    bucket: string,
    options?: ListOptions,
    actor?: Actor,
  ): Promise<ListChannelsResponse> {
    const page = parsePageRequest(options, CHANNEL_LIST);
    const row = await this.requireBucket(this.ctx.db, bucket);
    let query = selectChannels(this.ctx.db).where('channels.bucket_id', '=', row.id);
    if (actor && !canSeeRestricted(actor)) query = query.where('channels.restricted', '=', 0);
    const rows = await applyPage(query, page).execute();
    const result = pageResult(page, rows);
    return {
      channels: await channelsToWire(this.ctx, this.ctx.db, result.rows),
      pagination: result.pagination,
    };
  }

  /** The version a channel may be given: complete and not revoked (a scheduled revocation is still valid). */
  private async assignableVersion(
    db: Db,
    bucket: BucketTable,
    fingerprint: string,
  ): Promise<AssignedVersion> {
    const version = await this.requireVersion(db, bucket, fingerprint);
    const label = `Version ${quote(version.fingerprint)} of bucket ${quote(bucket.name)}`;
    if (version.seq === 0) {
      throw failedPrecondition(
        RegistryErrorReason.VERSION_INCOMPLETE,
        `${label} is not complete (v0): only complete versions can be assigned to a channel. Finish its builds (all BUILD_DONE) first.`,
        { fingerprint: version.fingerprint },
      );
    }
    if (version.revoke_at !== null && isRevoked(Number(version.revoke_at), this.ctx.nowMs())) {
      throw failedPrecondition(
        RegistryErrorReason.VERSION_REVOKED,
        `${label} is revoked and cannot be assigned to a channel. Restore it first, or assign another version.`,
        { fingerprint: version.fingerprint },
      );
    }
    return version;
  }

  async createChannel(actor: Actor, bucket: string, body: unknown): Promise<Channel> {
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
    return this.uniqueAs(exists, () =>
      this.tx(async (trx) => {
        const bucketRow = await this.requireBucket(trx, bucket);
        const existing = await trx
          .selectFrom('channels')
          .select('id')
          .where('bucket_id', '=', bucketRow.id)
          .where('name', '=', name)
          .executeTakeFirst();
        if (existing) throw exists();
        const version =
          fingerprint === '' ? null : await this.assignableVersion(trx, bucketRow, fingerprint);
        const now = this.ctx.nowMs();
        const channel = {
          id: this.ctx.newId(),
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
        if (version) await setChannelVersion(this.ctx, trx, channel, version, actor.name, now);
        return this.channelWire(trx, channel.id);
      }),
    );
  }

  async getChannel(bucket: string, name: string, actor?: Actor): Promise<Channel> {
    const channel = await this.reads.get(`channel\n${bucket}\n${name}`, async () => {
      const bucketRow = await this.requireBucket(this.ctx.db, bucket);
      const row = await this.requireChannel(this.ctx.db, bucketRow, name);
      return this.expiring((await channelsToWire(this.ctx, this.ctx.db, [row]))[0]);
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
  async updateChannel(actor: Actor, bucket: string, name: string, body: unknown): Promise<Channel> {
    checkActor(actor);
    const input = checkBody(body, 'UpdateChannel body');
    const mask = parseUpdateMask(input['update_mask']);
    const fingerprint = optionalString(input, 'version_fingerprint', 64) ?? '';
    const restricted = optionalBoolean(input, 'restricted') ?? false;
    return this.tx(async (trx) => {
      const bucketRow = await this.requireBucket(trx, bucket);
      const found = await this.requireChannel(trx, bucketRow, name);
      await lockRows(trx, this.ctx.engine, 'channels', [found.id]);
      const channel = await this.requireChannel(trx, bucketRow, name);
      if (channel.managed === 1) throw managedError(channel.name, bucketRow.name, 'updated');
      const now = this.ctx.nowMs();
      if (mask.restricted) {
        await trx
          .updateTable('channels')
          .set({ restricted: restricted ? 1 : 0, updated_at: now })
          .where('id', '=', channel.id)
          .execute();
      }
      if (mask.version) {
        const version =
          fingerprint === '' ? null : await this.assignableVersion(trx, bucketRow, fingerprint);
        if ((version?.id ?? null) !== channel.version_id) {
          await setChannelVersion(this.ctx, trx, channel, version, actor.name, now);
        }
      }
      return this.channelWire(trx, channel.id);
    });
  }

  async deleteChannel(actor: Actor, bucket: string, name: string): Promise<void> {
    checkActor(actor);
    await this.tx(async (trx) => {
      const bucketRow = await this.requireBucket(trx, bucket);
      const channel = await this.requireChannel(trx, bucketRow, name);
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

  async assignChannel(actor: Actor, bucket: string, body: unknown): Promise<Channel> {
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
    return this.tx(async (trx) => {
      const bucketRow = await this.requireBucket(trx, bucket);
      const source = await this.requireChannel(trx, bucketRow, sourceName, 'source_channel');
      const found = await this.requireChannel(trx, bucketRow, targetName, 'target_channel');
      await lockRows(trx, this.ctx.engine, 'channels', [found.id]);
      const target = await this.requireChannel(trx, bucketRow, targetName, 'target_channel');
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
      const version = await this.assignableVersion(trx, bucketRow, sourceVersion.fingerprint);
      if (version.id !== target.version_id) {
        await setChannelVersion(this.ctx, trx, target, version, actor.name, this.ctx.nowMs());
      }
      return this.channelWire(trx, target.id);
    });
  }

  async listChannelHistory(
    bucket: string,
    name: string,
    options?: ListOptions,
    actor?: Actor,
  ): Promise<ListChannelHistoryResponse> {
    const page = parsePageRequest(options, HISTORY_LIST);
    const bucketRow = await this.requireBucket(this.ctx.db, bucket);
    const channel = await this.requireChannel(this.ctx.db, bucketRow, name);
    if (channel.restricted === 1 && actor && !canSeeRestricted(actor)) {
      throw restrictedChannelError(bucketRow.name, channel.name, actor);
    }
    const { n } = await this.ctx.db
      .selectFrom('channel_history')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel_id', '=', channel.id)
      .executeTakeFirstOrThrow();
    const rows = await applyPage(
      this.ctx.db
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

  // ---- ancestry & search ----------------------------------------------------

  /**
   * Direct parent/child relations of one version of the bucket: the one
   * given by `versionFingerprint`, else the bucket's latest (on `latest`,
   * else the highest `vN`). `type` picks a side (both when unset);
   * `channelName` keeps relations recorded through that channel. Each side
   * is one indexed lookup on the link table, so the cost does not depend on
   * how long the chain behind the version is. A viewer `actor` does not see
   * which restricted channel a relation went through (as GetChannel hides it).
   */
  async listBucketAncestry(
    bucket: string,
    query?: AncestryQuery,
    actor?: Actor,
  ): Promise<ListBucketAncestryResponse> {
    const seesRestricted = actor === undefined || canSeeRestricted(checkActor(actor));
    const input = query === undefined ? {} : checkBody(query, 'ancestry query');
    const type = optionalEnum(input, 'type', ANCESTRY_TYPES) ?? 'ANCESTRY_TYPE_UNSET';
    const channelName = optionalString(input, 'channelName', 64) || undefined;
    const fingerprint = optionalString(input, 'versionFingerprint', 64) || undefined;
    const page = parsePageRequest(
      {
        pageSize: input['pageSize'],
        nextPageToken: input['nextPageToken'],
        orderBy: input['orderBy'],
      },
      ANCESTRY_LIST,
    );
    const depth = parseAncestryDepth(input['depth']);
    const db = this.ctx.db;
    const bucketRow = await this.requireBucket(db, bucket);
    let versionId: string | undefined;
    if (fingerprint !== undefined)
      versionId = (await this.requireVersion(db, bucketRow, fingerprint)).id;
    else versionId = (await ancestryVersionIds(db, [bucketRow.id])).get(bucketRow.id);
    if (versionId === undefined) return { relations: [], total_count: 0, pagination: {} };
    const subject = versionId;

    const base = db
      .selectFrom('version_links as l')
      .leftJoin('channels as ch', 'ch.id', 'l.parent_channel_id')
      .where((eb) => {
        const up = eb('l.id', 'in', linksWithin(subject, 'parents', depth));
        const down = eb('l.id', 'in', linksWithin(subject, 'children', depth));
        const directUp = eb('l.child_version_id', '=', subject);
        const directDown = eb('l.parent_version_id', '=', subject);
        const direct = depth === 1;
        const sides =
          type === 'ANCESTRY_TYPE_PARENTS'
            ? [direct ? directUp : up]
            : type === 'ANCESTRY_TYPE_CHILDREN'
              ? [direct ? directDown : down]
              : direct
                ? [directUp, directDown]
                : [up, down];
        const side = eb.or(sides);
        if (channelName === undefined) return side;
        const named = eb('ch.name', '=', channelName);
        return eb.and(seesRestricted ? [side, named] : [side, named, eb('ch.restricted', '=', 0)]);
      });
    const { n } = await base
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await applyPage(
      base
        .innerJoin('versions as pv', 'pv.id', 'l.parent_version_id')
        .innerJoin('buckets as pb', 'pb.id', 'pv.bucket_id')
        .innerJoin('versions as cv', 'cv.id', 'l.child_version_id')
        .innerJoin('buckets as cb', 'cb.id', 'cv.bucket_id')
        .leftJoin('versions as chv', 'chv.id', 'ch.version_id')
        .select([
          'l.id',
          'l.created_at',
          'l.inferred',
          'pv.id as parent_id',
          'pv.fingerprint as parent_fingerprint',
          'pv.seq as parent_seq',
          'pb.name as parent_bucket',
          'cv.id as child_id',
          'cv.fingerprint as child_fingerprint',
          'cv.seq as child_seq',
          'cb.name as child_bucket',
          'ch.id as channel_id',
          'ch.name as channel_name',
          'ch.restricted as channel_restricted',
          'chv.id as channel_version_id',
          'chv.fingerprint as channel_version_fingerprint',
          'chv.seq as channel_version_seq',
        ]),
      page,
    ).execute();
    const result = pageResult(page, rows);
    const relations: BucketAncestry[] = result.rows.map((r) => {
      let status: AncestryStatus = 'UNDETERMINED';
      if (r.channel_id !== null && r.channel_version_id !== null) {
        status = r.channel_version_id === r.parent_id ? 'UP_TO_DATE' : 'OUT_OF_DATE';
      }
      // The status stays: it says whether the parent is current, not which channel says so.
      const channelShown = seesRestricted || Number(r.channel_restricted) === 0;
      return {
        parent: {
          bucket_name: r.parent_bucket,
          channel_name: channelShown ? (r.channel_name ?? '') : '',
          channel_version:
            !channelShown || r.channel_version_id === null
              ? null
              : {
                  fingerprint: r.channel_version_fingerprint ?? '',
                  id: r.channel_version_id,
                  name: versionName(Number(r.channel_version_seq)),
                },
          version_fingerprint: r.parent_fingerprint,
          version_id: r.parent_id,
          version_name: versionName(r.parent_seq),
        },
        child: {
          bucket_name: r.child_bucket,
          version_fingerprint: r.child_fingerprint,
          version_id: r.child_id,
          version_name: versionName(r.child_seq),
        },
        status,
        inferred: r.inferred === 1,
      };
    });
    return { relations, total_count: Number(n), pagination: result.pagination };
  }

  /** Which bucket/version/build produced an artifact (up to {@link MAX_SEARCH_RESULTS} matches, oldest first). */
  async searchExternalArtifact(body: unknown): Promise<SearchExternalArtifactResponse> {
    const input = checkBody(body, 'SearchExternalArtifact body');
    const externalIdentifier = requiredString(input, 'external_identifier', MAX_IDENTIFIER);
    const platform = optionalString(input, 'platform', MAX_SHORT_TEXT) || undefined;
    const region = optionalString(input, 'region', MAX_IDENTIFIER) || undefined;
    const db = this.ctx.db;
    let q = db
      .selectFrom('artifacts as a')
      .innerJoin('builds as b', 'b.id', 'a.build_id')
      .innerJoin('versions as v', 'v.id', 'b.version_id')
      .innerJoin('buckets as k', 'k.id', 'v.bucket_id')
      .select([
        'a.id',
        'b.id as build_id',
        'v.id as version_id',
        'k.id as bucket_id',
        'k.name as bucket_name',
        'k.labels as bucket_labels',
      ])
      .where('a.external_identifier', '=', externalIdentifier);
    if (platform !== undefined) q = q.where('b.platform', '=', platform);
    if (region !== undefined) q = q.where('a.region', '=', region);
    const matches = await q.orderBy('a.id').limit(MAX_SEARCH_RESULTS).execute();
    const versionRows =
      matches.length === 0
        ? []
        : await selectVersions(db)
            .where('versions.id', 'in', [...new Set(matches.map((m) => m.version_id))])
            .execute();
    const versions = new Map(
      (await versionsToWire(this.ctx, db, versionRows)).map((v) => [v.id, v]),
    );
    return {
      artifacts: matches.flatMap((m) => {
        const version = versions.get(m.version_id);
        const build = version?.builds.find((b) => b.id === m.build_id);
        if (!version || !build) return [];
        return [
          {
            bucket: {
              id: m.bucket_id,
              name: m.bucket_name,
              labels: parseStringMap(m.bucket_labels),
            },
            build,
            version: {
              id: version.id,
              name: version.name,
              fingerprint: version.fingerprint,
              author_id: version.author_id,
              status: version.status,
              ...(version.revoke_at !== undefined
                ? {
                    revoke_at: version.revoke_at,
                    revocation_message: version.revocation_message,
                    revocation_author: version.revocation_author,
                    revocation_type: version.revocation_type,
                    ...(version.revocation_inherited_from
                      ? { revocation_inherited_from: version.revocation_inherited_from }
                      : {}),
                  }
                : {}),
            },
          },
        ];
      }),
    };
  }

  // ---- maintenance ----------------------------------------------------------

  async cancelStaleBuilds(now?: Date): Promise<number> {
    const at = checkNow(now) ?? this.ctx.nowMs();
    const cutoff = at - this.ctx.heartbeatTimeoutMs;
    return this.tx(async (trx) => {
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
      return Number(result.numUpdatedRows);
    });
  }

  /**
   * Applies the channel rollback of scheduled revocations that have come
   * due (the status flips at read time by itself; moving channels needs a
   * write). Run it periodically next to {@link cancelStaleBuilds}. Returns
   * how many versions were processed.
   */
  async processDueRevocations(now?: Date): Promise<number> {
    const at = checkNow(now) ?? this.ctx.nowMs();
    return this.tx((trx) => applyDueRevocations(this.ctx, trx, SYSTEM_AUTHOR, at, { kind: 'all' }));
  }

  close(): Promise<void> {
    return this.ctx.close();
  }
}

// ---- query helpers ----------------------------------------------------------

/** Multi-row inserts: one statement (one round trip on PostgreSQL) per chunk, not per artifact. */
async function insertArtifacts(db: Db, rows: readonly ArtifactTable[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ARTIFACT_INSERT_CHUNK) {
    await db
      .insertInto('artifacts')
      .values(rows.slice(start, start + ARTIFACT_INSERT_CHUNK))
      .execute();
  }
}

/** What an UpdateBuild attempt answers when the version changed between its read and its write. */
const CHANGED_MEANWHILE = Symbol('changed meanwhile');
/** Attempts of an UpdateBuild whose version other writers keep changing, before 503. */
const MAX_WRITE_ATTEMPTS = 25;

function tooManyConcurrentWrites(engine: Engine, fingerprint: string): RegistryError {
  return new DatabaseUnavailableError(
    engine,
    `version ${quote(String(fingerprint).slice(0, 64))} kept changing under ${MAX_WRITE_ATTEMPTS} attempts to update it`,
  );
}

/**
 * A version joined with each of its builds and, on the rows of build
 * `buildId`, that build's artifacts; at least one row when the version
 * exists. Build and artifact columns are renamed so they do not clash with
 * the version's.
 */
const VERSION_WITH_BUILDS = reusableQuery(
  (db, bucketName: string, fingerprint: string, buildId: string) =>
    selectVersions(db)
      .leftJoin('builds as bu', 'bu.version_id', 'versions.id')
      .leftJoin('artifacts as ar', (join) =>
        join.onRef('ar.build_id', '=', 'bu.id').on('bu.id', '=', buildId),
      )
      .select([
        'bu.id as b_id',
        'bu.component_type as b_component_type',
        'bu.platform as b_platform',
        'bu.status as b_status',
        'bu.packer_run_uuid as b_packer_run_uuid',
        'bu.labels as b_labels',
        'bu.source_external_identifier as b_source_external_identifier',
        'bu.metadata as b_metadata',
        'bu.parent_version_id as b_parent_version_id',
        'bu.parent_channel_id as b_parent_channel_id',
        'bu.heartbeat_at as b_heartbeat_at',
        'bu.created_at as b_created_at',
        'bu.updated_at as b_updated_at',
        'ar.id as a_id',
        'ar.external_identifier as a_external_identifier',
        'ar.region as a_region',
        'ar.created_at as a_created_at',
      ])
      .where('buckets.name', '=', bucketName)
      .where('versions.fingerprint', '=', fingerprint)
      .orderBy('bu.id')
      .orderBy('ar.id'),
);

type VersionWithBuildsRow = Awaited<ReturnType<typeof VERSION_WITH_BUILDS.execute>>[number];

/** CreateVersion: the bucket id from a subquery (no bucket: NULL, refused by NOT NULL); a taken fingerprint inserts nothing. */
const INSERT_VERSION = reusableQuery(
  (
    db,
    bucketName: string,
    id: string,
    fingerprint: string,
    templateType: string,
    authorId: string,
    now: number,
  ) =>
    db
      .insertInto('versions')
      .values({
        ...NEW_VERSION,
        id,
        fingerprint,
        template_type: templateType,
        author_id: authorId,
        created_at: now,
        updated_at: now,
        bucket_id: (eb) => eb.selectFrom('buckets').select('id').where('name', '=', bucketName),
      })
      .onConflict((oc) => oc.columns(['bucket_id', 'fingerprint']).doNothing())
      .returning('bucket_id'),
);

/** See touchVersion. */
const TOUCH_VERSION = reusableQuery((db, bucketName: string, fingerprint: string, now: number) =>
  db
    .updateTable('versions')
    .set((eb) => ({ updated_at: now, revision: eb('revision', '+', 1) }))
    .where('bucket_id', '=', (eb) =>
      eb.selectFrom('buckets').select('id').where('name', '=', bucketName),
    )
    .where('fingerprint', '=', fingerprint)
    .returningAll(),
);

/** A build row's columns, read one by one (see ReusableQuery). */
function buildValues(build: BuildTable): BuildTable {
  return {
    id: build.id,
    version_id: build.version_id,
    component_type: build.component_type,
    platform: build.platform,
    status: build.status,
    packer_run_uuid: build.packer_run_uuid,
    labels: build.labels,
    source_external_identifier: build.source_external_identifier,
    metadata: build.metadata,
    parent_version_id: build.parent_version_id,
    parent_channel_id: build.parent_channel_id,
    heartbeat_at: build.heartbeat_at,
    created_at: build.created_at,
    updated_at: build.updated_at,
  };
}

const INSERT_BUILD = reusableQuery((db, build: BuildTable) =>
  db.insertInto('builds').values(buildValues(build)),
);

/** See createBuildInOneStatement. */
const INSERT_BUILD_INTO_V0 = reusableQuery(
  (db, bucketName: string, fingerprint: string, now: number, build: BuildTable) =>
    db
      .with('v', (q) =>
        q
          .updateTable('versions')
          .set((eb) => ({ updated_at: now, revision: eb('revision', '+', 1) }))
          .where('bucket_id', '=', (eb) =>
            eb.selectFrom('buckets').select('id').where('name', '=', bucketName),
          )
          .where('fingerprint', '=', fingerprint)
          .where('seq', '=', 0)
          .returning('id'),
      )
      .insertInto('builds')
      .values({ ...buildValues(build), version_id: (eb) => eb.selectFrom('v').select('id') })
      .returning('version_id'),
);

function splitVersionWithBuilds(rows: readonly VersionWithBuildsRow[]): {
  version: VersionRow;
  builds: BuildTable[];
  artifacts: ArtifactTable[];
} {
  const first = rows[0];
  const version: VersionRow = {
    id: first.id,
    bucket_id: first.bucket_id,
    bucket_name: first.bucket_name,
    fingerprint: first.fingerprint,
    seq: first.seq,
    template_type: first.template_type,
    author_id: first.author_id,
    created_at: first.created_at,
    updated_at: first.updated_at,
    completed_at: first.completed_at,
    revoke_at: first.revoke_at,
    revocation_message: first.revocation_message,
    revocation_author: first.revocation_author,
    revocation_type: first.revocation_type,
    revocation_inherited_from: first.revocation_inherited_from,
    inherited_from_version_id: first.inherited_from_version_id,
    revocation_cascade: first.revocation_cascade,
    revocation_rollback: first.revocation_rollback,
    revocation_applied: first.revocation_applied,
    own_revoke_at: first.own_revoke_at,
    own_message: first.own_message,
    own_author: first.own_author,
    own_cascade: first.own_cascade,
    own_rollback: first.own_rollback,
    revision: first.revision,
  };
  const builds: BuildTable[] = [];
  const artifacts: ArtifactTable[] = [];
  for (const row of rows) {
    if (row.b_id === null) continue;
    if (builds[builds.length - 1]?.id !== row.b_id) {
      builds.push({
        id: row.b_id,
        version_id: version.id,
        component_type: row.b_component_type ?? '',
        platform: row.b_platform ?? '',
        status: row.b_status ?? '',
        packer_run_uuid: row.b_packer_run_uuid ?? '',
        labels: row.b_labels ?? '{}',
        source_external_identifier: row.b_source_external_identifier ?? '',
        metadata: row.b_metadata ?? '{}',
        parent_version_id: row.b_parent_version_id ?? '',
        parent_channel_id: row.b_parent_channel_id ?? '',
        heartbeat_at: row.b_heartbeat_at,
        created_at: Number(row.b_created_at),
        updated_at: Number(row.b_updated_at),
      });
    }
    if (row.a_id !== null) {
      artifacts.push({
        id: row.a_id,
        build_id: row.b_id,
        external_identifier: row.a_external_identifier ?? '',
        region: row.a_region ?? '',
        created_at: Number(row.a_created_at),
      });
    }
  }
  return { version, builds, artifacts };
}

// ---- request parsing helpers ------------------------------------------------

/** `depth` of an ancestry query: 1..MAX_ANCESTRY_DEPTH or `'all'` (default 1). */
function parseAncestryDepth(value: unknown): number | 'all' {
  if (value === undefined || value === null) return 1;
  if (value === 'all') return 'all';
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= MAX_ANCESTRY_DEPTH
  )
    return value;
  throw invalidArgument(
    RegistryErrorReason.INVALID_ARGUMENT,
    `depth must be a whole number from 1 to ${MAX_ANCESTRY_DEPTH}, or 'all'; got ${JSON.stringify(value)}.`,
    { field: 'depth' },
  );
}

/**
 * Ids of the version links within `depth` generations of `subject`, towards
 * its parents or its children, across buckets. `'all'` walks a visited set
 * (each version once, so even a cycle of links ends); a number walks
 * (version, generation) pairs, bounded by the depth.
 */
function linksWithin(subject: string, side: 'parents' | 'children', depth: number | 'all') {
  // Walking to parents follows links from their child end; to children, from their parent end.
  const [near, far] =
    side === 'parents'
      ? ['child_version_id', 'parent_version_id']
      : ['parent_version_id', 'child_version_id'];
  const from = sql.ref(`l2.${near}`);
  const to = sql.ref(`l2.${far}`);
  const linkFrom = sql.ref(`l3.${near}`);
  if (depth === 'all') {
    return sql<string>`(
      with recursive walk(version_id) as (
        select ${subject}
        union
        select ${to} from version_links l2 join walk w on ${from} = w.version_id
      )
      select l3.id from version_links l3 join walk w3 on ${linkFrom} = w3.version_id)`;
  }
  return sql<string>`(
    with recursive walk(version_id, generation) as (
      select ${subject}, 0
      union
      select ${to}, w.generation + 1 from version_links l2 join walk w on ${from} = w.version_id
      where w.generation < ${depth - 1}
    )
    select l3.id from version_links l3 join walk w3 on ${linkFrom} = w3.version_id)`;
}

type VersionUpdate =
  | { kind: 'restore' }
  | { kind: 'complete' }
  | {
      kind: 'revoke';
      revokeAt?: string;
      revokeIn?: string;
      message: string;
      skipDescendants: boolean;
      disableRollback: boolean;
    };

function versionUpdateError(message: string): RegistryError {
  return invalidArgument(RegistryErrorReason.VERSION_UPDATE_INVALID, message);
}

/** Validates the field combination of an UpdateVersion body (proto3 zero values count as absent). */
function parseVersionUpdate(input: Body): VersionUpdate {
  const complete = optionalBoolean(input, 'complete') === true;
  const restore = optionalBoolean(input, 'restore') === true;
  const revokeAt = optionalString(input, 'revoke_at', 64) || undefined;
  const revokeIn = optionalString(input, 'revoke_in', 64) || undefined;
  const message = optionalString(input, 'revocation_message', MAX_REVOCATION_MESSAGE) || undefined;
  const skipDescendants = optionalBoolean(input, 'skip_descendants_revocation') === true;
  const disableRollback = optionalBoolean(input, 'disable_rollback_channels') === true;
  const revoke = revokeAt !== undefined || revokeIn !== undefined;
  const revokeOptions = message !== undefined || skipDescendants || disableRollback;
  if (restore && (revoke || revokeOptions || complete)) {
    throw versionUpdateError(
      'restore cannot be combined with revoke_at, revoke_in, revocation_message, skip_descendants_revocation, disable_rollback_channels or complete. Send restore alone.',
    );
  }
  if (revokeAt !== undefined && revokeIn !== undefined) {
    throw versionUpdateError(
      'Send either revoke_at (a date-time) or revoke_in (a duration such as "12h"), not both.',
    );
  }
  if (complete && (revoke || revokeOptions)) {
    throw versionUpdateError('complete cannot be combined with revocation fields. Send it alone.');
  }
  if (revokeOptions && !revoke) {
    throw versionUpdateError(
      'revocation_message, skip_descendants_revocation and disable_rollback_channels need revoke_at or revoke_in. Add one of them (revoke_in "0s" revokes now).',
    );
  }
  if (restore) return { kind: 'restore' };
  if (complete) return { kind: 'complete' };
  if (!revoke) {
    throw versionUpdateError(
      'UpdateVersion needs one of: revoke_at or revoke_in (revoke), restore: true, or complete: true.',
    );
  }
  return {
    kind: 'revoke',
    revokeAt,
    revokeIn,
    message: message ?? '',
    skipDescendants,
    disableRollback,
  };
}

interface BuildFields {
  platform?: string;
  packerRunUuid?: string;
  labels?: Record<string, string>;
  sourceExternalIdentifier?: string;
  artifacts?: { external_identifier: string; region: string }[];
  parentVersionId?: string;
  parentChannelId?: string;
  metadata?: Record<string, unknown>;
}

function parseBuildFields(input: Body): BuildFields {
  const fields: BuildFields = {
    platform: optionalString(input, 'platform', MAX_SHORT_TEXT),
    packerRunUuid: optionalString(input, 'packer_run_uuid', MAX_SHORT_TEXT),
    labels: checkLabels(input),
    sourceExternalIdentifier: optionalString(input, 'source_external_identifier', MAX_IDENTIFIER),
    artifacts: checkArtifacts(input),
    // proto3: an empty id means "not sent".
    parentVersionId: optionalString(input, 'parent_version_id', MAX_SHORT_TEXT) || undefined,
    parentChannelId: optionalString(input, 'parent_channel_id', MAX_SHORT_TEXT) || undefined,
    metadata: checkMetadata(input),
  };
  return fields;
}

function setOnce(field: string, stored: string, sent: string | undefined, buildId: string): string {
  if (sent === undefined || sent === stored) return stored;
  if (stored !== '') {
    throw alreadyExists(
      RegistryErrorReason.BUILD_PARENT_IMMUTABLE,
      `${field} of build ${buildId} is already ${quote(stored)} and can be set only once. Record a different parent in a new version.`,
      { field, build_id: buildId },
    );
  }
  return sent;
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

function checkNow(now: unknown): number | undefined {
  if (now === undefined) return undefined;
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw invalidArgument(
      RegistryErrorReason.INVALID_ARGUMENT,
      'now must be a valid Date (or omitted for the current time).',
      {
        field: 'now',
      },
    );
  }
  return now.getTime();
}

function revokedError(label: string, version: VersionRow): RegistryError {
  const source =
    version.revocation_type === 'INHERITED' && version.revocation_inherited_from !== null
      ? (JSON.parse(version.revocation_inherited_from) as {
          bucket_name: string;
          version_fingerprint: string;
        })
      : undefined;
  const fix = source
    ? `Its revocation is inherited from version ${quote(source.version_fingerprint)} of bucket ${quote(source.bucket_name)}; restore that version first.`
    : 'Send {"restore": true} first.';
  return failedPrecondition(
    RegistryErrorReason.VERSION_REVOKED,
    `${label} is revoked and cannot be changed until it is restored. ${fix}`,
    { fingerprint: version.fingerprint },
  );
}

function completeError(version: VersionRow, bucket: string): RegistryError {
  return failedPrecondition(
    RegistryErrorReason.VERSION_COMPLETE,
    `Version ${quote(version.fingerprint)} of bucket ${quote(bucket)} is complete (${versionName(version.seq)}); its builds can no longer change. Build again under a new fingerprint.`,
    { fingerprint: version.fingerprint },
  );
}

function managedError(channel: string, bucket: string, what: string): RegistryError {
  return failedPrecondition(
    RegistryErrorReason.CHANNEL_MANAGED,
    `Channel ${quote(channel)} of bucket ${quote(bucket)} is managed by the registry (it follows the newest complete version) and cannot be ${what}. Use a channel of your own.`,
    { bucket_name: bucket, channel_name: channel },
  );
}

function artifactsRequired(componentType: string): RegistryError {
  return invalidArgument(
    RegistryErrorReason.BUILD_ARTIFACTS_REQUIRED,
    `Build ${quote(componentType)} cannot be BUILD_DONE without artifacts. Send artifacts [{external_identifier, region}] with the update (or earlier).`,
    { field: 'artifacts', component_type: componentType },
  );
}

function channelWithoutVersion(buildId: string): RegistryError {
  return invalidArgument(
    RegistryErrorReason.INVALID_ARGUMENT,
    `parent_channel_id is set without parent_version_id on build ${buildId}. Send the parent version's id along with its channel's id.`,
    { field: 'parent_channel_id' },
  );
}
