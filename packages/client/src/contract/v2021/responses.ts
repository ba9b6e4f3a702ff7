import { Type, type Static } from '@sinclair/typebox';
import { ModelRef } from '../kinds';
import { Operation } from '../models';
import { ListOf, Wrapped } from '../responses';
import {
  V2021Build,
  V2021Bucket,
  V2021BucketAncestry,
  V2021Channel,
  V2021ChannelAssignment,
  V2021Iteration,
  V2021IterationforList,
  V2021Registry,
} from './models';

/* Response bodies of the 2021-04-30 API: the wrapped and list shapes around its models. */

/** GetRegistry. */
export const V2021GetRegistryResponse = Wrapped('registry', V2021Registry);
/** ListBuckets. */
export const V2021ListBucketsResponse = ListOf('buckets', V2021Bucket);
/** CreateBucket, GetBucket, UpdateBucket. */
export const V2021BucketResponse = Wrapped('bucket', V2021Bucket);
/** ListIterations. */
export const V2021ListIterationsResponse = ListOf('iterations', V2021IterationforList);
/** CreateIteration, GetIteration. */
export const V2021IterationResponse = Wrapped('iteration', V2021Iteration);
/** UpdateIteration: the iteration, and the operation revoking descendants if any. */
export const V2021UpdateIterationResponse = Type.Object({
  iteration: ModelRef(V2021Iteration),
  operation: Type.Optional(ModelRef(Operation)),
});
/** ListBuilds. */
export const V2021ListBuildsResponse = ListOf('builds', V2021Build);
/** CreateBuild, GetBuild, UpdateBuild. */
export const V2021BuildResponse = Wrapped('build', V2021Build);
/** ListChannels (v0.36.0 reads no pagination; it is sent for newer clients). */
export const V2021ListChannelsResponse = ListOf('channels', V2021Channel);
/** CreateChannel, GetChannel, UpdateChannel. */
export const V2021ChannelResponse = Wrapped('channel', V2021Channel);
/** ListChannelHistory. */
export const V2021ListChannelHistoryResponse = ListOf('history', V2021ChannelAssignment, {
  count: Type.Integer(),
});
/** ListBucketAncestry. */
export const V2021ListBucketAncestryResponse = ListOf('relations', V2021BucketAncestry, {
  total_count: Type.Integer(),
});

export type V2021GetRegistryResponse = Static<typeof V2021GetRegistryResponse>;
export type V2021ListBucketsResponse = Static<typeof V2021ListBucketsResponse>;
export type V2021BucketResponse = Static<typeof V2021BucketResponse>;
export type V2021ListIterationsResponse = Static<typeof V2021ListIterationsResponse>;
export type V2021IterationResponse = Static<typeof V2021IterationResponse>;
export type V2021UpdateIterationResponse = Static<typeof V2021UpdateIterationResponse>;
export type V2021ListBuildsResponse = Static<typeof V2021ListBuildsResponse>;
export type V2021BuildResponse = Static<typeof V2021BuildResponse>;
export type V2021ListChannelsResponse = Static<typeof V2021ListChannelsResponse>;
export type V2021ChannelResponse = Static<typeof V2021ChannelResponse>;
export type V2021ListChannelHistoryResponse = Static<typeof V2021ListChannelHistoryResponse>;
export type V2021ListBucketAncestryResponse = Static<typeof V2021ListBucketAncestryResponse>;
