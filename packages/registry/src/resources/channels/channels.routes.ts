import type { AssignChannelBody, CreateChannelBody, UpdateChannelBody } from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import type { RouteContext } from '../../http/context';
import { toListOptions, type ListQuery } from '../../http/list-query';
import { namedPlugin } from '../../http/plugin';
import { sharedBody } from '../../http/shared-body';
import {
  EMPTY_OBJECT,
  listOf,
  nullable,
  ref,
  replies,
  wrapped,
} from '../../http/schemas/models.schemas';
import {
  ASSIGN_CHANNEL_BODY,
  BUCKET_PARAM,
  CHANNEL_PARAMS,
  CREATE_CHANNEL_BODY,
  NO_QUERY,
  UPDATE_CHANNEL_BODY,
  listQuery,
  packerParams,
} from '../../http/schemas/requests.schemas';
import { describe, type BucketParams, type ChannelParams } from '../../http/routes/params';

/** Channels, channel promotion (`channels/assign`) and assignment history. */
export const channelRoutes = namedPlugin<RouteContext>(
  'imprint-channels',
  async (app, { storage }) => {
    const { service } = storage;
    const base = '/buckets/:bucket_name/channels';

    app.get<{ Params: BucketParams; Querystring: ListQuery }>(
      base,
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'ListChannels',
          tags: ['channels'],
          summary: 'List the channels of a bucket',
          description: describe('Including the managed latest channel.', 'viewer'),
          params: packerParams(BUCKET_PARAM),
          querystring: listQuery(),
          response: replies(listOf('channels', 'Channel')),
        },
      },
      async (request) =>
        service.listChannels(
          request.params.bucket_name,
          toListOptions(request.query),
          actorOf(request),
        ),
    );

    app.post<{ Params: BucketParams; Body: CreateChannelBody }>(
      base,
      {
        config: { access: 'contributor' },
        schema: {
          operationId: 'CreateChannel',
          tags: ['channels'],
          summary: 'Create a channel',
          description: describe(
            'Empty, or assigned to version_fingerprint. A duplicate name is 409 / code 6.',
            'contributor',
          ),
          params: packerParams(BUCKET_PARAM),
          querystring: NO_QUERY,
          body: CREATE_CHANNEL_BODY,
          response: replies(wrapped('channel', 'Channel')),
        },
      },
      async (request) => ({
        channel: await service.createChannel(
          actorOf(request),
          request.params.bucket_name,
          request.body,
        ),
      }),
    );

    app.post<{ Params: BucketParams; Body: AssignChannelBody }>(
      `${base}/assign`,
      {
        config: { access: 'contributor' },
        schema: {
          operationId: 'AssignChannelVersion',
          tags: ['channels'],
          summary: "Copy a channel's version to another channel (promotion)",
          description: describe('latest cannot be the target (400 / code 9).', 'contributor'),
          params: packerParams(BUCKET_PARAM),
          querystring: NO_QUERY,
          body: ASSIGN_CHANNEL_BODY,
          response: replies({
            type: 'object',
            properties: {
              fingerprint: { type: 'string' },
              source_channel: ref('Channel'),
              target_channel: ref('Channel'),
              version: nullable('Version'),
            },
          }),
        },
      },
      async (request) => {
        const { bucket_name } = request.params;
        const target = await service.assignChannel(actorOf(request), bucket_name, request.body);
        const source = await service.getChannel(bucket_name, request.body.source_channel);
        return {
          fingerprint: target.version?.fingerprint ?? '',
          source_channel: source,
          target_channel: target,
          version: target.version,
        };
      },
    );

    app.get<{ Params: ChannelParams }>(
      `${base}/:channel_name`,
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'GetChannel',
          tags: ['channels'],
          summary: 'Get a channel',
          description: describe(
            'With the full version it points at. An unknown channel is 404 / code 5.',
            'viewer',
          ),
          params: packerParams(CHANNEL_PARAMS),
          querystring: NO_QUERY,
          response: replies(wrapped('channel', 'Channel')),
        },
      },
      async (request, reply) => {
        const channel = await service.getChannel(
          request.params.bucket_name,
          request.params.channel_name,
          actorOf(request),
        );
        return sharedBody(reply, channel, () => ({ channel }));
      },
    );

    app.patch<{ Params: ChannelParams; Body: UpdateChannelBody }>(
      `${base}/:channel_name`,
      {
        config: { access: 'contributor' },
        schema: {
          operationId: 'UpdateChannel',
          tags: ['channels'],
          summary: 'Assign or unassign a version, or change restricted',
          description: describe(
            'update_mask names the fields to change (versionFingerprint, restricted). ' +
              'The managed latest channel cannot be updated (400 / code 9).',
            'contributor',
          ),
          params: packerParams(CHANNEL_PARAMS),
          querystring: NO_QUERY,
          body: UPDATE_CHANNEL_BODY,
          response: replies(wrapped('channel', 'Channel')),
        },
      },
      async (request) => ({
        channel: await service.updateChannel(
          actorOf(request),
          request.params.bucket_name,
          request.params.channel_name,
          request.body,
        ),
      }),
    );

    app.delete<{ Params: ChannelParams }>(
      `${base}/:channel_name`,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'DeleteChannel',
          tags: ['channels'],
          summary: 'Delete a channel',
          description: describe(
            'The managed latest channel cannot be deleted (400 / code 3).',
            'admin',
          ),
          params: packerParams(CHANNEL_PARAMS),
          querystring: NO_QUERY,
          response: replies(EMPTY_OBJECT),
        },
      },
      async (request) => {
        await service.deleteChannel(
          actorOf(request),
          request.params.bucket_name,
          request.params.channel_name,
        );
        return {};
      },
    );

    app.get<{ Params: ChannelParams; Querystring: ListQuery }>(
      `${base}/:channel_name/history`,
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'ListChannelAssignmentHistory',
          tags: ['channels'],
          summary: "List a channel's assignment history",
          description: describe('Paginated.', 'viewer'),
          params: packerParams(CHANNEL_PARAMS),
          querystring: listQuery(),
          response: replies(listOf('history', 'ChannelAssignment', { count: { type: 'integer' } })),
        },
      },
      async (request) =>
        service.listChannelHistory(
          request.params.bucket_name,
          request.params.channel_name,
          toListOptions(request.query),
          actorOf(request),
        ),
    );
  },
);
