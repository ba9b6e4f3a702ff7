import {
  EmptyResponse,
  ListQuerystring,
  V2021BuildResponse,
  V2021CreateBuildBody,
  V2021ListBuildsResponse,
  V2021UpdateBuildBody,
} from '@imprint/client';
import { actorOf } from '../auth/auth.plugin';
import { toListOptions } from '../http/list-query';
import { packerResource } from '../http/packer-operation';
import { BUILD_ID_PARAM, ITERATION_ID_PARAM, SLUG_PARAM } from './iteration-pointer';
import { toBuildFields, toV2021Build } from './wire-2021';

const ITERATION_PARAMS = { ...SLUG_PARAM, ...ITERATION_ID_PARAM };

/**
 * Builds: listed and created under their iteration (by id), read, updated
 * and deleted at top-level `/builds/{build_id}`. Parent ids come in the
 * final UpdateBuild (source_iteration_id, source_channel_id) and are read
 * back through ListBucketAncestry.
 */
export const builds2021Routes = packerResource('v2021-builds', (app, operation, service) => {
  app.get(
    '/images/:bucket_slug/iterations/:iteration_id/builds',
    operation({
      operationId: 'V2021_ListBuilds',
      access: 'viewer',
      summary: 'List the builds of an iteration (2021-04-30)',
      description:
        'With their images; every build without pagination.page_size (Packer never pages).',
      params: ITERATION_PARAMS,
      querystring: ListQuerystring(),
      response: V2021ListBuildsResponse,
    }),
    async ({ params, query }) => {
      const bucket = params.bucket_slug;
      const version = await service.findVersion({ id: params.iteration_id, bucket });
      const page = await service.listBuilds(bucket, version.fingerprint, toListOptions(query));
      return { builds: page.builds.map(toV2021Build), pagination: page.pagination };
    },
  );

  app.post(
    '/images/:bucket_slug/iterations/:iteration_id',
    operation({
      operationId: 'V2021_CreateBuild',
      access: 'contributor',
      summary: 'Create a build (2021-04-30)',
      description:
        'One build per component_type per iteration; a duplicate is 409 / code 6, which Packer ' +
        'tolerates. The path names the iteration; the body fingerprint is not needed.',
      params: ITERATION_PARAMS,
      body: V2021CreateBuildBody,
      response: V2021BuildResponse,
    }),
    async (request) => {
      const bucket = request.params.bucket_slug;
      const version = await service.findVersion({ id: request.params.iteration_id, bucket });
      const { component_type, ...fields } = request.body.build;
      const build = await service.createBuild(actorOf(request), bucket, version.fingerprint, {
        component_type,
        ...toBuildFields(fields),
      });
      return { build: toV2021Build(build) };
    },
  );

  app.get(
    '/builds/:build_id',
    operation({
      operationId: 'V2021_GetBuild',
      access: 'viewer',
      summary: 'Get a build (2021-04-30)',
      description: 'With its images. An unknown build is 404 / code 5.',
      params: BUILD_ID_PARAM,
      response: V2021BuildResponse,
    }),
    async ({ params }) => ({
      build: toV2021Build((await service.locateBuild(params.build_id)).build),
    }),
  );

  app.patch(
    '/builds/:build_id',
    operation({
      operationId: 'V2021_UpdateBuild',
      access: 'contributor',
      summary: 'Update a build: status, heartbeat, images, labels, parents (2021-04-30)',
      description:
        'RUNNING again is a heartbeat; "images": null changes nothing. DONE needs at least one ' +
        'image; when the last build of an iteration is DONE the iteration is complete with the ' +
        'next incremental_version and latest moves to it.',
      params: BUILD_ID_PARAM,
      body: V2021UpdateBuildBody,
      response: V2021BuildResponse,
    }),
    async (request) => {
      const { build_id } = request.params;
      const where = await service.locateBuild(build_id);
      const build = await service.updateBuild(
        actorOf(request),
        where.bucket_name,
        where.fingerprint,
        build_id,
        toBuildFields(request.body.updates),
      );
      return { build: toV2021Build(build) };
    },
  );

  app.delete(
    '/builds/:build_id',
    operation({
      operationId: 'V2021_DeleteBuild',
      access: 'admin',
      summary: 'Delete a build (2021-04-30)',
      description: 'Removes the build and its images.',
      params: BUILD_ID_PARAM,
      response: EmptyResponse,
    }),
    async (request) => {
      const { build_id } = request.params;
      const where = await service.locateBuild(build_id);
      await service.deleteBuild(actorOf(request), where.bucket_name, where.fingerprint, build_id);
      return {};
    },
  );
});
