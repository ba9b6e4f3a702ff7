import type { ArtifactTable, BuildTable, Db } from '../../storage/schema';
import { reusableQuery } from '../../storage/reusable-query';
import { selectVersions } from '../../domain/wire';
import type { VersionRow } from '../../domain/wire';
import { ARTIFACT_INSERT_CHUNK } from '../versions/version-writes';

/** Multi-row inserts: one statement (one round trip on PostgreSQL) per chunk, not per artifact. */
export async function insertArtifacts(db: Db, rows: readonly ArtifactTable[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ARTIFACT_INSERT_CHUNK) {
    await db
      .insertInto('artifacts')
      .values(rows.slice(start, start + ARTIFACT_INSERT_CHUNK))
      .execute();
  }
}

/**
 * A version joined with each of its builds and, on the rows of build
 * `buildId`, that build's artifacts; at least one row when the version
 * exists. Build and artifact columns are renamed so they do not clash with
 * the version's.
 */
export const VERSION_WITH_BUILDS = reusableQuery(
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

/** See touchVersion (builds.service.ts). */
export const TOUCH_VERSION = reusableQuery(
  (db, bucketName: string, fingerprint: string, now: number) =>
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

export const INSERT_BUILD = reusableQuery((db, build: BuildTable) =>
  db.insertInto('builds').values(buildValues(build)),
);

/** See createBuildInOneStatement (builds.service.ts). */
export const INSERT_BUILD_INTO_V0 = reusableQuery(
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

export function splitVersionWithBuilds(rows: readonly VersionWithBuildsRow[]): {
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
