import type { ArtifactInput, CreateBuildBody, UpdateBuildBody } from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import type { RouteContext } from '../../http/context';
import { toListOptions, type ListQuery } from '../../http/list-query';
import { namedPlugin } from '../../http/plugin';
import { EMPTY_OBJECT, listOf, replies, wrapped } from '../../http/schemas/models.schemas';
import {
  BUILD_PARAMS,
  CREATE_BUILD_BODY,
  NO_QUERY,
  UPDATE_BUILD_BODY,
  VERSION_PARAMS,
  listQuery,
  packerParams,
} from '../../http/schemas/requests.schemas';
import { describe, type BuildParams, type VersionParams } from '../../http/routes/params';

/** Go clients omit empty strings (`omitempty`): an artifact without region has region "". */
function withRegions<T extends { artifacts?: ArtifactInput[] }>(body: T): T {
  if (!body.artifacts) return body;
  return {
    ...body,
    artifacts: body.artifacts.map((artifact) => ({
      external_identifier: artifact.external_identifier,
      region: artifact.region ?? '',
    })),
  };
}

/** Builds of a version: one per component. */
export const buildRoutes = namedPlugin<RouteContext>('imprint-builds', async (app, { storage }) => {
  const { service } = storage;
  const base = '/buckets/:bucket_name/versions/:fingerprint/builds';

  app.get<{ Params: VersionParams; Querystring: ListQuery }>(
    base,
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'ListBuilds',
        tags: ['builds'],
        summary: 'List the builds of a version',
        description: describe('With their artifacts.', 'viewer'),
        params: packerParams(VERSION_PARAMS),
        querystring: listQuery(),
        response: replies(listOf('builds', 'Build')),
      },
    },
    async (request) =>
      service.listBuilds(
        request.params.bucket_name,
        request.params.fingerprint,
        toListOptions(request.query),
      ),
  );

  app.post<{ Params: VersionParams; Body: CreateBuildBody }>(
    base,
    {
      config: { access: 'contributor' },
      schema: {
        operationId: 'CreateBuild',
        tags: ['builds'],
        summary: 'Create a build',
        description: describe(
          'One build per component_type per version; a duplicate is 409 / code 6.',
          'contributor',
        ),
        params: packerParams(VERSION_PARAMS),
        querystring: NO_QUERY,
        body: CREATE_BUILD_BODY,
        response: replies(wrapped('build', 'Build')),
      },
    },
    async (request) => ({
      build: await service.createBuild(
        actorOf(request),
        request.params.bucket_name,
        request.params.fingerprint,
        withRegions(request.body),
      ),
    }),
  );

  app.get<{ Params: BuildParams }>(
    `${base}/:build_id`,
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'GetBuild',
        tags: ['builds'],
        summary: 'Get a build',
        description: describe('With its artifacts and metadata.', 'viewer'),
        params: packerParams(BUILD_PARAMS),
        querystring: NO_QUERY,
        response: replies(wrapped('build', 'Build')),
      },
    },
    async (request) => ({
      build: await service.getBuild(
        request.params.bucket_name,
        request.params.fingerprint,
        request.params.build_id,
      ),
    }),
  );

  app.patch<{ Params: BuildParams; Body: UpdateBuildBody }>(
    `${base}/:build_id`,
    {
      config: { access: 'contributor' },
      schema: {
        operationId: 'UpdateBuild',
        tags: ['builds'],
        summary: 'Update a build: status, heartbeat, artifacts, labels, parents, metadata',
        description: describe(
          'BUILD_RUNNING again is a heartbeat. BUILD_DONE needs at least one artifact; when the ' +
            'last build of a version is done the version is named vN and assigned to latest.',
          'contributor',
        ),
        params: packerParams(BUILD_PARAMS),
        querystring: NO_QUERY,
        body: UPDATE_BUILD_BODY,
        response: replies(wrapped('build', 'Build')),
      },
    },
    async (request) => ({
      build: await service.updateBuild(
        actorOf(request),
        request.params.bucket_name,
        request.params.fingerprint,
        request.params.build_id,
        withRegions(request.body),
      ),
    }),
  );

  app.delete<{ Params: BuildParams }>(
    `${base}/:build_id`,
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'DeleteBuild',
        tags: ['builds'],
        summary: 'Delete a build',
        description: describe('Removes the build and its artifacts.', 'admin'),
        params: packerParams(BUILD_PARAMS),
        querystring: NO_QUERY,
        response: replies(EMPTY_OBJECT),
      },
    },
    async (request) => {
      await service.deleteBuild(
        actorOf(request),
        request.params.bucket_name,
        request.params.fingerprint,
        request.params.build_id,
      );
      return {};
    },
  );
});
