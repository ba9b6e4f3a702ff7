import type { RevocationInheritedFrom } from '@imprint/client';
import type { BuildTable, Db, VersionTable } from '../storage/schema';
import { inChunks } from '../storage/sql-helpers';
import { assignLatest } from './channel-assignment';
import type { ServiceContext } from './context';
import { inheritedFrom } from './revocation';

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

/**
 * Completes `version` when it is still `v0`, has at least one build and
 * every build is BUILD_DONE. `builds` are all of its builds as this
 * transaction sees them (the version row is locked, so they cannot change
 * under it); {@link maybeCompleteVersion} loads them. Completion, in one
 * transaction:
 * 1. ancestry links are recorded: declared parents (`parent_version_id`,
 *    with `parent_channel_id` when it names a channel of the parent's
 *    bucket) and inferred ones (a complete version elsewhere holds a DONE
 *    build whose artifact `external_identifier` equals one of this version's
 *    `source_external_identifier`s). Only complete versions can be parents,
 *    so the graph stays acyclic (a version has no children before it completes);
 * 2. a revoked or scheduled parent whose revocation cascades makes the new
 *    version inherit it at once (the earliest one, if several);
 * 3. the bucket's sequence hands out the next `vN` (and, when `latest` is
 *    to move, the bucket's `platforms` become this version's);
 * 4. `latest` moves to the version, unless it inherited a revocation that is
 *    already in effect (latest only ever receives valid versions).
 * Returns whether the version completed.
 */
export async function completeIfDone(
  ctx: ServiceContext,
  db: Db,
  version: VersionTable,
  builds: readonly CompletionBuild[],
  now: number,
): Promise<boolean> {
  if (version.seq > 0) return false;
  if (builds.length === 0 || builds.some((b) => b.status !== 'BUILD_DONE')) return false;

  const links = await ancestryLinks(db, version.id, builds);
  if (links.length > 0) {
    await db
      .insertInto('version_links')
      .values(
        links.map((link) => ({
          id: ctx.newId(),
          child_version_id: version.id,
          parent_version_id: link.parent,
          parent_channel_id: link.channel,
          inferred: link.inferred ? 1 : 0,
          created_at: now,
        })),
      )
      .execute();
  }

  const effective = await inheritFromParents(ctx, db, version.id, links, now);

  // The bucket's sequence last: its row lock serialises every completion in
  // the bucket until this transaction commits, so it is held for as little
  // of the transaction as possible. The platforms of `latest` ride along.
  const platforms = [...new Set(builds.map((b) => b.platform).filter((p) => p !== ''))].sort();
  const { version_seq: seq } = await db
    .updateTable('buckets')
    .set((eb) => ({
      version_seq: eb('version_seq', '+', 1),
      updated_at: now,
      ...(effective ? {} : { platforms: JSON.stringify(platforms) }),
    }))
    .where('id', '=', version.bucket_id)
    .returning('version_seq')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('versions')
    .set({ seq, completed_at: now, updated_at: now })
    .where('id', '=', version.id)
    .execute();

  if (!effective) {
    await assignLatest(
      ctx,
      db,
      version.bucket_id,
      { id: version.id, fingerprint: version.fingerprint, seq },
      now,
    );
  }
  return true;
}

/** {@link completeIfDone}, loading the version's builds first. */
export async function maybeCompleteVersion(
  ctx: ServiceContext,
  db: Db,
  version: VersionTable,
  now: number,
): Promise<boolean> {
  if (version.seq > 0) return false;
  const builds = await db
    .selectFrom('builds')
    .select(COMPLETION_BUILD_COLUMNS)
    .where('version_id', '=', version.id)
    .orderBy('id')
    .execute();
  return completeIfDone(ctx, db, version, builds, now);
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

/** Applies the earliest cascading revocation among the parents; returns whether it is already in effect. */
async function inheritFromParents(
  ctx: ServiceContext,
  db: Db,
  versionId: string,
  links: readonly Link[],
  now: number,
): Promise<boolean> {
  if (links.length === 0) return false;
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
  if (!parent) return false;
  const revokeAt = Number(parent.revoke_at);
  const manual = parent.revocation_type === 'MANUAL';
  const source: RevocationInheritedFrom = manual
    ? inheritedFrom(ctx, parent)
    : (JSON.parse(parent.revocation_inherited_from ?? '{}') as RevocationInheritedFrom);
  const effective = revokeAt <= now;
  await db
    .updateTable('versions')
    .set({
      revoke_at: revokeAt,
      revocation_message: parent.revocation_message,
      revocation_author: parent.revocation_author,
      revocation_type: 'INHERITED',
      revocation_inherited_from: JSON.stringify(source),
      inherited_from_version_id: manual ? parent.id : parent.inherited_from_version_id,
      revocation_cascade: 0,
      revocation_rollback: parent.revocation_rollback,
      // Already in effect: it was never assigned anywhere, so nothing to roll back.
      revocation_applied: effective ? 1 : 0,
      updated_at: now,
    })
    .where('id', '=', versionId)
    .execute();
  return effective;
}
