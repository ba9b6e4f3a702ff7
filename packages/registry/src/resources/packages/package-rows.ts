import type { SbomFormat } from '@imprint/client';
import type { ServiceContext } from '../../domain/context';
import type { Db, PackageTable } from '../../storage/schema';
import { readStoredDocument } from '../sboms/sbom-document';
import {
  MATCHABLE_COLUMNS,
  chunks,
  matchNewPackages,
  osvColumns,
  type MatchablePackage,
} from '../vulnerabilities/vulnerability-matching';
import { parseSbomPackages, type ParsedPackage } from './sbom-packages';

/** Rows per INSERT: 14 bound values each stays far below SQLite's and PostgreSQL's limits. */
const INSERT_CHUNK = 300;

/** Inside the upload's transaction: the package rows of one SBOM. */
export async function insertPackages(
  ctx: ServiceContext,
  trx: Db,
  sbom: { id: string; build_id: string; created_at: number },
  packages: readonly ParsedPackage[],
): Promise<void> {
  const rows: PackageTable[] = packages.map((p) => ({
    id: ctx.newId(),
    sbom_id: sbom.id,
    build_id: sbom.build_id,
    package_key: p.key,
    name: p.name,
    name_lower: p.name.toLowerCase(),
    version: p.version,
    purl: p.purl,
    type: p.type,
    licenses: JSON.stringify(p.licenses),
    created_at: sbom.created_at,
    ...osvColumns(p.purl),
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('packages')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
  }
  await matchNewPackages(ctx, trx, rows);
}

/**
 * At open: the OSV identity of package rows stored before migration 0006
 * (or by an older registry over the same database), one purl at a time, then
 * their matches against the imported data. Returns how many rows it filled.
 */
export async function deriveOsvIdentities(ctx: ServiceContext): Promise<number> {
  const purls = await ctx.db
    .selectFrom('packages')
    .select('purl')
    .distinct()
    .where('osv_ecosystem', 'is', null)
    .execute();
  let filled = 0;
  // A few hundred purls per transaction: one per purl made an upgrade of a large database slow.
  for (const batch of chunks(purls, 200)) {
    filled += await ctx.transaction(async (trx) => {
      const updated: MatchablePackage[] = [];
      for (const { purl } of batch) {
        updated.push(
          ...(await trx
            .updateTable('packages')
            .set(osvColumns(purl))
            .where('purl', '=', purl)
            .where('osv_ecosystem', 'is', null)
            .returning(MATCHABLE_COLUMNS)
            .execute()),
        );
      }
      await matchNewPackages(ctx, trx, updated);
      return updated.length;
    });
  }
  return filled;
}

/**
 * At open: parses the packages of SBOMs stored before migration 0005 (or by
 * an older registry over the same database), one SBOM per transaction. Each
 * transaction re-checks the flag, so two instances starting together index
 * an SBOM once. A stored document that no longer parses is marked indexed
 * with no packages rather than retried at every start. Returns how many
 * SBOMs it indexed.
 */
export async function indexPendingSboms(ctx: ServiceContext): Promise<number> {
  const pending = await ctx.db
    .selectFrom('sboms')
    .select(['id', 'build_id', 'format', 'blob_sha256', 'created_at'])
    .where('packages_indexed', '=', 0)
    .orderBy('id')
    .execute();
  let indexed = 0;
  for (const sbom of pending) {
    const compressed = await ctx.sbomBlobs.read(ctx.db, sbom.blob_sha256);
    const packages = compressed
      ? await readStoredDocument(compressed, sbom.format as SbomFormat).then(
          (json) => parseSbomPackages(json, sbom.format as SbomFormat),
          () => [],
        )
      : [];
    indexed += await ctx.transaction(async (trx) => {
      const claimed = await trx
        .updateTable('sboms')
        .set({ packages_indexed: 1 })
        .where('id', '=', sbom.id)
        .where('packages_indexed', '=', 0)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return 0;
      await insertPackages(ctx, trx, sbom, packages);
      return 1;
    });
  }
  return indexed;
}
