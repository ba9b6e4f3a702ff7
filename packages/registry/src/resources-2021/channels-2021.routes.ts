import {
  EmptyResponse,
  ListQuerystring,
  V2021ChannelResponse,
  V2021CreateChannelBody,
  V2021ListChannelHistoryResponse,
  V2021ListChannelsResponse,
  V2021UpdateChannelBody,
  type UpdateChannelBody,
} from '@imprint/client';
import { actorOf } from '../auth/auth.plugin';
import type { RegistryService } from '../domain/registry-contract';
import { RegistryErrors } from '../errors/registry-errors';
import { toListOptions } from '../http/list-query';
import { packerResource } from '../http/packer-operation';
import {
  CHANNEL_SLUG_PARAMS,
  SLUG_PARAM,
  fingerprintOf,
  namesIteration,
} from './iteration-pointer';
import { toV2021Channel, toV2021ChannelAssignment } from './wire-2021';

/** `mask` terms that name the iteration (either spelling). */
const ITERATION_TERMS = new Set([
  'iterationId',
  'iteration_id',
  'fingerprint',
  'incrementalVersion',
  'incremental_version',
]);

const MASK_HINT =
  'a comma-separated list of iterationId, fingerprint, incrementalVersion and restriction';

/**
 * A 2021 UpdateChannel body → 2023-01-01's update_mask form. Without `mask`
 * the iteration is always set (the first non-empty pointer; none unassigns),
 * except when only `restriction` is sent, which then changes alone.
 */
async function toUpdateChannel(
  service: RegistryService,
  bucket: string,
  body: V2021UpdateChannelBody,
): Promise<UpdateChannelBody> {
  const fields = new Set<'versionFingerprint' | 'restricted'>();
  const terms = (body.mask ?? '').split(',').map((term) => term.trim());
  if (terms.some((term) => term !== '')) {
    for (const term of terms.filter((item) => item !== '')) {
      if (ITERATION_TERMS.has(term)) fields.add('versionFingerprint');
      else if (term === 'restriction') fields.add('restricted');
      else
        throw new RegistryErrors.FieldInvalid({ field: 'mask', expected: MASK_HINT, value: term });
    }
  } else {
    const restriction = body.restriction !== undefined && body.restriction !== 'RESTRICTION_UNSET';
    if (namesIteration(body) || !restriction) fields.add('versionFingerprint');
    if (restriction) fields.add('restricted');
  }
  const update: UpdateChannelBody = { update_mask: [...fields].join(',') };
  if (fields.has('versionFingerprint')) {
    update.version_fingerprint = (await fingerprintOf(service, bucket, body)) ?? '';
  }
  if (fields.has('restricted')) update.restricted = body.restriction === 'RESTRICTED';
  return update;
}

/** Channels (`slug` = 2023-01-01's name), each with the full iteration it points at. */
export const channels2021Routes = packerResource('v2021-channels', (app, operation, service) => {
  const base = '/images/:bucket_slug/channels';

  app.get(
    base,
    operation({
      operationId: 'V2021_ListChannels',
      access: 'viewer',
      summary: 'List the channels of a bucket (2021-04-30)',
      description: 'Including the managed latest channel.',
      params: SLUG_PARAM,
      querystring: ListQuerystring(),
      response: V2021ListChannelsResponse,
    }),
    async (request) => {
      const page = await service.listChannels(
        request.params.bucket_slug,
        toListOptions(request.query),
        actorOf(request),
      );
      return { channels: page.channels.map(toV2021Channel), pagination: page.pagination };
    },
  );

  app.post(
    base,
    operation({
      operationId: 'V2021_CreateChannel',
      access: 'contributor',
      summary: 'Create a channel (2021-04-30)',
      description:
        'Empty, or on the iteration named by the first non-empty of iteration_id, fingerprint, ' +
        'incremental_version (complete iterations only). A duplicate slug is 409 / code 6.',
      params: SLUG_PARAM,
      body: V2021CreateChannelBody,
      response: V2021ChannelResponse,
    }),
    async (request) => {
      const bucket = request.params.bucket_slug;
      const { body } = request;
      const fingerprint = await fingerprintOf(service, bucket, body);
      const channel = await service.createChannel(actorOf(request), bucket, {
        name: body.slug,
        ...(fingerprint ? { version_fingerprint: fingerprint } : {}),
        ...(body.restriction ? { restricted: body.restriction === 'RESTRICTED' } : {}),
      });
      return { channel: toV2021Channel(channel) };
    },
  );

  app.get(
    `${base}/:slug`,
    operation({
      operationId: 'V2021_GetChannel',
      access: 'viewer',
      summary: 'Get a channel (2021-04-30)',
      description:
        'With the full iteration it points at (null when unassigned), which both Packer data ' +
        'sources read. An unknown channel is 404 / code 5.',
      params: CHANNEL_SLUG_PARAMS,
      response: V2021ChannelResponse,
    }),
    async (request) => {
      const { bucket_slug, slug } = request.params;
      const channel = await service.getChannel(bucket_slug, slug, actorOf(request));
      return { channel: toV2021Channel(channel) };
    },
  );

  app.patch(
    `${base}/:slug`,
    operation({
      operationId: 'V2021_UpdateChannel',
      access: 'contributor',
      summary: 'Point a channel at an iteration, or change its restriction (2021-04-30)',
      description:
        'Without mask: the first non-empty of iteration_id, fingerprint, incremental_version ' +
        '(none unassigns; restriction alone changes only the restriction). With mask: the ' +
        'fields it names. The managed latest channel cannot be pointed (400 / code 9).',
      params: CHANNEL_SLUG_PARAMS,
      body: V2021UpdateChannelBody,
      response: V2021ChannelResponse,
    }),
    async (request) => {
      const { bucket_slug, slug } = request.params;
      const update = await toUpdateChannel(service, bucket_slug, request.body);
      const channel = await service.updateChannel(actorOf(request), bucket_slug, slug, update);
      return { channel: toV2021Channel(channel) };
    },
  );

  app.delete(
    `${base}/:slug`,
    operation({
      operationId: 'V2021_DeleteChannel',
      access: 'admin',
      summary: 'Delete a channel (2021-04-30)',
      description: 'The managed latest channel cannot be deleted (400 / code 3).',
      params: CHANNEL_SLUG_PARAMS,
      response: EmptyResponse,
    }),
    async (request) => {
      const { bucket_slug, slug } = request.params;
      await service.deleteChannel(actorOf(request), bucket_slug, slug);
      return {};
    },
  );

  app.get(
    `${base}/:slug/history`,
    operation({
      operationId: 'V2021_ListChannelHistory',
      access: 'viewer',
      summary: "List a channel's history (2021-04-30)",
      description: 'Paginated; newest first.',
      params: CHANNEL_SLUG_PARAMS,
      querystring: ListQuerystring(),
      response: V2021ListChannelHistoryResponse,
    }),
    async (request) => {
      const { bucket_slug, slug } = request.params;
      const page = await service.listChannelHistory(
        bucket_slug,
        slug,
        toListOptions(request.query),
        actorOf(request),
      );
      return {
        history: page.history.map(toV2021ChannelAssignment),
        count: page.count,
        pagination: page.pagination,
      };
    },
  );
});
