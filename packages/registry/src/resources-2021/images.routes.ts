import {
  EmptyResponse,
  ListQuerystring,
  V2021AncestryQuerystring,
  V2021BucketResponse,
  V2021CreateBucketBody,
  V2021GetBucketQuerystring,
  V2021ListBucketAncestryResponse,
  V2021ListBucketsResponse,
  V2021UpdateBucketBody,
  type AncestryType,
} from '@imprint/client';
import { actorOf } from '../auth/auth.plugin';
import { toListOptions } from '../http/list-query';
import { packerResource } from '../http/packer-operation';
import { SLUG_PARAM, fingerprintOf } from './iteration-pointer';
import { toV2021Ancestry, toV2021Bucket } from './wire-2021';

/** The free-form 2021 ancestry `type` → 2023-01-01's enum. */
function ancestryType(type: string | undefined): AncestryType | undefined {
  const upper = (type ?? '').toUpperCase();
  if (upper.endsWith('PARENTS')) return 'ANCESTRY_TYPE_PARENTS';
  if (upper.endsWith('CHILDREN')) return 'ANCESTRY_TYPE_CHILDREN';
  return undefined;
}

/**
 * Buckets at `/images` (2023-01-01: `/buckets`; `bucket_slug` is the name)
 * and their ancestry. Packer v1.9.4 PUTs the bucket and on code 6 PATCHes
 * it; it never reads one.
 */
export const images2021Routes = packerResource('v2021-images', (app, operation, service) => {
  app.get(
    '/images',
    operation({
      operationId: 'V2021_ListBuckets',
      access: 'viewer',
      summary: 'List buckets (2021-04-30)',
      description: 'Paginated and sortable, as ListBuckets.',
      querystring: ListQuerystring(),
      response: V2021ListBucketsResponse,
    }),
    async (request) => {
      const page = await service.listBuckets(toListOptions(request.query));
      return { buckets: page.buckets.map(toV2021Bucket), pagination: page.pagination };
    },
  );

  app.put(
    '/images',
    operation({
      operationId: 'V2021_CreateBucket',
      access: 'contributor',
      summary: 'Create a bucket (2021-04-30)',
      description: 'A duplicate slug is 409 / code 6, on which Packer updates the bucket instead.',
      body: V2021CreateBucketBody,
      response: V2021BucketResponse,
    }),
    async (request) => {
      const { bucket_slug, ...rest } = request.body;
      const bucket = await service.createBucket(actorOf(request), { name: bucket_slug, ...rest });
      return { bucket: toV2021Bucket(bucket) };
    },
  );

  app.get(
    '/images/:bucket_slug',
    operation({
      operationId: 'V2021_GetBucket',
      access: 'viewer',
      summary: 'Get a bucket (2021-04-30)',
      description: 'bucket_id is accepted and ignored. An unknown bucket is 404 / code 5.',
      params: SLUG_PARAM,
      querystring: V2021GetBucketQuerystring,
      response: V2021BucketResponse,
    }),
    async (request) => ({
      bucket: toV2021Bucket(await service.getBucket(request.params.bucket_slug)),
    }),
  );

  app.patch(
    '/images/:bucket_slug',
    operation({
      operationId: 'V2021_UpdateBucket',
      access: 'contributor',
      summary: 'Update a bucket (2021-04-30)',
      description: 'Description, labels and platforms; "platforms": null (Packer) changes nothing.',
      params: SLUG_PARAM,
      body: V2021UpdateBucketBody,
      response: V2021BucketResponse,
    }),
    async (request) => {
      const { bucket_slug } = request.params;
      const bucket = await service.updateBucket(actorOf(request), bucket_slug, request.body ?? {});
      return { bucket: toV2021Bucket(bucket) };
    },
  );

  app.delete(
    '/images/:bucket_slug',
    operation({
      operationId: 'V2021_DeleteBucket',
      access: 'admin',
      summary: 'Delete a bucket (2021-04-30)',
      description: 'Cascades to its iterations, builds, images, channels and history.',
      params: SLUG_PARAM,
      response: EmptyResponse,
    }),
    async (request) => {
      await service.deleteBucket(actorOf(request), request.params.bucket_slug);
      return {};
    },
  );

  app.get(
    '/images/:bucket_slug/ancestry',
    operation({
      operationId: 'V2021_ListBucketAncestry',
      access: 'viewer',
      summary: 'List the ancestry relations of a bucket (2021-04-30)',
      description:
        'type: parents or children (empty: both); iteration_id, fingerprint or ' +
        'incremental_version picks the iteration (default: latest); channel filters children ' +
        'built from that channel. Parents declared by a build (source_iteration_id, ' +
        'source_channel_id) are read here: build answers never echo them.',
      params: SLUG_PARAM,
      querystring: V2021AncestryQuerystring,
      response: V2021ListBucketAncestryResponse,
    }),
    async (request) => {
      const { query } = request;
      const bucket = request.params.bucket_slug;
      const fingerprint = await fingerprintOf(service, bucket, query);
      const type = ancestryType(query.type);
      const page = await service.listBucketAncestry(
        bucket,
        {
          ...toListOptions(query),
          ...(type ? { type } : {}),
          ...(query.channel ? { channelName: query.channel } : {}),
          ...(fingerprint ? { versionFingerprint: fingerprint } : {}),
        },
        actorOf(request),
      );
      return {
        relations: page.relations.map(toV2021Ancestry),
        total_count: page.total_count,
        pagination: page.pagination,
      };
    },
  );
});
