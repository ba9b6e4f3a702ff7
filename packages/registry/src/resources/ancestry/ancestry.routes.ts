import type { AncestryType } from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import type { RouteContext } from '../../http/context';
import { toListOptions, type ListQuery } from '../../http/list-query';
import { namedPlugin } from '../../http/plugin';
import { listOf, replies } from '../../http/schemas/models.schemas';
import { ANCESTRY_QUERY, BUCKET_PARAM, packerParams } from '../../http/schemas/requests.schemas';
import { describe, type BucketParams } from '../../http/routes/params';

type AncestryQueryParams = ListQuery & {
  type?: AncestryType;
  channel_name?: string;
  version_fingerprint?: string;
  depth?: string;
};

/** `GET /buckets/{b}/ancestry`: parent and child relations with their status. */
export const ancestryRoutes = namedPlugin<RouteContext>(
  'imprint-ancestry',
  async (app, { storage }) => {
    app.get<{ Params: BucketParams; Querystring: AncestryQueryParams }>(
      '/buckets/:bucket_name/ancestry',
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'ListBucketAncestry',
          tags: ['ancestry'],
          summary: 'List the ancestry relations of a bucket',
          description: describe(
            'type filters parents or children; version_fingerprint picks the version (default: ' +
              'latest); channel_name filters children built from versions on that channel; ' +
              'depth (an Imprint extension) follows more generations than the direct one. ' +
              'Viewers do not see restricted channels: such a relation shows channel_name "" ' +
              'and channel_version null.',
            'viewer',
          ),
          params: packerParams(BUCKET_PARAM),
          querystring: ANCESTRY_QUERY,
          response: replies(
            listOf('relations', 'BucketAncestry', { total_count: { type: 'integer' } }),
          ),
        },
      },
      async (request) => {
        const query = request.query;
        return storage.service.listBucketAncestry(
          request.params.bucket_name,
          {
            ...toListOptions(query),
            ...(query.type ? { type: query.type } : {}),
            ...(query.channel_name ? { channelName: query.channel_name } : {}),
            ...(query.version_fingerprint ? { versionFingerprint: query.version_fingerprint } : {}),
            ...(query.depth ? { depth: query.depth === 'all' ? 'all' : Number(query.depth) } : {}),
          },
          actorOf(request),
        );
      },
    );
  },
);
