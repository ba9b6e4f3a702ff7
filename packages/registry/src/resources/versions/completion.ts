import type { RevocationInheritedFrom } from '@imprint/client';
import type { BuildTable, Db, VersionLinkTable, VersionTable } from '../../storage/schema';
import { inChunks } from '../../storage/sql-helpers';
import type { ServiceContext } from '../../domain/context';
import { inheritedFrom } from '../revocation/revocation';
import { enqueueVersionEvents } from '../webhooks/webhook-outbox';
import { announceAssignment } from '../channels/channel-assignment';
import { LATEST_CHANNEL, SYSTEM_AUTHOR } from '../../domain/context';
import { writeVersion } from './version-writes';

interface Link {
  parent: string;
  channel: string | null;
  inferred: boolean;
}

/** What completion needs of each build of the version. */
export type CompletionBuild = Pick<
  BuildTable,
  'status' | 'platform' | 'parent_version_id' | 'parent_channel_id' | 'source_external_identifier'
>;

/** The facts completion reads of each build, as one select list. */
export const COMPLETION_BUILD_COLUMNS = [
  'status',
  'platform',
  'parent_version_id',
  'parent_channel_id',
  'source_external_identifier',
] as const;

/** Revocation columns a new version takes over from a parent whose revocation cascades. */
export type InheritedRevocation = Pick<
  VersionTable,
  | 'revoke_at'
  | 'revocation_message'
  | 'revocation_author'
  | 'revocation_type'
  | 'revocation_inherited_from'
  | 'inherited_from_version_id'
  | 'revocation_cascade'
  | 'revocation_rollback'
  | 'revocation_applied'
>;

/** What completing a version writes (see writeVersion), decided from what was read. */
export interface CompletionPlan {
  /** Its relations to parents, as rows of version_links. */
  readonly links: readonly VersionLinkTable[];
  /** A parent's cascading revocation it inherits at once, if any. */
  readonly inherited?: InheritedRevocation;
  /** `latest` moves to it: not when it inherited a revocation already in effect. */
  readonly moveLatest: boolean;
  /** Its platforms: the bucket's, once `latest` is on it. */
  readonly platforms: readonly string[];
  /** Id of `latest`'s history entry. */
  readonly historyId: string;
}

/**
 * Decides whether `version` completes, and what that writes. It completes
 * when it is still `v0`, has at least one build and every build is
 * BUILD_DONE (`builds` are all of its builds, as the caller read them).
 * Completion:
 * 1. records ancestry links: declared parents (`parent_version_id`, with
 *    `parent_channel_id` when it names a channel of the parent's bucket) and
 *    inferred ones (a complete version elsewhere holds a DONE build whose
 *    artifact `external_identifier` equals one of this version's
 *    `source_external_identifier`s). Only complete versions can be parents,
 *    so the graph stays acyclic (a version has no children before it
 *    completes);
 * 2. a revoked or scheduled parent whose revocation cascades makes the new
 *    version inherit it at once (the earliest one, if several);
 * 3. takes the bucket's next `vN` (and, when `latest` moves, the bucket's
 *    `platforms` become this version's);
 * 4. moves `latest` to the version, unless it inherited a revocation that is
 *    already in effect (latest only ever receives valid versions).
 * Returns undefined when the version does not complete.
 */
export async function planCompletion(
  ctx: ServiceContext,
  db: Db,
  version: Pick<VersionTable, 'id' | 'seq'>,
  builds: readonly CompletionBuild[],
  now: number,
): Promise<CompletionPlan | undefined> {
  if (version.seq > 0) return undefined;
  if (builds.length === 0 || builds.some((b) => b.status !== 'BUILD_DONE')) return undefined;
  const links = await ancestryLinks(db, version.id, builds);
  const inherited = await inheritedRevocation(ctx, db, links, now);
  const effective = inherited !== undefined && Number(inherited.revoke_at) <= now;
  return {
    links: links.map((link) => ({
      id: ctx.newId(),
      child_version_id: version.id,
      parent_version_id: link.parent,
      parent_channel_id: link.channel,
      inferred: link.inferred ? 1 : 0,
      created_at: now,
    })),
    inherited,
    moveLatest: !effective,
    platforms: [...new Set(builds.map((b) => b.platform).filter((p) => p !== ''))].sort(),
    historyId: ctx.newId(),
  };
}

/**
 * Completes `version` if its builds (loaded here) are all done. For callers
 * that hold the version's row lock (so it cannot change under them).
 * Returns whether it completed.
 */
export async function maybeCompleteVersion(
  ctx: ServiceContext,
  db: Db,
  version: Pick<VersionTable, 'id' | 'bucket_id' | 'fingerprint' | 'seq'>,
  now: number,
): Promise<boolean> {
  if (version.seq > 0) return false;
  const builds = await db
    .selectFrom('builds')
    .select(COMPLETION_BUILD_COLUMNS)
    .where('version_id', '=', version.id)
    .orderBy('id')
    .execute();
  const completion = await planCompletion(ctx, db, version, builds, now);
  if (!completion) return false;
  await writeVersion(ctx, db, { version, now, completion });
  await announceCompletion(ctx, db, version, completion);
  return true;
}

/**
 * The events of a completion {@link writeVersion} wrote: `version.complete`,
 * and `version.assign` when it moved the bucket's `latest`.
 */
export async function announceCompletion(
  ctx: ServiceContext,
  db: Db,
  version: Pick<VersionTable, 'id' | 'bucket_id'>,
  completion: CompletionPlan,
): Promise<void> {
  await enqueueVersionEvents(ctx, db, 'version.complete', [version.id]);
  ctx.record(db, { kind: 'version-completed' });
  // Completed under a parent's revocation already in effect: revoked (and applied) from the start.
  if (!completion.moveLatest) ctx.record(db, { kind: 'revocation-applied', count: 1 });
  if (completion.moveLatest) {
    await announceAssignment(
      ctx,
      db,
      { bucket_id: version.bucket_id, name: LATEST_CHANNEL },
      version.id,
      SYSTEM_AUTHOR,
    );
  }
}

async function ancestryLinks(
  db: Db,
  versionId: string,
  builds: readonly CompletionBuild[],
): Promise<Link[]> {
  const links = new Map<string, Link>();
  for (const build of builds) {
    if (build.parent_version_id === '' || links.get(build.parent_version_id)?.inferred === false)
      continue;
    const parent = await db
      .selectFrom('versions')
      .select(['id', 'bucket_id', 'seq'])
      .where('id', '=', build.parent_version_id)
      .executeTakeFirst();
    // Unknown parents (e.g. a version of another registry) are kept on the
    // build as sent but make no relation.
    if (!parent || parent.seq === 0 || parent.id === versionId) continue;
    let channel: string | null = null;
    if (build.parent_channel_id !== '') {
      const row = await db
        .selectFrom('channels')
        .select('id')
        .where('id', '=', build.parent_channel_id)
        .where('bucket_id', '=', parent.bucket_id)
        .executeTakeFirst();
      channel = row?.id ?? null;
    }
    links.set(parent.id, { parent: parent.id, channel, inferred: false });
  }

  const sources = [
    ...new Set(builds.map((b) => b.source_external_identifier).filter((s) => s !== '')),
  ];
  const inferred = await inChunks(sources, (chunk) =>
    db
      .selectFrom('artifacts as a')
      .innerJoin('builds as b', 'b.id', 'a.build_id')
      .innerJoin('versions as v', 'v.id', 'b.version_id')
      .select('v.id')
      .distinct()
      .where('a.external_identifier', 'in', chunk)
      .where('b.status', '=', 'BUILD_DONE')
      .where('v.seq', '>', 0)
      .where('v.id', '<>', versionId)
      .execute(),
  );
  for (const { id } of inferred) {
    if (!links.has(id)) links.set(id, { parent: id, channel: null, inferred: true });
  }
  return [...links.values()];
}

/** The earliest cascading revocation among the parents, as the columns the new version takes. */
async function inheritedRevocation(
  ctx: ServiceContext,
  db: Db,
  links: readonly Link[],
  now: number,
): Promise<InheritedRevocation | undefined> {
  if (links.length === 0) return undefined;
  const parents = await db
    .selectFrom('versions')
    .innerJoin('buckets', 'buckets.id', 'versions.bucket_id')
    .selectAll('versions')
    .select('buckets.name as bucket_name')
    .where(
      'versions.id',
      'in',
      links.map((l) => l.parent),
    )
    .where('versions.revoke_at', 'is not', null)
    .orderBy('versions.revoke_at')
    .orderBy('versions.id')
    .execute();
  // A manual revocation made with skip_descendants_revocation does not reach new children either.
  const parent = parents.find(
    (p) => p.revocation_type === 'INHERITED' || p.revocation_cascade === 1,
  );
  if (!parent) return undefined;
  const revokeAt = Number(parent.revoke_at);
  const manual = parent.revocation_type === 'MANUAL';
  const source: RevocationInheritedFrom = manual
    ? inheritedFrom(ctx, parent)
    : (JSON.parse(parent.revocation_inherited_from ?? '{}') as RevocationInheritedFrom);
  return {
    revoke_at: revokeAt,
    revocation_message: parent.revocation_message,
    revocation_author: parent.revocation_author,
    revocation_type: 'INHERITED',
    revocation_inherited_from: JSON.stringify(source),
    inherited_from_version_id: manual ? parent.id : parent.inherited_from_version_id,
    revocation_cascade: 0,
    revocation_rollback: parent.revocation_rollback,
    // Already in effect: it was never assigned anywhere, so nothing to roll back.
    revocation_applied: revokeAt <= now ? 1 : 0,
  };
}
