import type {
  AncestryStatus,
  Artifact,
  Bucket,
  Build,
  BuildMetadata,
  BuildStatus,
  Channel,
  RevocationInheritedFrom,
  RevocationType,
  TemplateType,
  Version,
} from '@imprint/client';
import type {
  ArtifactTable,
  BucketTable,
  BuildTable,
  ChannelTable,
  Db,
  VersionTable,
} from '../storage/schema';
import { inChunks } from '../storage/sql-helpers';
import { LATEST_CHANNEL, ancestryHref, bucketResourceName, versionName } from './context';
import type { ServiceContext } from './context';
import { versionStatus } from './lifecycle';
import { parseStringMap } from './validation';
import { toIso } from './time';
import { worstAncestryStatus } from '../resources/ancestry/ancestry.sql';

/*
 * Rows → wire models. Every loader works on a batch of rows with a fixed
 * number of queries (IN lists), so a page of 1000 versions costs a handful
 * of round trips, not thousands.
 */

/** A version row with its bucket's name. */
export type VersionRow = VersionTable & { bucket_name: string };
/** A channel row with its bucket's name. */
export type ChannelRow = ChannelTable & { bucket_name: string };

/** SELECT versions.* plus the bucket name. */
export function selectVersions(db: Db) {
  return db
    .selectFrom('versions')
    .innerJoin('buckets', 'buckets.id', 'versions.bucket_id')
    .selectAll('versions')
    .select('buckets.name as bucket_name');
}

/** SELECT channels.* plus the bucket name. */
export function selectChannels(db: Db) {
  return db
    .selectFrom('channels')
    .innerJoin('buckets', 'buckets.id', 'channels.bucket_id')
    .selectAll('channels')
    .select('buckets.name as bucket_name');
}

/** Full builds (with artifacts) of the given versions, keyed by version id, in creation order. */
export async function loadBuilds(
  db: Db,
  versionIds: readonly string[],
): Promise<Map<string, Build[]>> {
  const builds = await inChunks(versionIds, (chunk) =>
    db.selectFrom('builds').selectAll().where('version_id', 'in', chunk).orderBy('id').execute(),
  );
  const artifacts = await inChunks(
    builds.map((b) => b.id),
    (chunk) =>
      db.selectFrom('artifacts').selectAll().where('build_id', 'in', chunk).orderBy('id').execute(),
  );
  const artifactsByBuild = new Map<string, Artifact[]>();
  for (const a of artifacts) {
    const list = artifactsByBuild.get(a.build_id) ?? [];
    list.push(artifactToWire(a));
    artifactsByBuild.set(a.build_id, list);
  }
  const out = new Map<string, Build[]>();
  for (const b of builds) {
    const list = out.get(b.version_id) ?? [];
    list.push(buildToWire(b, artifactsByBuild.get(b.id) ?? []));
    out.set(b.version_id, list);
  }
  return out;
}

/** A stored artifact as the API shows it. */
export function artifactToWire(a: ArtifactTable): Artifact {
  return {
    id: a.id,
    external_identifier: a.external_identifier,
    region: a.region,
    created_at: toIso(Number(a.created_at)),
  };
}

/** A stored build with its artifacts as the API shows it. */
export function buildToWire(b: BuildTable, artifacts: Artifact[]): Build {
  return {
    id: b.id,
    version_id: b.version_id,
    component_type: b.component_type,
    platform: b.platform,
    status: b.status as BuildStatus,
    packer_run_uuid: b.packer_run_uuid,
    labels: parseStringMap(b.labels),
    source_external_identifier: b.source_external_identifier,
    artifacts,
    metadata: JSON.parse(b.metadata) as BuildMetadata,
    created_at: toIso(Number(b.created_at)),
    updated_at: toIso(Number(b.updated_at)),
  };
}

/** Wire versions for the given rows, in the same order. */
export async function versionsToWire(
  ctx: ServiceContext,
  db: Db,
  rows: readonly VersionRow[],
): Promise<Version[]> {
  if (rows.length === 0) return [];
  const now = ctx.nowMs();
  const ids = rows.map((r) => r.id);
  const builds = await loadBuilds(db, ids);
  const parents = await worstAncestryStatus(db, 'child', ids);
  const withChildren = new Set(
    (
      await inChunks(ids, (chunk) =>
        db
          .selectFrom('version_links')
          .select('parent_version_id')
          .distinct()
          .where('parent_version_id', 'in', chunk)
          .execute(),
      )
    ).map((r) => r.parent_version_id),
  );
  return rows.map((row) =>
    versionToWire(ctx, row, {
      builds: builds.get(row.id) ?? [],
      parentsStatus: parents.get(row.id) ?? 'UNDETERMINED',
      hasParents: parents.has(row.id),
      hasDescendants: withChildren.has(row.id),
      now,
    }),
  );
}

/** What a version's wire form needs besides its row. */
export interface VersionFacts {
  readonly builds: Build[];
  /** Worst status of its relations to its parents (UNDETERMINED without any). */
  readonly parentsStatus: AncestryStatus;
  /** Whether it has any parent relation. */
  readonly hasParents: boolean;
  readonly hasDescendants: boolean;
  readonly now: number;
}

/** A version row as the API shows it. */
export function versionToWire(ctx: ServiceContext, row: VersionRow, facts: VersionFacts): Version {
  const revokeAt = row.revoke_at === null ? null : Number(row.revoke_at);
  const version: Version = {
    id: row.id,
    bucket_name: row.bucket_name,
    fingerprint: row.fingerprint,
    name: versionName(row.seq),
    status: versionStatus(
      row.seq,
      facts.builds.map((b) => b.status),
      revokeAt,
      facts.now,
    ),
    template_type: row.template_type as TemplateType,
    author_id: row.author_id,
    builds: facts.builds,
    created_at: toIso(Number(row.created_at)),
    updated_at: toIso(Number(row.updated_at)),
    has_descendants: facts.hasDescendants,
    parents: {
      href: ancestryHref(ctx, row.bucket_name, 'ANCESTRY_TYPE_PARENTS', row.fingerprint),
      status: facts.parentsStatus,
      has_relations: facts.hasParents,
    },
  };
  if (revokeAt !== null) {
    version.revoke_at = toIso(revokeAt);
    version.revocation_message = row.revocation_message ?? '';
    version.revocation_author = row.revocation_author ?? '';
    version.revocation_type = (row.revocation_type ?? 'REVOCATION_TYPE_UNSET') as RevocationType;
    if (row.revocation_inherited_from !== null) {
      version.revocation_inherited_from = JSON.parse(
        row.revocation_inherited_from,
      ) as RevocationInheritedFrom;
    }
  }
  return version;
}

/** Wire versions by id (missing ids are skipped). */
export async function versionsById(
  ctx: ServiceContext,
  db: Db,
  ids: readonly string[],
): Promise<Map<string, Version>> {
  const unique = [...new Set(ids)];
  const rows = await inChunks(unique, (chunk) =>
    selectVersions(db).where('versions.id', 'in', chunk).execute(),
  );
  const versions = await versionsToWire(ctx, db, rows);
  return new Map(versions.map((v) => [v.id, v]));
}

/**
 * The version bucket-level ancestry is about: the one on `latest`, else the
 * highest complete `vN` (e.g. after `latest` was left pointing nowhere).
 */
export async function ancestryVersionIds(
  db: Db,
  bucketIds: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const latest = await inChunks(bucketIds, (chunk) =>
    db
      .selectFrom('channels')
      .select(['bucket_id', 'version_id'])
      .where('bucket_id', 'in', chunk)
      .where('managed', '=', 1)
      .where('name', '=', LATEST_CHANNEL)
      .execute(),
  );
  for (const row of latest) if (row.version_id !== null) out.set(row.bucket_id, row.version_id);
  const missing = bucketIds.filter((id) => !out.has(id));
  const fallback = await inChunks(missing, (chunk) =>
    db
      .selectFrom('versions as v')
      .select(['v.bucket_id', 'v.id'])
      .where('v.bucket_id', 'in', chunk)
      .where('v.seq', '>', 0)
      .where((eb) =>
        eb(
          'v.seq',
          '=',
          eb
            .selectFrom('versions as w')
            .select((w) => w.fn.max('w.seq').as('m'))
            .whereRef('w.bucket_id', '=', 'v.bucket_id'),
        ),
      )
      .execute(),
  );
  for (const row of fallback) out.set(row.bucket_id, row.id);
  return out;
}

/** Wire buckets for the given rows, in the same order. */
export async function bucketsToWire(
  ctx: ServiceContext,
  db: Db,
  rows: readonly BucketTable[],
): Promise<Bucket[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const latestIds = await inChunks(ids, (chunk) =>
    db
      .selectFrom('channels')
      .select(['bucket_id', 'version_id'])
      .where('bucket_id', 'in', chunk)
      .where('managed', '=', 1)
      .where('name', '=', LATEST_CHANNEL)
      .execute(),
  );
  const latestByBucket = new Map(latestIds.map((r) => [r.bucket_id, r.version_id]));
  const latest = await versionsById(
    ctx,
    db,
    latestIds.flatMap((r) => (r.version_id === null ? [] : [r.version_id])),
  );
  const counts = await inChunks(ids, (chunk) =>
    db
      .selectFrom('versions')
      .select(['bucket_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('bucket_id', 'in', chunk)
      .groupBy('bucket_id')
      .execute(),
  );
  const countByBucket = new Map(counts.map((r) => [r.bucket_id, Number(r.n)]));
  const subject = await ancestryVersionIds(db, ids);
  const subjectIds = [...subject.values()];
  const parents = await worstAncestryStatus(db, 'child', subjectIds);
  const children = await worstAncestryStatus(db, 'parent', subjectIds);
  return rows.map((row) => {
    const latestId = latestByBucket.get(row.id) ?? null;
    const subjectId = subject.get(row.id);
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      labels: parseStringMap(row.labels),
      location: {
        organization_id: ctx.location.organization_id,
        project_id: ctx.location.project_id,
      },
      resource_name: bucketResourceName(ctx, row.name),
      created_at: toIso(Number(row.created_at)),
      updated_at: toIso(Number(row.updated_at)),
      latest_version: latestId === null ? null : (latest.get(latestId) ?? null),
      platforms: JSON.parse(row.platforms) as string[],
      version_count: String(countByBucket.get(row.id) ?? 0),
      parents: {
        href: ancestryHref(ctx, row.name, 'ANCESTRY_TYPE_PARENTS'),
        status: (subjectId && parents.get(subjectId)) || 'UNDETERMINED',
        has_relations: subjectId !== undefined && parents.has(subjectId),
      },
      children: {
        href: ancestryHref(ctx, row.name, 'ANCESTRY_TYPE_CHILDREN'),
        status: (subjectId && children.get(subjectId)) || 'UNDETERMINED',
        has_relations: subjectId !== undefined && children.has(subjectId),
      },
    };
  });
}

/** Wire channels for the given rows, in the same order. */
export async function channelsToWire(
  ctx: ServiceContext,
  db: Db,
  rows: readonly ChannelRow[],
): Promise<Channel[]> {
  const versions = await versionsById(
    ctx,
    db,
    rows.flatMap((r) => (r.version_id === null ? [] : [r.version_id])),
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    bucket_name: row.bucket_name,
    author_id: row.author_id,
    created_at: toIso(Number(row.created_at)),
    updated_at: toIso(Number(row.updated_at)),
    managed: row.managed === 1,
    restricted: row.restricted === 1,
    version: row.version_id === null ? null : (versions.get(row.version_id) ?? null),
  }));
}
