import type { RegistryConnection } from '../internal/connection';
import { listQuery, segment } from '../internal/request-path';
import type {
  AssignChannelBody,
  AssignChannelVersionResponse,
  Channel,
  CreateChannelBody,
  ListChannelHistoryResponse,
  ListChannelsResponse,
  UpdateChannelBody,
} from '../models';
import type { CallOptions } from '../options';
import type { ListCallOptions } from './pagination';
import { bucketPath, channelPath } from './paths';

export async function listChannels(
  api: RegistryConnection,
  bucketName: string,
  options?: ListCallOptions,
): Promise<ListChannelsResponse> {
  return api.packer('GET', `${bucketPath(bucketName)}/channels`, {
    query: listQuery(options),
    call: options,
  });
}

export async function createChannel(
  api: RegistryConnection,
  bucketName: string,
  body: CreateChannelBody,
  call?: CallOptions,
): Promise<Channel> {
  segment('body.name', body?.name);
  const path = `${bucketPath(bucketName)}/channels`;
  return api.packer('POST', path, { body, call, unwrap: 'channel' });
}

export async function getChannel(
  api: RegistryConnection,
  bucketName: string,
  channelName: string,
  call?: CallOptions,
): Promise<Channel> {
  return api.packer('GET', channelPath(bucketName, channelName), { call, unwrap: 'channel' });
}

export async function updateChannel(
  api: RegistryConnection,
  bucketName: string,
  channelName: string,
  body: UpdateChannelBody,
  call?: CallOptions,
): Promise<Channel> {
  const path = channelPath(bucketName, channelName);
  return api.packer('PATCH', path, { body, call, unwrap: 'channel' });
}

export async function deleteChannel(
  api: RegistryConnection,
  bucketName: string,
  channelName: string,
  call?: CallOptions,
): Promise<void> {
  await api.packer('DELETE', channelPath(bucketName, channelName), { call });
}

export async function assignChannel(
  api: RegistryConnection,
  bucketName: string,
  body: AssignChannelBody,
  call?: CallOptions,
): Promise<AssignChannelVersionResponse> {
  return api.packer('POST', `${bucketPath(bucketName)}/channels/assign`, { body, call });
}

export async function listChannelHistory(
  api: RegistryConnection,
  bucketName: string,
  channelName: string,
  options?: ListCallOptions,
): Promise<ListChannelHistoryResponse> {
  return api.packer('GET', `${channelPath(bucketName, channelName)}/history`, {
    query: listQuery(options),
    call: options,
  });
}
