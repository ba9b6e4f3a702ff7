import {
  BuildResponse,
  CreateBuildBody,
  EmptyResponse,
  LIMITS,
  ListBuildsResponse,
  ListQuerystring,
  UpdateBuildBody,
  type ArtifactInput,
} from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import { toListOptions } from '../../http/list-query';
import { packerResource } from '../../http/packer-operation';
import { BUILD_PARAMS, VERSION_PARAMS } from '../../http/schemas/requests.schemas';

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
export const buildRoutes = packerResource('builds', (app, operation, service) => {
  const base = '/buckets/:bucket_name/versions/:fingerprint/builds';

  app.get(
    base,
    operation({
      operationId: 'ListBuilds',
      access: 'viewer',
      summary: 'List the builds of a version',
      description:
        'With their artifacts. Without pagination.page_size, every build of the version ' +
        `(at most ${LIMITS.unpagedBuilds}; Packer never pages); with it, pages as other lists do.`,
      params: VERSION_PARAMS,
      querystring: ListQuerystring(),
      response: ListBuildsResponse,
    }),
    async ({ params, query }) =>
      service.listBuilds(params.bucket_name, params.fingerprint, toListOptions(query)),
  );

  app.post(
    base,
    operation({
      operationId: 'CreateBuild',
      access: 'contributor',
      summary: 'Create a build',
      description: 'One build per component_type per version; a duplicate is 409 / code 6.',
      params: VERSION_PARAMS,
      body: CreateBuildBody,
      response: BuildResponse,
    }),
    async (request) => {
      const { bucket_name, fingerprint } = request.params;
      const body = withRegions(request.body);
      return {
        build: await service.createBuild(actorOf(request), bucket_name, fingerprint, body),
      };
    },
  );

  app.get(
    `${base}/:build_id`,
    operation({
      operationId: 'GetBuild',
      access: 'viewer',
      summary: 'Get a build',
      description: 'With its artifacts and metadata.',
      params: BUILD_PARAMS,
      response: BuildResponse,
    }),
    async ({ params }) => ({
      build: await service.getBuild(params.bucket_name, params.fingerprint, params.build_id),
    }),
  );

  app.patch(
    `${base}/:build_id`,
    operation({
      operationId: 'UpdateBuild',
      access: 'contributor',
      summary: 'Update a build: status, heartbeat, artifacts, labels, parents, metadata',
      description:
        'BUILD_RUNNING again is a heartbeat. BUILD_DONE needs at least one artifact; when the ' +
        'last build of a version is done the version is named vN and assigned to latest.',
      params: BUILD_PARAMS,
      body: UpdateBuildBody,
      response: BuildResponse,
    }),
    async (request) => {
      const { bucket_name, fingerprint, build_id } = request.params;
      const body = withRegions(request.body);
      const actor = actorOf(request);
      return {
        build: await service.updateBuild(actor, bucket_name, fingerprint, build_id, body),
      };
    },
  );

  app.delete(
    `${base}/:build_id`,
    operation({
      operationId: 'DeleteBuild',
      access: 'admin',
      summary: 'Delete a build',
      description: 'Removes the build and its artifacts.',
      params: BUILD_PARAMS,
      response: EmptyResponse,
    }),
    async (request) => {
      const { bucket_name, fingerprint, build_id } = request.params;
      await service.deleteBuild(actorOf(request), bucket_name, fingerprint, build_id);
      return {};
    },
  );
});
