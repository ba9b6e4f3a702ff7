import { AncestryQuerystring, ListBucketAncestryResponse } from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import { toListOptions } from '../../http/list-query';
import { packerResource } from '../../http/packer-operation';
import { BUCKET_PARAM } from '../../http/schemas/requests.schemas';

/** `GET /buckets/{b}/ancestry`: parent and child relations with their status. */
export const ancestryRoutes = packerResource('ancestry', (app, operation, service) => {
  app.get(
    '/buckets/:bucket_name/ancestry',
    operation({
      operationId: 'ListBucketAncestry',
      access: 'viewer',
      summary: 'List the ancestry relations of a bucket',
      description:
        'type filters parents or children; version_fingerprint picks the version (default: ' +
        'latest); channel_name filters children built from versions on that channel; ' +
        'depth (an Imprint extension) follows more generations than the direct one. ' +
        'Viewers do not see restricted channels: such a relation shows channel_name "" ' +
        'and channel_version null.',
      params: BUCKET_PARAM,
      querystring: AncestryQuerystring,
      response: ListBucketAncestryResponse,
    }),
    async (request) => {
      const query = request.query;
      return service.listBucketAncestry(
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
});
