import { LIMITS, TenantIdSchema, type Organization, type Project } from '@imprint/client';
import type { RouteContext } from '../context';
import { namedPlugin } from '../plugin';
import { listOf, replies, wrapped } from '../schemas/models.schemas';
import type { Tenancy } from '../registry-scope';
import { describe } from './params';

/** Names shown for the single organization and project a registry serves. */
export const ORGANIZATION_NAME = 'imprint';
export const PROJECT_NAME = 'default';

const RESOURCE_MANAGER = '/resource-manager/2019-12-10';

function organizationOf(tenancy: Tenancy): Organization {
  return {
    id: tenancy.organizationId,
    name: ORGANIZATION_NAME,
    state: 'ACTIVE',
    created_at: tenancy.createdAt,
  };
}

function projectOf(tenancy: Tenancy): Project {
  return {
    id: tenancy.projectId,
    name: PROJECT_NAME,
    description: 'The project of this Imprint registry',
    parent: { type: 'ORGANIZATION', id: tenancy.organizationId },
    state: 'ACTIVE',
    created_at: tenancy.createdAt,
  };
}

const idParams = {
  type: 'object',
  properties: { id: TenantIdSchema },
  required: ['id'],
  additionalProperties: false,
};

/**
 * The slice of HCP's resource manager clients use to discover their
 * organization and project when `HCP_ORGANIZATION_ID` / `HCP_PROJECT_ID` are
 * not set: exactly one of each.
 */
export const resourceManagerRoutes = namedPlugin<RouteContext>(
  'imprint-resource-manager',
  async (app, { scope }) => {
    app.get(
      `${RESOURCE_MANAGER}/organizations`,
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'OrganizationService_List',
          tags: ['resource-manager'],
          summary: 'List organizations (exactly one)',
          description: describe('The organization this registry serves.', 'viewer'),
          response: replies(listOf('organizations', 'Organization')),
        },
      },
      async () => ({ organizations: [organizationOf(await scope.get())], pagination: {} }),
    );

    app.get<{ Params: { id: string } }>(
      `${RESOURCE_MANAGER}/organizations/:id`,
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'OrganizationService_Get',
          tags: ['resource-manager'],
          summary: 'Get the organization',
          description: describe('Any other id is 404 / code 5.', 'viewer'),
          params: idParams,
          response: replies(wrapped('organization', 'Organization')),
        },
      },
      async (request) => ({ organization: organizationOf(await scope.check(request.params.id)) }),
    );

    app.get<{ Querystring: { 'scope.type'?: string; 'scope.id'?: string } }>(
      `${RESOURCE_MANAGER}/projects`,
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'ProjectService_List',
          tags: ['resource-manager'],
          summary: 'List projects (exactly one)',
          description: describe(
            'scope.type=ORGANIZATION&scope.id=<organization id>; another organization is 404 / code 5.',
            'viewer',
          ),
          querystring: {
            type: 'object',
            properties: {
              'scope.type': { type: 'string', enum: ['ORGANIZATION'] },
              'scope.id': TenantIdSchema,
              'pagination.page_size': { type: 'string', maxLength: 10 },
              'pagination.next_page_token': { type: 'string', maxLength: LIMITS.identifier },
            },
            additionalProperties: false,
          },
          response: replies(listOf('projects', 'Project')),
        },
      },
      async (request) => {
        const scopeId = request.query['scope.id'];
        const tenancy = scopeId ? await scope.check(scopeId) : await scope.get();
        return { projects: [projectOf(tenancy)], pagination: {} };
      },
    );

    app.get<{ Params: { id: string } }>(
      `${RESOURCE_MANAGER}/projects/:id`,
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'ProjectService_Get',
          tags: ['resource-manager'],
          summary: 'Get the project',
          description: describe('Any other id is 404 / code 5.', 'viewer'),
          params: idParams,
          response: replies(wrapped('project', 'Project')),
        },
      },
      async (request) => {
        const tenancy = await scope.get();
        return { project: projectOf(await scope.check(tenancy.organizationId, request.params.id)) };
      },
    );
  },
);
