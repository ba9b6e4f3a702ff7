import type { RouteContext } from '../http/context';
import { namedPlugin } from '../http/plugin';
import { ref, replies } from '../http/schemas/models.schemas';
import { NO_QUERY } from '../http/schemas/requests.schemas';
import { actorOf } from './auth.plugin';
import { IAM_CALLER_IDENTITY_PATH, type CallerIdentity } from '@imprint/client';

/** HCP's IAM route name: who the bearer token (or embedded mode) makes the caller. */
export const CALLER_IDENTITY_PATH = IAM_CALLER_IDENTITY_PATH;

/**
 * `GET /iam/2019-12-10/caller-identity`: the authenticated caller and its
 * role, so a client (the web console) can offer only the actions the role
 * allows. In embedded mode the caller is the anonymous admin. Role: viewer.
 */
export const callerIdentityRoutes = namedPlugin<RouteContext>(
  'imprint-caller-identity',
  async (app) => {
    app.get(
      CALLER_IDENTITY_PATH,
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'IamService_GetCallerIdentity',
          tags: ['auth'],
          summary: 'Who the caller is, and its role',
          description:
            'The principal behind the bearer token (the anonymous admin in embedded mode). Role: viewer.',
          querystring: NO_QUERY,
          response: replies(ref('CallerIdentity')),
        },
      },
      async (request, reply): Promise<CallerIdentity> => {
        const actor = actorOf(request);
        reply.header('cache-control', 'no-store');
        return {
          principal: {
            id: actor.principalId,
            type: 'PRINCIPAL_TYPE_SERVICE',
            service: { id: actor.principalId, name: actor.name, role: actor.role },
          },
        };
      },
    );
  },
);
