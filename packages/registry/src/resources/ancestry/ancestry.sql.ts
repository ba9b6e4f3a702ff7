import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { AncestryStatus } from '@imprint/client';
import type { Db } from '../../storage/schema';
import { inChunks } from '../../storage/sql-helpers';

/** Ancestry statuses from best to worst; SQL carries a status as its index here. */
const STATUS_RANK: readonly AncestryStatus[] = ['UP_TO_DATE', 'UNDETERMINED', 'OUT_OF_DATE'];

function rank(status: AncestryStatus): RawBuilder<number> {
  return sql.lit(STATUS_RANK.indexOf(status));
}

/**
 * The one rule for a relation's status, as the rank of its status: a relation
 * is UP_TO_DATE when the channel recorded at build time still holds the
 * recorded parent version, OUT_OF_DATE when it holds another one,
 * UNDETERMINED without a channel (inferred links, deleted or empty channel).
 * `channelVersion` and `parentVersion` name the columns of the relation's
 * channel's current version and of its parent version.
 */
export function relationStatusRank(channelVersion: string, parentVersion: string) {
  const held = sql.ref(channelVersion);
  return sql<number>`case when ${held} is null then ${rank('UNDETERMINED')} when ${held} = ${sql.ref(parentVersion)} then ${rank('UP_TO_DATE')} else ${rank('OUT_OF_DATE')} end`;
}

/** The status a rank from {@link relationStatusRank} (or its `max`) stands for. */
export function ancestryStatusOf(statusRank: number | string): AncestryStatus {
  return STATUS_RANK[Number(statusRank)];
}

/**
 * Worst ancestry status per version, over the relations where the version is
 * the child (`side = 'child'`: its parents) or the parent (its children), each
 * relation's status by {@link relationStatusRank}.
 * Worst = OUT_OF_DATE > UNDETERMINED > UP_TO_DATE; no relation → UNDETERMINED.
 */
export async function worstAncestryStatus(
  db: Db,
  side: 'child' | 'parent',
  versionIds: readonly string[],
): Promise<Map<string, AncestryStatus>> {
  const column = side === 'child' ? 'l.child_version_id' : 'l.parent_version_id';
  const rows = await inChunks(versionIds, async (chunk) => {
    const result = await sql<{ vid: string; worst: number }>`
      select ${sql.ref(column)} as vid,
        max(${relationStatusRank('ch.version_id', 'l.parent_version_id')}) as worst
      from version_links l
      left join channels ch on ch.id = l.parent_channel_id
      where ${sql.ref(column)} in (${sql.join(chunk)})
      group by ${sql.ref(column)}`.execute(db);
    return result.rows;
  });
  return new Map(rows.map((r) => [r.vid, ancestryStatusOf(r.worst)]));
}

/**
 * Ids of the version links within `depth` generations of `subject`, towards
 * its parents or its children, across buckets. `'all'` walks a visited set
 * (each version once, so even a cycle of links ends); a number walks
 * (version, generation) pairs, bounded by the depth.
 */
export function linksWithin(subject: string, side: 'parents' | 'children', depth: number | 'all') {
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
