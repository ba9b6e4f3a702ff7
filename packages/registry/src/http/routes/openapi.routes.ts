import type { RouteContext } from '../context';
import { namedPlugin } from '../plugin';

/** `GET /openapi.json`: the OpenAPI 3.1 document built from the route schemas. */
export const openApiRoutes = namedPlugin<RouteContext>('imprint-openapi', async (app) => {
  app.get(
    '/openapi.json',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'OpenApi',
        tags: ['meta'],
        summary: 'This OpenAPI document',
        description: 'Role: public.',
        security: [],
      },
    },
    async () => app.swagger(),
  );
});
