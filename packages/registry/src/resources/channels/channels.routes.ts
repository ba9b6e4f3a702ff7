import {
  AssignChannelBody,
  AssignChannelVersionResponse,
  ChannelResponse,
  CreateChannelBody,
  EmptyResponse,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  ListQuerystring,
  UpdateChannelBody,
} from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import { toListOptions } from '../../http/list-query';
import { packerResource } from '../../http/packer-operation';
import { sharedBody } from '../../http/shared-body';
import { BUCKET_PARAM, CHANNEL_PARAMS } from '../../http/schemas/requests.schemas';

/** Channels, channel promotion (`channels/assign`) and assignment history. */
export const channelRoutes = packerResource('channels', (app, operation, service) => {
  const base = '/buckets/:bucket_name/channels';

  app.get(
    base,
    operation({
      operationId: 'ListChannels',
      access: 'viewer',
      summary: 'List the channels of a bucket',
      description: 'Including the managed latest channel.',
      params: BUCKET_PARAM,
      querystring: ListQuerystring(),
      response: ListChannelsResponse,
    }),
    async (request) =>
      service.listChannels(
        request.params.bucket_name,
        toListOptions(request.query),
        actorOf(request),
      ),
  );

  app.post(
    base,
    operation({
      operationId: 'CreateChannel',
      access: 'contributor',
      summary: 'Create a channel',
      description: 'Empty, or assigned to version_fingerprint. A duplicate name is 409 / code 6.',
      params: BUCKET_PARAM,
      body: CreateChannelBody,
      response: ChannelResponse,
    }),
    async (request) => ({
      channel: await service.createChannel(
        actorOf(request),
        request.params.bucket_name,
        request.body,
      ),
    }),
  );

  app.post(
    `${base}/assign`,
    operation({
      operationId: 'AssignChannelVersion',
      access: 'contributor',
      summary: "Copy a channel's version to another channel (promotion)",
      description: 'latest cannot be the target (400 / code 9).',
      params: BUCKET_PARAM,
      body: AssignChannelBody,
      response: AssignChannelVersionResponse,
    }),
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

  app.get(
    `${base}/:channel_name`,
    operation({
      operationId: 'GetChannel',
      access: 'viewer',
      summary: 'Get a channel',
      description: 'With the full version it points at. An unknown channel is 404 / code 5.',
      params: CHANNEL_PARAMS,
      response: ChannelResponse,
    }),
    async (request, reply) => {
      const channel = await service.getChannel(
        request.params.bucket_name,
        request.params.channel_name,
        actorOf(request),
      );
      return sharedBody(reply, channel, () => ({ channel }));
    },
  );

  app.patch(
    `${base}/:channel_name`,
    operation({
      operationId: 'UpdateChannel',
      access: 'contributor',
      summary: 'Assign or unassign a version, or change restricted',
      description:
        'update_mask names the fields to change (versionFingerprint, restricted). ' +
        'On the managed latest channel only restricted can be changed; a mask naming ' +
        'versionFingerprint is 400 / code 9.',
      params: CHANNEL_PARAMS,
      body: UpdateChannelBody,
      response: ChannelResponse,
    }),
    async (request) => ({
      channel: await service.updateChannel(
        actorOf(request),
        request.params.bucket_name,
        request.params.channel_name,
        request.body,
      ),
    }),
  );

  app.delete(
    `${base}/:channel_name`,
    operation({
      operationId: 'DeleteChannel',
      access: 'admin',
      summary: 'Delete a channel',
      description: 'The managed latest channel cannot be deleted (400 / code 3).',
      params: CHANNEL_PARAMS,
      response: EmptyResponse,
    }),
    async (request) => {
      const { bucket_name, channel_name } = request.params;
      await service.deleteChannel(actorOf(request), bucket_name, channel_name);
      return {};
    },
  );

  app.get(
    `${base}/:channel_name/history`,
    operation({
      operationId: 'ListChannelAssignmentHistory',
      access: 'viewer',
      summary: "List a channel's assignment history",
      description: 'Paginated.',
      params: CHANNEL_PARAMS,
      querystring: ListQuerystring(),
      response: ListChannelHistoryResponse,
    }),
    async (request) =>
      service.listChannelHistory(
        request.params.bucket_name,
        request.params.channel_name,
        toListOptions(request.query),
        actorOf(request),
      ),
  );
});
