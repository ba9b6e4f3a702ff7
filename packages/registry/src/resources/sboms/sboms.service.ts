import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ListSbomsResponse, Sbom, SbomFormat, UploadSbomBody } from '@imprint/client';
import type { ServiceContext } from '../../domain/context';
import type { Actor, BuildRef, SbomDownload } from '../../domain/registry-contract';
import { checkActor, checkBody } from '../../domain/validation';
import { RegistryErrors } from '../../errors/registry-errors';
import type { Db, SbomTable } from '../../storage/schema';
import { uniqueAs } from '../../storage/sql-helpers';
import { requireBucket } from '../buckets/buckets.service';
import { completeError } from '../builds/build-requests';
import { requireBuild } from '../builds/builds.service';
import { lockedVersion, requireVersion } from '../versions/versions.service';
import { insertPackages } from '../packages/package-rows';
import { parseSbomPackages } from '../packages/sbom-packages';
import { checkSbomDocument } from './sbom-document';

/** How long a GetSbom download URL stays valid (HCP: a short-lived presigned URL). */
export const SBOM_URL_TTL_SECONDS = 600;
/** Path of the download route; GetSbom's URL is this plus the SBOM id and a signed query. */
export const SBOM_DOWNLOAD_PATH = '/sbom-downloads';

const toWire = (row: SbomTable): Sbom => ({
  id: row.id,
  name: row.name,
  format: row.format as SbomFormat,
});

async function buildOf(db: Db, { bucket, fingerprint, buildId }: BuildRef) {
  const bucketRow = await requireBucket(db, bucket);
  const version = await requireVersion(db, bucketRow, fingerprint);
  return { bucketRow, version, build: await requireBuild(db, bucketRow, version, buildId) };
}

/** The SBOM of a build with that name, if any. */
function sbomNamed(db: Db, buildId: string, name: string) {
  return db
    .selectFrom('sboms')
    .select('id')
    .where((eb) => eb.and({ build_id: buildId, name }))
    .executeTakeFirst();
}

/**
 * Stores an SBOM of a build. The document is checked before the write
 * transaction (CPU work outside the lock). Like other build writes, only
 * while the version is incomplete (code 9 once complete: HCP takes SBOMs
 * during the build only). A name the build already has → 6 (HCP: names are
 * unique per build); without a name, the version fingerprint (HCP's default).
 * The packages the document names are parsed before the transaction too and
 * written in it (ListBuildPackages, ListBucketPackages, the package search).
 */
export async function uploadSbom(
  ctx: ServiceContext,
  actor: Actor,
  { bucket, fingerprint, buildId }: BuildRef,
  body: UploadSbomBody,
): Promise<Sbom> {
  checkActor(actor);
  const input = checkBody(body, 'UploadSbom body') as UploadSbomBody;
  const document = await checkSbomDocument(input.compressed_sbom, input.format);
  const packages = parseSbomPackages(document.json, input.format);
  let shown = { bucket_name: bucket, fingerprint, build_id: buildId, name: input.name ?? '' };
  return uniqueAs(
    () => new RegistryErrors.SbomExists(shown),
    () =>
      ctx.transaction(async (trx) => {
        const bucketRow = await requireBucket(trx, bucket);
        const version = await lockedVersion(ctx, trx, bucketRow, fingerprint);
        const build = await requireBuild(trx, bucketRow, version, buildId);
        if (version.seq > 0) throw completeError(version, bucketRow.name);
        const name = input.name ?? version.fingerprint;
        shown = {
          bucket_name: bucketRow.name,
          fingerprint: version.fingerprint,
          build_id: build.id,
          name,
        };
        if (await sbomNamed(trx, build.id, name)) throw new RegistryErrors.SbomExists(shown);
        const now = ctx.nowMs();
        await ctx.sbomBlobs.put(trx, document, now);
        const row: SbomTable = {
          id: ctx.newId(),
          build_id: build.id,
          name,
          format: input.format,
          blob_sha256: document.sha256,
          created_at: now,
          packages_indexed: 1,
        };
        await trx.insertInto('sboms').values(row).execute();
        await insertPackages(ctx, trx, row, packages);
        return toWire(row);
      }),
  );
}

/** Every SBOM of a build, oldest first (ListSboms has no pagination). */
export async function listSboms(ctx: ServiceContext, ref: BuildRef): Promise<ListSbomsResponse> {
  const { build } = await buildOf(ctx.db, ref);
  const rows = await ctx.db
    .selectFrom('sboms')
    .selectAll()
    .where('build_id', '=', build.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { sboms: rows.map(toWire) };
}

function signature(ctx: ServiceContext, sbomId: string, expires: number): string {
  return createHmac('sha256', ctx.urlSigningKey).update(`${sbomId}\n${expires}`).digest('hex');
}

/** GetSbom: the path and signed query of the SBOM's download URL (the route adds the origin). */
export async function getSbomLink(
  ctx: ServiceContext,
  ref: BuildRef,
  name: string,
): Promise<string> {
  const { bucketRow, version, build } = await buildOf(ctx.db, ref);
  const row = await sbomNamed(ctx.db, build.id, name);
  if (!row) {
    throw new RegistryErrors.SbomNotFound({
      bucket_name: bucketRow.name,
      fingerprint: version.fingerprint,
      build_id: build.id,
      name,
    });
  }
  const expires = Math.floor(ctx.nowMs() / 1000) + SBOM_URL_TTL_SECONDS;
  return `${SBOM_DOWNLOAD_PATH}/${row.id}?expires=${expires}&signature=${signature(ctx, row.id, expires)}`;
}

/** The document behind a download URL, byte for byte as uploaded; a bad or stale link → 7. */
export async function readSbomLink(
  ctx: ServiceContext,
  sbomId: string,
  expires: string,
  sent: string,
): Promise<SbomDownload> {
  const at = Number(expires);
  const expected = Buffer.from(signature(ctx, sbomId, at), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(sent) ? sent : '', 'hex');
  if (
    !Number.isSafeInteger(at) ||
    given.length !== expected.length ||
    !timingSafeEqual(given, expected)
  ) {
    throw new RegistryErrors.SbomLinkInvalid({ problem: 'not signed' });
  }
  if (at * 1000 < ctx.nowMs()) throw new RegistryErrors.SbomLinkInvalid({ problem: 'expired' });
  const row = await ctx.db
    .selectFrom('sboms')
    .selectAll()
    .where('id', '=', sbomId)
    .executeTakeFirst();
  const compressed = row && (await ctx.sbomBlobs.read(ctx.db, row.blob_sha256));
  if (!row || !compressed) {
    throw new RegistryErrors.SbomGone({ sbom_id: sbomId });
  }
  return { name: row.name, format: row.format as SbomFormat, compressed };
}
