import {
  ANCESTRY_TYPES,
  type BucketAncestry,
  type ListBucketAncestryResponse,
} from '@imprint/client';
import { applyPage } from '../../storage/keyset';
import { versionName } from '../../domain/context';
import type { ServiceContext } from '../../domain/context';
import { pageResult, parsePageRequest } from '../../domain/pagination';
import type { ListSpec } from '../../domain/pagination';
import { MAX_ANCESTRY_DEPTH } from '../../domain/registry-contract';
import type { Actor, AncestryQuery } from '../../domain/registry-contract';
import { RegistryErrors } from '../../errors/registry-errors';
import { checkActor, checkBody, optionalEnum, optionalString } from '../../domain/validation';
import { ancestryVersionIds } from '../../domain/wire';
import { requireBucket } from '../buckets/buckets.service';
import { canSeeRestricted } from '../channels/channels.service';
import { requireVersion } from '../versions/versions.service';
import { ancestryStatusOf, linksWithin, relationStatusRank } from './ancestry.sql';

const ANCESTRY_LIST: ListSpec = {
  fields: { created_at: { column: 'l.created_at', key: 'created_at', type: 'integer' } },
  defaultOrder: ['created_at asc'],
  id: { column: 'l.id', key: 'id', type: 'text' },
};

/**
 * Direct parent/child relations of one version of the bucket: the one
 * given by `versionFingerprint`, else the bucket's latest (on `latest`,
 * else the highest `vN`). `type` picks a side (both when unset);
 * `channelName` keeps relations recorded through that channel. Each side
 * is one indexed lookup on the link table, so the cost does not depend on
 * how long the chain behind the version is. A viewer `actor` does not see
 * which restricted channel a relation went through (as GetChannel hides it).
 */
export async function listBucketAncestry(
  ctx: ServiceContext,
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
  const db = ctx.db;
  const bucketRow = await requireBucket(db, bucket);
  let versionId: string | undefined;
  if (fingerprint !== undefined) versionId = (await requireVersion(db, bucketRow, fingerprint)).id;
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
        'ch.name as channel_name',
        'ch.restricted as channel_restricted',
        'chv.id as channel_version_id',
        'chv.fingerprint as channel_version_fingerprint',
        'chv.seq as channel_version_seq',
        relationStatusRank('ch.version_id', 'l.parent_version_id').as('status_rank'),
      ]),
    page,
  ).execute();
  const result = pageResult(page, rows);
  const relations: BucketAncestry[] = result.rows.map((r) => {
    const status = ancestryStatusOf(r.status_rank);
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
  throw new RegistryErrors.AncestryDepthInvalid({ value, max: MAX_ANCESTRY_DEPTH });
}
