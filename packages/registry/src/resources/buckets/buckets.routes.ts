import {
  BucketResponse,
  CreateBucketBody,
  EmptyResponse,
  ListBucketsResponse,
  ListQuerystring,
  UpdateBucketBody,
} from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import { toListOptions } from '../../http/list-query';
import { packerResource } from '../../http/packer-operation';
import { BUCKET_PARAM } from '../../http/schemas/requests.schemas';

/** Buckets: list, create (`PUT /buckets`, HCP's verb), get, update, delete. */
export const bucketRoutes = packerResource('buckets', (app, operation, service) => {
  app.get(
    '/buckets',
    operation({
      operationId: 'ListBuckets',
      access: 'viewer',
      summary: 'List buckets',
      description: 'Paginated and sortable.',
      querystring: ListQuerystring(),
      response: ListBucketsResponse,
    }),
    async (request) => service.listBuckets(toListOptions(request.query)),
  );

  app.put(
    '/buckets',
    operation({
      operationId: 'CreateBucket',
      // Contributor, as on HCP: Packer creates a missing bucket itself (PUT /buckets) and a CI
      // principal is a contributor.
      access: 'contributor',
      summary: 'Create a bucket',
      description: 'Also creates its managed `latest` channel. A duplicate name is 409 / code 6.',
      body: CreateBucketBody,
      response: BucketResponse,
    }),
    async (request) => ({ bucket: await service.createBucket(actorOf(request), request.body) }),
  );

  app.get(
    '/buckets/:bucket_name',
    operation({
      operationId: 'GetBucket',
      access: 'viewer',
      summary: 'Get a bucket',
      description: 'An unknown bucket is 404 / code 5.',
      params: BUCKET_PARAM,
      response: BucketResponse,
    }),
    async (request) => ({ bucket: await service.getBucket(request.params.bucket_name) }),
  );

  app.patch(
    '/buckets/:bucket_name',
    operation({
      operationId: 'UpdateBucket',
      // Contributor, as on HCP: Packer PATCHes the bucket whenever the template's description or
      // labels differ, and aborts the build when that is refused.
      access: 'contributor',
      summary: 'Update a bucket',
      description: 'Description, labels and platforms.',
      params: BUCKET_PARAM,
      body: UpdateBucketBody,
      response: BucketResponse,
    }),
    async (request) => ({
      bucket: await service.updateBucket(
        actorOf(request),
        request.params.bucket_name,
        request.body ?? {},
      ),
    }),
  );

  app.delete(
    '/buckets/:bucket_name',
    operation({
      operationId: 'DeleteBucket',
      access: 'admin',
      summary: 'Delete a bucket',
      description: 'Cascades to its versions, builds, artifacts, channels and history.',
      params: BUCKET_PARAM,
      response: EmptyResponse,
    }),
    async (request) => {
      await service.deleteBucket(actorOf(request), request.params.bucket_name);
      return {};
    },
  );
});
