import type { ServiceContext } from '../../domain/context';
import type { Db } from '../../storage/schema';
import { dropOrphanMatches, holdMatchingLock } from '../vulnerabilities/vulnerability-matching';

/** Which builds' SBOMs a delete removes. */
export type SbomScope = { buildId: string } | { versionId: string } | { bucketId: string };

/**
 * Inside a deleting transaction, before the build, version or bucket row
 * goes: deletes its SBOMs' package rows (and the vulnerability matches of
 * package identities no other SBOM names), its SBOM rows and the blobs no
 * other SBOM uses. Returns those blobs, for {@link SbomBlobStore.removeFiles} once the transaction committed.
 */
export async function deleteSbomsOf(
  ctx: ServiceContext,
  trx: Db,
  scope: SbomScope,
): Promise<string[]> {
  const packages = await trx
    .deleteFrom('packages')
    .where('build_id', 'in', buildsOf(trx, scope))
    .returning('package_key')
    .execute();
  // Shared with uploads, exclusive to an import batch, which could otherwise match a package being deleted.
  await holdMatchingLock(ctx, trx, 'shared');
  await dropOrphanMatches(
    trx,
    packages.map((p) => p.package_key),
  );
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
