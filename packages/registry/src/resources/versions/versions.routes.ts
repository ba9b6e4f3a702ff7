import {
  CreateVersionBody,
  DeleteVersionQuerystring,
  EmptyResponse,
  ListQuerystring,
  ListVersionsResponse,
  UpdateVersionBody,
  UpdateVersionResponse,
  VersionResponse,
} from '@imprint/client';
import { actorOf, requireRole } from '../../auth/auth.plugin';
import { withoutGoZeroRevokeAt } from '../../http/go-zero-time';
import { toListOptions } from '../../http/list-query';
import { packerResource } from '../../http/packer-operation';
import { sharedBody } from '../../http/shared-body';
import { BUCKET_PARAM, VERSION_PARAMS } from '../../http/schemas/requests.schemas';

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
export const versionRoutes = packerResource('versions', (app, operation, service) => {
  const base = '/buckets/:bucket_name/versions';

  app.get(
    base,
    operation({
      operationId: 'ListVersions',
      access: 'viewer',
      summary: 'List the versions of a bucket',
      description: 'Paginated and sortable.',
      params: BUCKET_PARAM,
      querystring: ListQuerystring(),
      response: ListVersionsResponse,
    }),
    async ({ params, query }) => service.listVersions(params.bucket_name, toListOptions(query)),
  );

  app.post(
    base,
    operation({
      operationId: 'CreateVersion',
      access: 'contributor',
      summary: 'Create a version for a fingerprint',
      description:
        'The version is named v0 until every build is done. A duplicate fingerprint is 409 / code 6.',
      params: BUCKET_PARAM,
      body: CreateVersionBody,
      response: VersionResponse,
    }),
    async (request) => ({
      version: await service.createVersion(
        actorOf(request),
        request.params.bucket_name,
        request.body,
      ),
    }),
  );

  app.get(
    `${base}/:fingerprint`,
    operation({
      operationId: 'GetVersion',
      access: 'viewer',
      summary: 'Get a version by fingerprint',
      description:
        'With its builds. An unknown fingerprint is 409 / code 10 (ABORTED), which Packer expects.',
      params: VERSION_PARAMS,
      response: VersionResponse,
    }),
    async ({ params }, reply) => {
      const version = await service.getVersion(params.bucket_name, params.fingerprint);
      return sharedBody(reply, version, () => ({ version }));
    },
  );

  app.patch(
    `${base}/:fingerprint`,
    operation({
      operationId: 'UpdateVersion',
      access: 'contributor',
      role: 'contributor / admin',
      summary: 'Complete, revoke, schedule revocation or restore a version',
      description:
        'Completing needs contributor; revoking (revoke_at, revoke_in, revocation_message, ' +
        'skip_descendants_revocation, disable_rollback_channels) and restoring need admin.',
      params: VERSION_PARAMS,
      body: UpdateVersionBody,
      response: UpdateVersionResponse,
    }),
    async (request) => {
      const actor = actorOf(request);
      const { params } = request;
      const body = withoutGoZeroRevokeAt(request.body);
      if (isRevocationChange(body)) requireRole(actor, 'admin', 'revoking or restoring a version');
      return service.updateVersion(actor, params.bucket_name, params.fingerprint, body);
    },
  );

  app.delete(
    `${base}/:fingerprint`,
    operation({
      operationId: 'DeleteVersion',
      access: 'admin',
      summary: 'Delete a version',
      description:
        'Refused (400 / code 9) while a user channel points at it, unless rollback_channels=true.',
      params: VERSION_PARAMS,
      querystring: DeleteVersionQuerystring,
      response: EmptyResponse,
    }),
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
});
