import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context';
import { namedPlugin } from '../plugin';
import { ancestryRoutes } from '../../resources/ancestry/ancestry.routes';
import { bucketRoutes } from '../../resources/buckets/buckets.routes';
import { buildRoutes } from '../../resources/builds/builds.routes';
import { channelRoutes } from '../../resources/channels/channels.routes';
import type { ProjectParams } from './params';
import { registryRoutes } from './registry.routes';
import { packageRoutes } from '../../resources/packages/packages.routes';
import { vulnerabilityRoutes } from '../../resources/vulnerabilities/vulnerabilities.routes';
import { sbomRoutes } from '../../resources/sboms/sboms.routes';
import { searchRoutes } from '../../resources/search/search.routes';
import { versionRoutes } from '../../resources/versions/versions.routes';

/** Where every packer operation lives (HCP Packer API 2023-01-01). */
export const PACKER_PREFIX =
  '/packer/2023-01-01/organizations/:organization_id/projects/:project_id';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dropNulls(object: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(object)) if (value === null) delete object[key];
}

/**
 * What every packer API version does before its routes: check the
 * organization and project of the path, and treat `null` body fields as
 * absent (protobuf JSON semantics), also inside the body objects named by
 * `nestedBodies` (2021-04-30 wraps builds in `build` / `updates`).
 */
export function packerRequestHooks(
  app: FastifyInstance,
  context: RouteContext,
  nestedBodies: readonly string[] = [],
): void {
  // Callback hooks: they run on every API request (see server.ts).
  app.addHook('onRequest', (request, _reply, done) => {
    const params = request.params as Partial<ProjectParams>;
    const organizationId = params.organization_id ?? '';
    const projectId = params.project_id ?? '';
    try {
      if (context.scope.checkNow(organizationId, projectId)) return done();
    } catch (error) {
      return done(error as Error);
    }
    context.scope.check(organizationId, projectId).then(() => done(), done);
  });

  app.addHook('preValidation', (request, _reply, done) => {
    const body = request.body;
    if (isObject(body)) {
      dropNulls(body);
      for (const key of nestedBodies) if (isObject(body[key])) dropNulls(body[key]);
    }
    done();
  });
}

/**
 * The HCP Packer service: checks the organization and project of every
 * request, treats `null` body fields as absent (protobuf JSON semantics), and
 * registers one plugin per resource.
 */
export const packerApi = namedPlugin<RouteContext>('imprint-packer-api', async (app, options) => {
  // Plugin options carry `prefix`; children must not get it again.
  const context: RouteContext = {
    storage: options.storage,
    scope: options.scope,
    embedded: options.embedded,
    tokenTtlSeconds: options.tokenTtlSeconds,
  };

  packerRequestHooks(app, context);

  await app.register(registryRoutes, context);
  await app.register(bucketRoutes, context);
  await app.register(ancestryRoutes, context);
  await app.register(versionRoutes, context);
  await app.register(buildRoutes, context);
  await app.register(sbomRoutes, context);
  await app.register(packageRoutes, context);
  await app.register(vulnerabilityRoutes, context);
  await app.register(channelRoutes, context);
  await app.register(searchRoutes, context);
});
