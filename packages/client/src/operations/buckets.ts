import { isAlreadyExists, isNotFound } from '../errors/client.errors';
import type { RegistryConnection } from '../internal/connection';
import { listQuery, segment } from '../internal/request-path';
import type {
  Bucket,
  CreateBucketBody,
  ListBucketsResponse,
  Registry,
  UpdateBucketBody,
} from '../models';
import type { CallOptions } from '../options';
import type { RegistryClient } from '../registry-client';
import type { ListCallOptions } from './pagination';
import { bucketPath } from './paths';

/**
 * Options of {@link RegistryClient.upsertBucket}. A field left out is not
 * compared and keeps its stored value.
 */
export interface UpsertBucketOptions extends CallOptions {
  description?: string;
  labels?: Record<string, string>;
}

/** The project's registry, the container of its buckets. */
export async function getRegistry(api: RegistryConnection, call?: CallOptions): Promise<Registry> {
  return api.packer('GET', '/registry', { call, unwrap: 'registry' });
}

export async function listBuckets(
  api: RegistryConnection,
  options?: ListCallOptions,
): Promise<ListBucketsResponse> {
  return api.packer('GET', '/buckets', { query: listQuery(options), call: options });
}

export async function createBucket(
  api: RegistryConnection,
  body: CreateBucketBody,
  call?: CallOptions,
): Promise<Bucket> {
  segment('body.name', body?.name);
  return api.packer('PUT', '/buckets', { body, call, unwrap: 'bucket' });
}

export async function getBucket(
  api: RegistryConnection,
  bucketName: string,
  call?: CallOptions,
): Promise<Bucket> {
  return api.packer('GET', bucketPath(bucketName), { call, unwrap: 'bucket' });
}

export async function updateBucket(
  api: RegistryConnection,
  bucketName: string,
  body: UpdateBucketBody,
  call?: CallOptions,
): Promise<Bucket> {
  return api.packer('PATCH', bucketPath(bucketName), { body, call, unwrap: 'bucket' });
}

export async function deleteBucket(
  api: RegistryConnection,
  bucketName: string,
  call?: CallOptions,
): Promise<void> {
  await api.packer('DELETE', bucketPath(bucketName), { call });
}

/**
 * See {@link RegistryClient.upsertBucket}. Built on the client's own methods,
 * so it behaves exactly as the three calls a caller would make.
 */
export async function upsertBucket(
  client: Pick<RegistryClient, 'getBucket' | 'createBucket' | 'updateBucket'>,
  bucketName: string,
  options: UpsertBucketOptions,
): Promise<Bucket> {
  const { description, labels } = options;
  let bucket: Bucket;
  try {
    bucket = await client.getBucket(bucketName, options);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      return await client.createBucket({ name: bucketName, description, labels }, options);
    } catch (createError) {
      if (!isAlreadyExists(createError)) throw createError;
      bucket = await client.getBucket(bucketName, options);
    }
  }
  const descriptionDiffers =
    description !== undefined && description !== (bucket.description ?? '');
  const labelsDiffer = labels !== undefined && !sameLabels(labels, bucket.labels ?? {});
  if (!descriptionDiffers && !labelsDiffer) return bucket;
  // Send both fields: a PATCH without update_mask may reset what it leaves out.
  return client.updateBucket(
    bucketName,
    {
      description: description ?? bucket.description ?? '',
      labels: labels ?? bucket.labels ?? {},
    },
    options,
  );
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}
