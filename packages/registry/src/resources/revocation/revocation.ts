import { sql } from 'kysely';
import type { RevocationInheritedFrom } from '@imprint/client';
import type { Db } from '../../storage/schema';
import { applyDueRevocations, refreshLatest } from '../channels/channel-assignment';
import { SYSTEM_AUTHOR, versionHref, versionName } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import type { VersionRow } from '../../domain/wire';
import { enqueueVersionEvents } from '../webhooks/webhook-outbox';

/*
 * Revocation, restore and their cascade over the ancestry graph (declared and
 * inferred links alike). Everything runs inside the caller's transaction and
 * is set-based: descendants are found with a recursive CTE, so revoking the
 * root of a 100,000-version chain is one UPDATE, not 100,000.
 *
 * Model:
 * - The effective revocation (`revoke_at`, `revocation_*`) is what clients
 *   see. MANUAL belongs to the version itself; INHERITED names the manually
 *   revoked ancestor it comes from (`inherited_from_version_id`: the root,
 *   not the direct parent), so restoring the root clears exactly the
 *   revocations it caused.
 * - The earliest revocation wins. A descendant keeps an earlier one it
 *   already has, and takes an ancestor's when that is earlier.
 * - A version's own manual revocation is also kept in `own_*`. When an
 *   earlier inherited revocation hides it, it is not lost: it comes back
 *   when the ancestor is restored, or rescheduled later than it.
 */

/** What a revocation writes on a version (and, inherited, on its descendants). */
export interface RevocationRecord {
  readonly revokeAt: number;
  readonly message: string;
  readonly author: string;
  /** Roll channels back once the revocation takes effect. */
  readonly rollback: boolean;
}

/** The `revocation_inherited_from` block naming `root`. */
export function inheritedFrom(ctx: ServiceContext, root: VersionRow): RevocationInheritedFrom {
  return {
    bucket_name: root.bucket_name,
    href: versionHref(ctx, root.bucket_name, root.fingerprint),
    version_fingerprint: root.fingerprint,
    version_id: root.id,
    version_name: versionName(root.seq),
  };
}

function selectVersion(db: Db, id: string) {
  return db
    .selectFrom('versions')
    .innerJoin('buckets', 'buckets.id', 'versions.bucket_id')
    .selectAll('versions')
    .select('buckets.name as bucket_name')
    .where('versions.id', '=', id)
    .executeTakeFirstOrThrow();
}

/** Cascades the (effective, MANUAL) revocation of `root` to its descendants. */
async function cascadeFromManual(
  ctx: ServiceContext,
  db: Db,
  root: VersionRow,
  now: number,
): Promise<void> {
  await cascadeRevocation(
    ctx,
    db,
    root.id,
    root.id,
    inheritedFrom(ctx, root),
    {
      revokeAt: Number(root.revoke_at),
      message: root.revocation_message ?? '',
      author: root.revocation_author ?? '',
      rollback: root.revocation_rollback === 1,
    },
    now,
  );
}

/**
 * Writes an inherited revocation from `sourceId` on every descendant of
 * `startId` (transitively) that has none, already inherits from the same
 * source, or has a later revocation that has not taken effect yet. Then
 * gives back their own revocation to descendants whose own one is earlier
 * than what they now inherit (and cascades from those).
 */
export async function cascadeRevocation(
  ctx: ServiceContext,
  db: Db,
  startId: string,
  sourceId: string,
  source: RevocationInheritedFrom,
  record: RevocationRecord,
  now: number,
): Promise<void> {
  await sql`
    with recursive descendants(id) as (
      select child_version_id from version_links where parent_version_id = ${startId}
      union
      select l.child_version_id from version_links l join descendants d on l.parent_version_id = d.id
    )
    update versions set
      revoke_at = ${record.revokeAt},
      revocation_message = ${record.message},
      revocation_author = ${record.author},
      revocation_type = 'INHERITED',
      revocation_inherited_from = ${JSON.stringify(source)},
      inherited_from_version_id = ${sourceId},
      revocation_cascade = 0,
      revocation_rollback = ${record.rollback ? 1 : 0},
      revocation_applied = 0,
      updated_at = ${now}
    where id in (select id from descendants)
      and id <> ${sourceId}
      and (
        revoke_at is null
        or inherited_from_version_id = ${sourceId}
        or (revoke_at > ${record.revokeAt} and revoke_at > ${now})
      )`.execute(db);
  await reinstateOwn(ctx, db, await hiddenOwn(db, sourceId, sql`own_revoke_at < revoke_at`), now);
}

/** Versions inheriting from `sourceId` that match `condition` and have an own revocation hidden beneath. */
async function hiddenOwn(
  db: Db,
  sourceId: string,
  condition: ReturnType<typeof sql>,
): Promise<string[]> {
  const found = await sql<{ id: string }>`
    select id from versions
    where inherited_from_version_id = ${sourceId} and own_revoke_at is not null and ${condition}
    order by own_revoke_at, id`.execute(db);
  return found.rows.map((r) => r.id);
}

/** Makes the own revocation of `ids` their effective (MANUAL) one again; those that cascade pass it on. */
async function reinstateOwn(
  ctx: ServiceContext,
  db: Db,
  ids: readonly string[],
  now: number,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('versions')
    .set((eb) => ({
      revoke_at: eb.ref('own_revoke_at'),
      revocation_message: eb.ref('own_message'),
      revocation_author: eb.ref('own_author'),
      revocation_type: 'MANUAL',
      revocation_inherited_from: null,
      inherited_from_version_id: null,
      revocation_cascade: eb.ref('own_cascade'),
      revocation_rollback: eb.ref('own_rollback'),
      revocation_applied: 0,
      updated_at: now,
    }))
    .where('id', 'in', [...ids])
    .execute();
  for (const id of ids) {
    const version = await selectVersion(db, id);
    if (version.revocation_cascade === 1) await cascadeFromManual(ctx, db, version, now);
  }
}

/** Revokes (or reschedules) `version` manually and cascades unless `cascade` is false. */
export async function revokeVersion(
  ctx: ServiceContext,
  db: Db,
  version: VersionRow,
  record: RevocationRecord,
  cascade: boolean,
  now: number,
): Promise<void> {
  const hadInheritors = version.revocation_type === 'MANUAL';
  await db
    .updateTable('versions')
    .set({
      revoke_at: record.revokeAt,
      revocation_message: record.message,
      revocation_author: record.author,
      revocation_type: 'MANUAL',
      revocation_inherited_from: null,
      inherited_from_version_id: null,
      revocation_cascade: cascade ? 1 : 0,
      revocation_rollback: record.rollback ? 1 : 0,
      revocation_applied: 0,
      own_revoke_at: record.revokeAt,
      own_message: record.message,
      own_author: record.author,
      own_cascade: cascade ? 1 : 0,
      own_rollback: record.rollback ? 1 : 0,
      updated_at: now,
    })
    .where('id', '=', version.id)
    .execute();
  if (cascade) {
    await cascadeFromManual(ctx, db, await selectVersion(db, version.id), now);
  } else if (hadInheritors) {
    // Rescheduled with skip_descendants_revocation: the earlier schedule's
    // inherited revocations no longer apply.
    await clearInheritedFrom(ctx, db, version.id, false, now);
  }
  ctx.record(db, {
    kind: 'version-revoked',
    when: record.revokeAt <= now ? 'immediate' : 'scheduled',
  });
  // In effect now: roll back the channels of this version and of those that
  // inherit from it, credited to whoever revoked it. Other revocations that
  // happen to be due are the sweeper's (credited to the registry).
  if (record.revokeAt <= now) {
    await applyDueRevocations(ctx, db, record.author, now, { kind: 'root', rootId: version.id });
  }
  // One in effect now was announced (`version.revoke`) when applied just above.
  if (record.revokeAt > now) {
    await enqueueVersionEvents(ctx, db, 'version.schedule-revocation', [version.id]);
  }
}

/**
 * Restores `version`: clears its revocation (its own one too) and every
 * revocation inherited from it, then re-applies the cascades of other
 * manually revoked ancestors so a descendant still below a revoked version
 * stays revoked.
 */
export async function restoreVersion(
  ctx: ServiceContext,
  db: Db,
  version: VersionRow,
  now: number,
): Promise<void> {
  await clearInheritedFrom(ctx, db, version.id, true, now);
}

/** The effective-revocation columns of a version that has none. */
export const NO_REVOCATION = {
  revoke_at: null,
  revocation_message: null,
  revocation_author: null,
  revocation_type: null,
  revocation_inherited_from: null,
  inherited_from_version_id: null,
  revocation_cascade: 0,
  revocation_rollback: 0,
  revocation_applied: 0,
} as const;

/** The own-revocation columns of a version that has none. */
export const NO_OWN_REVOCATION = {
  own_revoke_at: null,
  own_message: null,
  own_author: null,
  own_cascade: 0,
  own_rollback: 0,
} as const;

async function clearInheritedFrom(
  ctx: ServiceContext,
  db: Db,
  versionId: string,
  includeSelf: boolean,
  now: number,
): Promise<void> {
  // Manually revoked, cascading ancestors of everything about to be cleared
  // (found before clearing, while inherited_from still marks the set).
  const ancestors = await sql<{ id: string }>`
    with recursive ancestors(id) as (
      select l.parent_version_id from version_links l
        where l.child_version_id in (select id from versions where inherited_from_version_id = ${versionId})
          ${includeSelf ? sql`or l.child_version_id = ${versionId}` : sql``}
      union
      select l.parent_version_id from version_links l join ancestors a on l.child_version_id = a.id
    )
    select v.id from versions v join ancestors a on a.id = v.id
    where v.revocation_type = 'MANUAL' and v.revocation_cascade = 1 and v.revoke_at is not null
      and v.id <> ${versionId}
    order by v.revoke_at, v.id`.execute(db);

  // Buckets whose versions become valid again: `latest` may belong to one of them now.
  const touchedBuckets = await db
    .selectFrom('versions')
    .select('bucket_id')
    .distinct()
    .where((eb) =>
      eb.or([
        eb('inherited_from_version_id', '=', versionId),
        ...(includeSelf ? [eb('id', '=', versionId)] : []),
      ]),
    )
    .execute();

  // What is about to lose a revocation: announced below as restored (it was
  // in effect) or as a cancelled schedule.
  const cleared = await db
    .selectFrom('versions')
    .select(['id', 'revoke_at'])
    .where((eb) =>
      eb.or([
        eb('inherited_from_version_id', '=', versionId),
        ...(includeSelf ? [eb('id', '=', versionId)] : []),
      ]),
    )
    .where('revoke_at', 'is not', null)
    .execute();

  const hidden = await hiddenOwn(db, versionId, sql`1 = 1`);
  await db
    .updateTable('versions')
    .set({ ...NO_REVOCATION, updated_at: now })
    .where('inherited_from_version_id', '=', versionId)
    .execute();
  if (includeSelf) {
    await db
      .updateTable('versions')
      .set({
        ...NO_REVOCATION,
        ...NO_OWN_REVOCATION,
        updated_at: now,
      })
      .where('id', '=', versionId)
      .execute();
  }

  const wasInEffect = (v: { revoke_at: number | null }) => Number(v.revoke_at) <= now;
  await enqueueVersionEvents(
    ctx,
    db,
    'version.restore',
    cleared.filter(wasInEffect).map((v) => v.id),
  );
  await enqueueVersionEvents(
    ctx,
    db,
    'version.cancel-revocation',
    cleared.filter((v) => !wasInEffect(v)).map((v) => v.id),
  );

  // Own revocations the cleared one was hiding come back (and cascade).
  await reinstateOwn(ctx, db, hidden, now);
  for (const { id } of ancestors.rows) {
    const root = await selectVersion(db, id);
    // An earlier step may have changed it; only still-manual cascading roots pass on.
    if (
      root.revocation_type === 'MANUAL' &&
      root.revocation_cascade === 1 &&
      root.revoke_at !== null
    ) {
      await cascadeFromManual(ctx, db, root, now);
    }
  }
  // A re-applied cascade that is already in effect rolls channels back too.
  await applyDueRevocations(ctx, db, SYSTEM_AUTHOR, now, { kind: 'all' });
  await refreshLatest(
    ctx,
    db,
    touchedBuckets.map((b) => b.bucket_id),
    now,
  );
}
