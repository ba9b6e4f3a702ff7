import type { RouteContext } from '../context';
import { namedPlugin } from '../plugin';
import { replies, wrapped } from '../schemas/models.schemas';
import { NO_QUERY, packerParams } from '../schemas/requests.schemas';
import { describe, type ProjectParams } from './params';

/** `GET /registry`: the project's registry (Packer checks it is activated). */
export const registryRoutes = namedPlugin<RouteContext>(
  'imprint-registry',
  async (app, { storage }) => {
    app.get<{ Params: ProjectParams }>(
      '/registry',
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'GetRegistry',
          tags: ['registry'],
          summary: 'Get the registry',
          description: describe('The registry of the project and its configuration.', 'viewer'),
          params: packerParams(),
          querystring: NO_QUERY,
          response: replies(wrapped('registry', 'Registry')),
        },
      },
      async () => ({ registry: await storage.service.getRegistry() }),
    );
  },
);
