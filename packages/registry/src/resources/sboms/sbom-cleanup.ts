import type { ServiceContext } from '../../domain/context';
import type { Db } from '../../storage/schema';

/** Which builds' SBOMs a delete removes. */
export type SbomScope = { buildId: string } | { versionId: string } | { bucketId: string };

/**
 * Inside a deleting transaction, before the build, version or bucket row
 * goes: deletes its SBOMs' package rows, its SBOM rows and the blobs no
 * other SBOM uses. Returns those blobs, for {@link SbomBlobStore.removeFiles} once the transaction committed.
 */
export async function deleteSbomsOf(
  ctx: ServiceContext,
  trx: Db,
  scope: SbomScope,
): Promise<string[]> {
  await trx.deleteFrom('packages').where('build_id', 'in', buildsOf(trx, scope)).execute();
  const deleted = await trx
    .deleteFrom('sboms')
    .where('build_id', 'in', buildsOf(trx, scope))
    .returning('blob_sha256')
    .execute();
  return ctx.sbomBlobs.dropUnreferenced(trx, [...new Set(deleted.map((r) => r.blob_sha256))]);
}

/** The ids of the builds `scope` names. */
function buildsOf(eb: Db, scope: SbomScope) {
  if ('buildId' in scope)
    return eb.selectFrom('builds').select('id').where('id', '=', scope.buildId);
  if ('versionId' in scope)
    return eb.selectFrom('builds').select('id').where('version_id', '=', scope.versionId);
  return eb
    .selectFrom('builds')
    .innerJoin('versions', 'versions.id', 'builds.version_id')
    .select('builds.id')
    .where('versions.bucket_id', '=', scope.bucketId);
}
