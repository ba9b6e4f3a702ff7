import {
  PrincipalNameSchema,
  RoleSchema,
  UlidSchema,
  type Principal as PrincipalModel,
} from '@imprint/client';
import type { Principal } from '../domain/registry-contract';
import type { RouteContext } from '../http/context';
import { namedPlugin } from '../http/plugin';
import { EMPTY_OBJECT, ref, replies } from '../http/schemas/models.schemas';
import { NO_QUERY } from '../http/schemas/requests.schemas';
import type { Role } from './roles';

/** A principal as the admin API shows it (the contract's `Principal` model, snake_case). */
export type PrincipalView = PrincipalModel;

export function toPrincipalView(principal: Principal): PrincipalView {
  return {
    id: principal.id,
    name: principal.name,
    role: principal.role,
    created_at: principal.createdAt,
  };
}

const PREFIX = '/imprint/v1/principals';

/**
 * Admin API for service principals: list, create (the secret is shown once),
 * delete (also revokes its tokens; never the last admin). Admin only.
 */
export const principalRoutes = namedPlugin<RouteContext>(
  'imprint-principals',
  async (app, { storage, embedded }) => {
    const { principals } = storage;

    app.get(
      PREFIX,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'ListPrincipals',
          tags: ['principals'],
          summary: 'List service principals',
          description: 'Role: admin.',
          querystring: NO_QUERY,
          response: replies({
            type: 'object',
            properties: { principals: { type: 'array', items: ref('Principal') } },
          }),
        },
      },
      async () => ({ principals: (await principals.listPrincipals()).map(toPrincipalView) }),
    );

    app.post<{ Body: { name: string; role: Role } }>(
      PREFIX,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'CreatePrincipal',
          tags: ['principals'],
          summary: 'Create a service principal',
          description:
            'Returns client_id and client_secret; the secret is shown only here. Role: admin.',
          querystring: NO_QUERY,
          body: {
            type: 'object',
            properties: { name: PrincipalNameSchema, role: RoleSchema },
            required: ['name', 'role'],
            additionalProperties: false,
          },
          response: replies({
            type: 'object',
            properties: {
              principal: ref('Principal'),
              client_id: { type: 'string' },
              client_secret: { type: 'string' },
            },
          }),
        },
      },
      async (request) => {
        const { principal, clientSecret } = await principals.createPrincipal(
          request.body.name,
          request.body.role,
        );
        embedded.leave(`principal ${JSON.stringify(principal.name)} was created over HTTP`);
        request.log.info(
          { principal: principal.name, role: principal.role },
          'created a service principal',
        );
        return {
          principal: toPrincipalView(principal),
          client_id: principal.id,
          client_secret: clientSecret,
        };
      },
    );

    app.delete<{ Params: { principal_id: string } }>(
      `${PREFIX}/:principal_id`,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'DeletePrincipal',
          tags: ['principals'],
          summary: 'Delete a service principal and revoke its tokens',
          description:
            'The last admin cannot be deleted here (400 / code 9): create another admin first. Role: admin.',
          params: {
            type: 'object',
            properties: { principal_id: UlidSchema },
            required: ['principal_id'],
            additionalProperties: false,
          },
          querystring: NO_QUERY,
          response: replies(EMPTY_OBJECT),
        },
      },
      async (request) => {
        // Refuses the last admin (400 / code 9): over HTTP, that would lock every admin out.
        await principals.deletePrincipal(request.params.principal_id);
        request.log.info(
          { principal_id: request.params.principal_id },
          'deleted a service principal',
        );
        return {};
      },
    );
  },
);
