import type { SearchExternalArtifactResponse } from '@imprint/client';
import type { ServiceContext } from '../../domain/context';
import {
  MAX_IDENTIFIER,
  MAX_SHORT_TEXT,
  checkBody,
  optionalString,
  parseStringMap,
  requiredString,
} from '../../domain/validation';
import { selectVersions, versionsToWire } from '../../domain/wire';

/** SearchExternalArtifact returns at most this many matches. */
export const MAX_SEARCH_RESULTS = 100;

/** Which bucket/version/build produced an artifact (up to {@link MAX_SEARCH_RESULTS} matches, oldest first). */
export async function searchExternalArtifact(
  ctx: ServiceContext,
  body: unknown,
): Promise<SearchExternalArtifactResponse> {
  const input = checkBody(body, 'SearchExternalArtifact body');
  const externalIdentifier = requiredString(input, 'external_identifier', MAX_IDENTIFIER);
  const platform = optionalString(input, 'platform', MAX_SHORT_TEXT) || undefined;
  const region = optionalString(input, 'region', MAX_IDENTIFIER) || undefined;
  const db = ctx.db;
  let q = db
    .selectFrom('artifacts as a')
    .innerJoin('builds as b', 'b.id', 'a.build_id')
    .innerJoin('versions as v', 'v.id', 'b.version_id')
    .innerJoin('buckets as k', 'k.id', 'v.bucket_id')
    .select([
      'a.id',
      'b.id as build_id',
      'v.id as version_id',
      'k.id as bucket_id',
      'k.name as bucket_name',
      'k.labels as bucket_labels',
    ])
    .where('a.external_identifier', '=', externalIdentifier);
  if (platform !== undefined) q = q.where('b.platform', '=', platform);
  if (region !== undefined) q = q.where('a.region', '=', region);
  const matches = await q.orderBy('a.id').limit(MAX_SEARCH_RESULTS).execute();
  const versionRows =
    matches.length === 0
      ? []
      : await selectVersions(db)
          .where('versions.id', 'in', [...new Set(matches.map((m) => m.version_id))])
          .execute();
  const versions = new Map((await versionsToWire(ctx, db, versionRows)).map((v) => [v.id, v]));
  return {
    artifacts: matches.flatMap((m) => {
      const version = versions.get(m.version_id);
      const build = version?.builds.find((b) => b.id === m.build_id);
      if (!version || !build) return [];
      return [
        {
          bucket: {
            id: m.bucket_id,
            name: m.bucket_name,
            labels: parseStringMap(m.bucket_labels),
          },
          build,
          version: {
            id: version.id,
            name: version.name,
            fingerprint: version.fingerprint,
            author_id: version.author_id,
            status: version.status,
            ...(version.revoke_at !== undefined
              ? {
                  revoke_at: version.revoke_at,
                  revocation_message: version.revocation_message,
                  revocation_author: version.revocation_author,
                  revocation_type: version.revocation_type,
                  ...(version.revocation_inherited_from
                    ? { revocation_inherited_from: version.revocation_inherited_from }
                    : {}),
                }
              : {}),
          },
        },
      ];
    }),
  };
}
