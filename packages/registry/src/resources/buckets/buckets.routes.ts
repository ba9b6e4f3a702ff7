import type { CreateBucketBody, UpdateBucketBody } from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import type { RouteContext } from '../../http/context';
import { toListOptions, type ListQuery } from '../../http/list-query';
import { namedPlugin } from '../../http/plugin';
import { EMPTY_OBJECT, listOf, replies, wrapped } from '../../http/schemas/models.schemas';
import {
  BUCKET_PARAM,
  CREATE_BUCKET_BODY,
  NO_QUERY,
  UPDATE_BUCKET_BODY,
  listQuery,
  packerParams,
} from '../../http/schemas/requests.schemas';
import { describe, type BucketParams, type ProjectParams } from '../../http/routes/params';

/** Buckets: list, create (`PUT /buckets`, HCP's verb), get, update, delete. */
export const bucketRoutes = namedPlugin<RouteContext>(
  'imprint-buckets',
  async (app, { storage }) => {
    const { service } = storage;

    app.get<{ Params: ProjectParams; Querystring: ListQuery }>(
      '/buckets',
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'ListBuckets',
          tags: ['buckets'],
          summary: 'List buckets',
          description: describe('Paginated and sortable.', 'viewer'),
          params: packerParams(),
          querystring: listQuery(),
          response: replies(listOf('buckets', 'Bucket')),
        },
      },
      async (request) => service.listBuckets(toListOptions(request.query)),
    );

    app.put<{ Params: ProjectParams; Body: CreateBucketBody }>(
      '/buckets',
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'CreateBucket',
          tags: ['buckets'],
          summary: 'Create a bucket',
          description: describe(
            'Also creates its managed `latest` channel. A duplicate name is 409 / code 6.',
            'admin',
          ),
          params: packerParams(),
          querystring: NO_QUERY,
          body: CREATE_BUCKET_BODY,
          response: replies(wrapped('bucket', 'Bucket')),
        },
      },
      async (request) => ({ bucket: await service.createBucket(actorOf(request), request.body) }),
    );

    app.get<{ Params: BucketParams }>(
      '/buckets/:bucket_name',
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'GetBucket',
          tags: ['buckets'],
          summary: 'Get a bucket',
          description: describe('An unknown bucket is 404 / code 5.', 'viewer'),
          params: packerParams(BUCKET_PARAM),
          querystring: NO_QUERY,
          response: replies(wrapped('bucket', 'Bucket')),
        },
      },
      async (request) => ({ bucket: await service.getBucket(request.params.bucket_name) }),
    );

    app.patch<{ Params: BucketParams; Body: UpdateBucketBody }>(
      '/buckets/:bucket_name',
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'UpdateBucket',
          tags: ['buckets'],
          summary: 'Update a bucket',
          description: describe('Description, labels and platforms.', 'admin'),
          params: packerParams(BUCKET_PARAM),
          querystring: NO_QUERY,
          body: UPDATE_BUCKET_BODY,
          response: replies(wrapped('bucket', 'Bucket')),
        },
      },
      async (request) => ({
        bucket: await service.updateBucket(
          actorOf(request),
          request.params.bucket_name,
          request.body ?? {},
        ),
      }),
    );

    app.delete<{ Params: BucketParams }>(
      '/buckets/:bucket_name',
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'DeleteBucket',
          tags: ['buckets'],
          summary: 'Delete a bucket',
          description: describe(
            'Cascades to its versions, builds, artifacts, channels and history.',
            'admin',
          ),
          params: packerParams(BUCKET_PARAM),
          querystring: NO_QUERY,
          response: replies(EMPTY_OBJECT),
        },
      },
      async (request) => {
        await service.deleteBucket(actorOf(request), request.params.bucket_name);
        return {};
      },
    );
  },
);
