import {
  EmptyResponse,
  ListQuerystring,
  V2021CreateIterationBody,
  V2021DeleteIterationQuerystring,
  V2021GetIterationQuerystring,
  V2021IterationResponse,
  V2021ListIterationsResponse,
  V2021UpdateIterationBody,
  V2021UpdateIterationResponse,
  type UpdateVersionBody,
  type V2021UpdateIterationBody as UpdateIterationBody,
  type Version,
} from '@imprint/client';
import { actorOf, requireRole } from '../auth/auth.plugin';
import { RegistryErrors } from '../errors/registry-errors';
import { withoutGoZeroRevokeAt } from '../http/go-zero-time';
import { toListOptions } from '../http/list-query';
import { packerResource } from '../http/packer-operation';
import { isRevocationChange } from '../resources/versions/versions.routes';
import { ITERATION_ID_PARAM, SLUG_PARAM, namesIteration } from './iteration-pointer';
import { toV2021Iteration, toV2021IterationForList } from './wire-2021';

/**
 * UpdateIteration → UpdateVersion. A 2021 revoke leaves channels on the
 * revoked iteration unless `rollback_channels` (2023-01-01 rolls them back
 * unless `disable_rollback_channels`); year-1 `revoke_at` is Go's "unset".
 */
function toUpdateVersion(body: UpdateIterationBody): UpdateVersionBody {
  const { bucket_slug: _bucket, rollback_channels, ...fields } = withoutGoZeroRevokeAt(body);
  const revokes = Boolean(fields.revoke_at || fields.revoke_in);
  return revokes && !rollback_channels ? { ...fields, disable_rollback_channels: true } : fields;
}

/**
 * Iterations (2023-01-01: versions, the same ids and fingerprints), under
 * their bucket and at top-level `/iterations/{iteration_id}`. An iteration is
 * complete, with incremental_version N, once every build is DONE: the
 * registry decides (Packer v1.9.4 never completes one).
 */
export const iterations2021Routes = packerResource(
  'v2021-iterations',
  (app, operation, service) => {
    app.get(
      '/images/:bucket_slug/iterations',
      operation({
        operationId: 'V2021_ListIterations',
        access: 'viewer',
        summary: 'List the iterations of a bucket (2021-04-30)',
        description: 'Paginated and sortable; each with build_statuses instead of builds.',
        params: SLUG_PARAM,
        querystring: ListQuerystring(),
        response: V2021ListIterationsResponse,
      }),
      async ({ params, query }) => {
        const page = await service.listVersions(params.bucket_slug, toListOptions(query));
        return {
          iterations: page.versions.map(toV2021IterationForList),
          pagination: page.pagination,
        };
      },
    );

    app.post(
      '/images/:bucket_slug/iterations',
      operation({
        operationId: 'V2021_CreateIteration',
        access: 'contributor',
        summary: 'Create an iteration for a fingerprint (2021-04-30)',
        description:
          'Incomplete (incremental_version 0) until every build is DONE. A duplicate fingerprint is 409 / code 6.',
        params: SLUG_PARAM,
        body: V2021CreateIterationBody,
        response: V2021IterationResponse,
      }),
      async (request) => {
        const version = await service.createVersion(
          actorOf(request),
          request.params.bucket_slug,
          request.body,
        );
        return { iteration: toV2021Iteration(version) };
      },
    );

    app.get(
      '/images/:bucket_slug/iteration',
      operation({
        operationId: 'V2021_GetIteration',
        access: 'viewer',
        summary: 'Get an iteration by id, fingerprint or incremental version (2021-04-30)',
        description:
          'The first non-empty of iteration_id, fingerprint, incremental_version. An unknown ' +
          'fingerprint is 409 / code 10 (ABORTED), on which Packer creates the iteration; an ' +
          'unknown id or incremental version is 404 / code 5; none of the three is 400 / code 3.',
        params: SLUG_PARAM,
        querystring: V2021GetIterationQuerystring,
        response: V2021IterationResponse,
      }),
      async ({ params, query }) => {
        const bucket = params.bucket_slug;
        if (!namesIteration(query)) {
          throw new RegistryErrors.FieldRequired({
            field: 'one of iteration_id, fingerprint or incremental_version',
          });
        }
        // By fingerprint through GetVersion: its code 10 is what Packer creates the iteration on.
        const version: Version =
          query.iteration_id || !query.fingerprint
            ? await service.findVersion(
                query.iteration_id
                  ? { id: query.iteration_id, bucket }
                  : { bucket, incrementalVersion: Number(query.incremental_version) },
              )
            : await service.getVersion(bucket, query.fingerprint);
        return { iteration: toV2021Iteration(version) };
      },
    );

    app.patch(
      '/iterations/:iteration_id',
      operation({
        operationId: 'V2021_UpdateIteration',
        access: 'contributor',
        role: 'contributor / admin',
        summary: 'Complete, revoke, schedule revocation or restore an iteration (2021-04-30)',
        description:
          'Completing needs contributor; revoking and restoring need admin. revoke_at of year 1 ' +
          '(what Go sends when unset) is absent. A revoke leaves channels on the iteration ' +
          'unless rollback_channels is true. bucket_slug, when sent, must be the iteration’s bucket.',
        params: ITERATION_ID_PARAM,
        body: V2021UpdateIterationBody,
        response: V2021UpdateIterationResponse,
      }),
      async (request) => {
        const actor = actorOf(request);
        const { body } = request;
        const version = await service.findVersion({
          id: request.params.iteration_id,
          ...(body.bucket_slug ? { bucket: body.bucket_slug } : {}),
        });
        const update = toUpdateVersion(body);
        if (isRevocationChange(update))
          requireRole(actor, 'admin', 'revoking or restoring an iteration');
        const result = await service.updateVersion(
          actor,
          version.bucket_name,
          version.fingerprint,
          update,
        );
        return {
          iteration: toV2021Iteration(result.version),
          ...(result.operation ? { operation: result.operation } : {}),
        };
      },
    );

    app.delete(
      '/iterations/:iteration_id',
      operation({
        operationId: 'V2021_DeleteIteration',
        access: 'admin',
        summary: 'Delete an iteration (2021-04-30)',
        description:
          'Refused (400 / code 9) while a user channel points at it, unless rollback_channels=true.',
        params: ITERATION_ID_PARAM,
        querystring: V2021DeleteIterationQuerystring,
        response: EmptyResponse,
      }),
      async (request) => {
        const { bucket_slug, rollback_channels } = request.query;
        const version = await service.findVersion({
          id: request.params.iteration_id,
          ...(bucket_slug ? { bucket: bucket_slug } : {}),
        });
        await service.deleteVersion(actorOf(request), version.bucket_name, version.fingerprint, {
          rollbackChannels: rollback_channels === 'true' || rollback_channels === '1',
        });
        return {};
      },
    );
  },
);
