import type { CreateVersionBody, UpdateVersionBody } from '@imprint/client';
import { actorOf, requireRole } from '../../auth/auth.plugin';
import type { RouteContext } from '../../http/context';
import { toListOptions, type ListQuery } from '../../http/list-query';
import { namedPlugin } from '../../http/plugin';
import { sharedBody } from '../../http/shared-body';
import { EMPTY_OBJECT, listOf, ref, replies, wrapped } from '../../http/schemas/models.schemas';
import {
  BUCKET_PARAM,
  CREATE_VERSION_BODY,
  DELETE_VERSION_QUERY,
  NO_QUERY,
  UPDATE_VERSION_BODY,
  VERSION_PARAMS,
  listQuery,
  packerParams,
} from '../../http/schemas/requests.schemas';
import { describe, type BucketParams, type VersionParams } from '../../http/routes/params';

/** True when an UpdateVersion body revokes or restores (admin), rather than completes. */
export function isRevocationChange(body: UpdateVersionBody): boolean {
  return Boolean(
    body.revoke_at ||
    body.revoke_in ||
    body.revocation_message ||
    body.restore ||
    body.skip_descendants_revocation ||
    body.disable_rollback_channels,
  );
}

/** Versions (formerly iterations), addressed by fingerprint. */
export const versionRoutes = namedPlugin<RouteContext>(
  'imprint-versions',
  async (app, { storage }) => {
    const { service } = storage;

    app.get<{ Params: BucketParams; Querystring: ListQuery }>(
      '/buckets/:bucket_name/versions',
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'ListVersions',
          tags: ['versions'],
          summary: 'List the versions of a bucket',
          description: describe('Paginated and sortable.', 'viewer'),
          params: packerParams(BUCKET_PARAM),
          querystring: listQuery(),
          response: replies(listOf('versions', 'Version')),
        },
      },
      async (request) =>
        service.listVersions(request.params.bucket_name, toListOptions(request.query)),
    );

    app.post<{ Params: BucketParams; Body: CreateVersionBody }>(
      '/buckets/:bucket_name/versions',
      {
        config: { access: 'contributor' },
        schema: {
          operationId: 'CreateVersion',
          tags: ['versions'],
          summary: 'Create a version for a fingerprint',
          description: describe(
            'The version is named v0 until every build is done. A duplicate fingerprint is 409 / code 6.',
            'contributor',
          ),
          params: packerParams(BUCKET_PARAM),
          querystring: NO_QUERY,
          body: CREATE_VERSION_BODY,
          response: replies(wrapped('version', 'Version')),
        },
      },
      async (request) => ({
        version: await service.createVersion(
          actorOf(request),
          request.params.bucket_name,
          request.body,
        ),
      }),
    );

    app.get<{ Params: VersionParams }>(
      '/buckets/:bucket_name/versions/:fingerprint',
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'GetVersion',
          tags: ['versions'],
          summary: 'Get a version by fingerprint',
          description: describe(
            'With its builds. An unknown fingerprint is 409 / code 10 (ABORTED), which Packer expects.',
            'viewer',
          ),
          params: packerParams(VERSION_PARAMS),
          querystring: NO_QUERY,
          response: replies(wrapped('version', 'Version')),
        },
      },
      async (request, reply) => {
        const version = await service.getVersion(
          request.params.bucket_name,
          request.params.fingerprint,
        );
        return sharedBody(reply, version, () => ({ version }));
      },
    );

    app.patch<{ Params: VersionParams; Body: UpdateVersionBody }>(
      '/buckets/:bucket_name/versions/:fingerprint',
      {
        config: { access: 'contributor' },
        schema: {
          operationId: 'UpdateVersion',
          tags: ['versions'],
          summary: 'Complete, revoke, schedule revocation or restore a version',
          description: describe(
            'Completing needs contributor; revoking (revoke_at, revoke_in, revocation_message, ' +
              'skip_descendants_revocation, disable_rollback_channels) and restoring need admin.',
            'contributor / admin',
          ),
          params: packerParams(VERSION_PARAMS),
          querystring: NO_QUERY,
          body: UPDATE_VERSION_BODY,
          response: replies({
            type: 'object',
            properties: { version: ref('Version'), operation: ref('Operation') },
          }),
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const body = request.body;
        if (isRevocationChange(body))
          requireRole(actor, 'admin', 'revoking or restoring a version');
        return service.updateVersion(
          actor,
          request.params.bucket_name,
          request.params.fingerprint,
          body,
        );
      },
    );

    app.delete<{ Params: VersionParams; Querystring: { rollback_channels?: string } }>(
      '/buckets/:bucket_name/versions/:fingerprint',
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'DeleteVersion',
          tags: ['versions'],
          summary: 'Delete a version',
          description: describe(
            'Refused (400 / code 9) while a user channel points at it, unless rollback_channels=true.',
            'admin',
          ),
          params: packerParams(VERSION_PARAMS),
          querystring: DELETE_VERSION_QUERY,
          response: replies(EMPTY_OBJECT),
        },
      },
      async (request) => {
        const flag = request.query.rollback_channels;
        await service.deleteVersion(
          actorOf(request),
          request.params.bucket_name,
          request.params.fingerprint,
          { rollbackChannels: flag === 'true' || flag === '1' },
        );
        return {};
      },
    );
  },
);
