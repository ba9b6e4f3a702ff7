import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { DatabaseUnavailableError } from '../../storage/availability';
import { reusableQuery } from '../../storage/reusable-query';
import { isForeignKeyViolation } from '../../storage/sql-helpers';
import type { ReusableQuery } from '../../storage/reusable-query';
import type {
  ArtifactTable,
  BuildTable,
  ChannelHistoryTable,
  Db,
  VersionLinkTable,
  VersionTable,
} from '../../storage/schema';
import type { CompletionPlan, InheritedRevocation } from './completion';
import { LATEST_CHANNEL, SYSTEM_AUTHOR, versionName } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import { NO_REVOCATION } from '../revocation/revocation';
import { assignmentTime } from '../channels/channel-assignment';

/** The columns of a build an update may change. */
export type BuildChanges = Pick<
  BuildTable,
  | 'status'
  | 'platform'
  | 'packer_run_uuid'
  | 'source_external_identifier'
  | 'labels'
  | 'metadata'
  | 'parent_version_id'
  | 'parent_channel_id'
  | 'heartbeat_at'
  | 'updated_at'
>;

/** Everything one change of a version's builds writes, decided beforehand. */
export interface VersionWrite {
  readonly version: Pick<VersionTable, 'id' | 'bucket_id' | 'fingerprint'>;
  /**
   * Write only if the version's `revision` is still this (what the caller
   * read without a lock). Leave it out when the caller holds the version's
   * row lock.
   */
  readonly expectRevision?: number;
  readonly now: number;
  readonly build?: {
    readonly id: string;
    readonly changes: BuildChanges;
    readonly artifacts: readonly ArtifactTable[];
  };
  /** The version completes (see planCompletion). */
  readonly completion?: CompletionPlan;
}

/** What {@link writeVersion} did. */
export interface VersionWritten {
  /** False when the revision had moved: nothing was written; read again and retry. */
  readonly written: boolean;
  /** The `vN` handed out, when the version completed. */
  readonly seq?: number;
}

/**
 * Writes a {@link VersionWrite}: the version's `revision` and `updated_at`
 * move, the build changes and gains its artifacts, and a completion
 * records its links, takes the bucket's next `vN` (the bucket's platforms
 * follow when `latest` moves), inherits a parent's revocation and moves
 * `latest`, with a history entry credited to the registry.
 *
 * PostgreSQL: one statement of data-modifying CTEs, each part applying only
 * if the revision check passes. One round trip however much it writes, and
 * the bucket row (which serialises completions in a bucket) is locked only
 * while that statement runs, never across a round trip to the client.
 * SQLite: the same writes one by one (its transactions are serialised; a
 * statement there costs microseconds, not a round trip).
 */
export function writeVersion(
  ctx: ServiceContext,
  db: Db,
  write: VersionWrite,
): Promise<VersionWritten> {
  return ctx.engine === 'postgres' ? writeInOneStatement(db, write) : writeStepByStep(db, write);
}

/** The columns a build update sets, in one order (the statement's shape must not depend on values). */
const BUILD_CHANGE_COLUMNS = [
  'status',
  'platform',
  'packer_run_uuid',
  'source_external_identifier',
  'labels',
  'metadata',
  'parent_version_id',
  'parent_channel_id',
  'heartbeat_at',
  'updated_at',
] as const satisfies readonly (keyof BuildChanges)[];

/** The revocation columns a completing version may inherit. */
const INHERITED_COLUMNS = [
  'revoke_at',
  'revocation_message',
  'revocation_author',
  'revocation_type',
  'revocation_inherited_from',
  'inherited_from_version_id',
  'revocation_cascade',
  'revocation_rollback',
  'revocation_applied',
] as const satisfies readonly (keyof InheritedRevocation)[];

/** What varies the text of the one-statement write; its values go in as parameters. */
interface Shape {
  readonly guarded: boolean;
  readonly build: boolean;
  readonly artifacts: number;
  readonly completing: boolean;
  readonly inherits: boolean;
  readonly moveLatest: boolean;
  readonly links: number;
}

/** The values of a one-statement write, flat enough to read through stand-ins. */
interface StatementValues {
  readonly versionId: string;
  readonly bucketId: string;
  readonly fingerprint: string;
  readonly now: number;
  readonly revision: number;
  readonly buildId: string;
  readonly changes: BuildChanges;
  readonly artifacts: readonly ArtifactTable[];
  readonly platforms: string;
  readonly inherited: InheritedRevocation;
  readonly links: readonly VersionLinkTable[];
  readonly historyId: string;
}

/** Shapes with up to this many artifacts and links are compiled once and kept. */
const MAX_CACHED_ROWS = 16;
const statements = new Map<string, ReusableQuery<[StatementValues], StatementResult>>();

interface StatementResult {
  ok: number;
  seq: number | null;
}

async function writeInOneStatement(db: Db, w: VersionWrite): Promise<VersionWritten> {
  const { build, completion } = w;
  const shape: Shape = {
    guarded: w.expectRevision !== undefined,
    build: build !== undefined,
    artifacts: build?.artifacts.length ?? 0,
    completing: completion !== undefined,
    inherits: completion?.inherited !== undefined,
    moveLatest: completion?.moveLatest ?? false,
    links: completion?.links.length ?? 0,
  };
  const values: StatementValues = {
    versionId: w.version.id,
    bucketId: w.version.bucket_id,
    fingerprint: w.version.fingerprint,
    now: w.now,
    revision: w.expectRevision ?? 0,
    buildId: build?.id ?? '',
    changes: build?.changes ?? ({} as BuildChanges),
    artifacts: build?.artifacts ?? [],
    platforms: JSON.stringify(completion?.platforms ?? []),
    inherited: completion?.inherited ?? ({} as InheritedRevocation),
    links: completion?.links ?? [],
    historyId: completion?.historyId ?? '',
  };
  const key = JSON.stringify(shape);
  let statement = statements.get(key);
  if (statement === undefined) {
    statement = reusableQuery((q, v: StatementValues) => ({
      compile: () => oneStatement(shape, v).compile(q),
    }));
    if (shape.artifacts <= MAX_CACHED_ROWS && shape.links <= MAX_CACHED_ROWS) {
      statements.set(key, statement);
    }
  }
  let row: StatementResult | undefined;
  try {
    [row] = await statement.execute(db, values);
  } catch (error) {
    // A parent version (or its channel) that the plan read was deleted
    // before the write: what was decided no longer holds. Unguarded, the
    // caller's transaction is lost too; either way, decide again.
    if (!isForeignKeyViolation(error)) throw error;
    if (shape.guarded) return { written: false };
    throw new DatabaseUnavailableError(
      'postgres',
      'a version or channel the change refers to was deleted meanwhile',
      { cause: error },
    );
  }
  if (!row || row.ok === 0) return { written: false };
  return completion ? { written: true, seq: Number(row.seq) } : { written: true };
}

/** The one-statement write of `shape` (see writeVersion), over `v`'s values as parameters. */
function oneStatement(shape: Shape, v: StatementValues): RawBuilder<StatementResult> {
  const ctes: RawBuilder<unknown>[] = [
    // The lock is taken here, while this statement runs; `ok` has a row
    // only if nobody changed the version since the caller read it.
    sql`lk as (select revision from versions where id = ${v.versionId} for no key update)`,
    shape.guarded
      ? sql`ok as (select 1 as ok from lk where revision = ${v.revision})`
      : sql`ok as (select 1 as ok from lk)`,
  ];
  const versionSets = [sql`revision = revision + 1`, sql`updated_at = ${v.now}`];
  if (shape.completing) {
    const platforms = shape.moveLatest ? sql`, platforms = ${v.platforms}` : sql``;
    ctes.push(
      sql`bk as (update buckets set version_seq = version_seq + 1, updated_at = ${v.now}${platforms}
        where id = ${v.bucketId} and exists (select 1 from ok) returning version_seq)`,
    );
    versionSets.push(sql`seq = (select version_seq from bk)`, sql`completed_at = ${v.now}`);
    if (shape.inherits) {
      for (const column of INHERITED_COLUMNS) {
        versionSets.push(sql`${sql.ref(column)} = ${v.inherited[column]}`);
      }
    }
  }
  ctes.push(
    sql`uv as (update versions set ${sql.join(versionSets)}
      where id = ${v.versionId} and exists (select 1 from ok) returning seq)`,
  );
  if (shape.build) {
    const sets = BUILD_CHANGE_COLUMNS.map(
      (column) => sql`${sql.ref(column)} = ${v.changes[column]}`,
    );
    ctes.push(
      sql`ub as (update builds set ${sql.join(sets)}
        where id = ${v.buildId} and exists (select 1 from ok))`,
    );
  }
  if (shape.artifacts > 0) {
    const rows = Array.from({ length: shape.artifacts }, (_, i) => {
      const a = v.artifacts[i];
      return sql`(${a.id}, ${a.build_id}, ${a.external_identifier}, ${a.region}, ${a.created_at}::bigint)`;
    });
    ctes.push(
      sql`ia as (insert into artifacts (id, build_id, external_identifier, region, created_at)
        select * from (values ${sql.join(rows)}) as t where exists (select 1 from ok))`,
    );
  }
  if (shape.links > 0) {
    const rows = Array.from({ length: shape.links }, (_, i) => {
      const l = v.links[i];
      return sql`(${l.id}, ${l.child_version_id}, ${l.parent_version_id}, ${l.parent_channel_id}::text, ${l.inferred}::integer, ${l.created_at}::bigint)`;
    });
    ctes.push(
      sql`il as (insert into version_links (id, child_version_id, parent_version_id, parent_channel_id, inferred, created_at)
        select * from (values ${sql.join(rows)}) as t where exists (select 1 from ok))`,
    );
  }
  if (shape.moveLatest) {
    ctes.push(
      sql`lc as (update channels set version_id = ${v.versionId}, author_id = ${SYSTEM_AUTHOR},
          updated_at = ${assignmentTime('postgres', v.now)}
        where bucket_id = ${v.bucketId} and managed = 1 and name = ${LATEST_CHANNEL}
          and exists (select 1 from bk) returning id, updated_at)`,
      sql`ih as (insert into channel_history (id, channel_id, assigned_at, author_id, version_id, version_fingerprint, version_name)
        select ${v.historyId}, lc.id, lc.updated_at, ${SYSTEM_AUTHOR}, ${v.versionId}, ${v.fingerprint},
          'v' || (select seq from uv)::text from lc)`,
    );
  }
  return sql<StatementResult>`
    with ${sql.join(ctes)}
    select (select count(*) from ok)::integer as ok, (select seq from uv) as seq`;
}

async function writeStepByStep(db: Db, w: VersionWrite): Promise<VersionWritten> {
  const { version, now, build, completion } = w;
  const touched =
    w.expectRevision === undefined
      ? await TOUCH.run(db, version.id, now)
      : await TOUCH_IF_REVISION.run(db, version.id, now, w.expectRevision);
  if (Number(touched.numAffectedRows ?? 0) === 0) return { written: false };

  if (build) {
    await UPDATE_BUILD.run(db, build.id, build.changes);
    for (let start = 0; start < build.artifacts.length; start += ARTIFACT_INSERT_CHUNK) {
      await db
        .insertInto('artifacts')
        .values(build.artifacts.slice(start, start + ARTIFACT_INSERT_CHUNK))
        .execute();
    }
  }
  if (!completion) return { written: true };

  if (completion.links.length > 0) {
    await db
      .insertInto('version_links')
      .values([...completion.links])
      .execute();
  }
  const [{ version_seq: seq }] = completion.moveLatest
    ? await NEXT_SEQ_WITH_PLATFORMS.execute(
        db,
        version.bucket_id,
        now,
        JSON.stringify(completion.platforms),
      )
    : await NEXT_SEQ.execute(db, version.bucket_id, now);
  await COMPLETE_VERSION.run(db, version.id, seq, now, completion.inherited ?? NO_REVOCATION);
  if (completion.moveLatest) {
    const [latest] = await MOVE_LATEST.execute(db, version.bucket_id, version.id, now);
    await INSERT_HISTORY.run(db, {
      id: completion.historyId,
      channel_id: latest.id,
      assigned_at: Number(latest.updated_at),
      author_id: SYSTEM_AUTHOR,
      version_id: version.id,
      version_fingerprint: version.fingerprint,
      version_name: versionName(seq),
    });
  }
  return { written: true, seq };
}

// The statements of writeStepByStep, compiled once (see ReusableQuery).
const TOUCH = reusableQuery((db, id: string, now: number) =>
  db
    .updateTable('versions')
    .set((eb) => ({ revision: eb('revision', '+', 1), updated_at: now }))
    .where('id', '=', id),
);
const TOUCH_IF_REVISION = reusableQuery((db, id: string, now: number, revision: number) =>
  db
    .updateTable('versions')
    .set((eb) => ({ revision: eb('revision', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .where('revision', '=', revision),
);
const UPDATE_BUILD = reusableQuery((db, id: string, c: BuildChanges) =>
  db
    .updateTable('builds')
    .set({
      status: c.status,
      platform: c.platform,
      packer_run_uuid: c.packer_run_uuid,
      source_external_identifier: c.source_external_identifier,
      labels: c.labels,
      metadata: c.metadata,
      parent_version_id: c.parent_version_id,
      parent_channel_id: c.parent_channel_id,
      heartbeat_at: c.heartbeat_at,
      updated_at: c.updated_at,
    })
    .where('id', '=', id),
);
const NEXT_SEQ = reusableQuery((db, bucketId: string, now: number) =>
  db
    .updateTable('buckets')
    .set((eb) => ({ version_seq: eb('version_seq', '+', 1), updated_at: now }))
    .where('id', '=', bucketId)
    .returning('version_seq'),
);
const NEXT_SEQ_WITH_PLATFORMS = reusableQuery(
  (db, bucketId: string, now: number, platforms: string) =>
    db
      .updateTable('buckets')
      .set((eb) => ({ version_seq: eb('version_seq', '+', 1), updated_at: now, platforms }))
      .where('id', '=', bucketId)
      .returning('version_seq'),
);
const COMPLETE_VERSION = reusableQuery(
  (db, id: string, seq: number, now: number, r: InheritedRevocation) =>
    db
      .updateTable('versions')
      .set({
        seq,
        completed_at: now,
        revoke_at: r.revoke_at,
        revocation_message: r.revocation_message,
        revocation_author: r.revocation_author,
        revocation_type: r.revocation_type,
        revocation_inherited_from: r.revocation_inherited_from,
        inherited_from_version_id: r.inherited_from_version_id,
        revocation_cascade: r.revocation_cascade,
        revocation_rollback: r.revocation_rollback,
        revocation_applied: r.revocation_applied,
      })
      .where('id', '=', id),
);
const MOVE_LATEST = reusableQuery((db, bucketId: string, versionId: string, now: number) =>
  db
    .updateTable('channels')
    .set({
      version_id: versionId,
      author_id: SYSTEM_AUTHOR,
      // writeStepByStep runs on SQLite only.
      updated_at: assignmentTime('sqlite', now),
    })
    .where('bucket_id', '=', bucketId)
    .where('managed', '=', 1)
    .where('name', '=', LATEST_CHANNEL)
    .returning(['id', 'updated_at']),
);
const INSERT_HISTORY = reusableQuery((db, h: ChannelHistoryTable) =>
  db.insertInto('channel_history').values({
    id: h.id,
    channel_id: h.channel_id,
    assigned_at: h.assigned_at,
    author_id: h.author_id,
    version_id: h.version_id,
    version_fingerprint: h.version_fingerprint,
    version_name: h.version_name,
  }),
);

/** Artifacts per INSERT statement (5 bound values each, far below both engines' limits). */
export const ARTIFACT_INSERT_CHUNK = 200;
