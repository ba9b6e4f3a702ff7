import { GrpcCode, RegistryError } from '../../domain/registry.errors';
import type { RouteContext } from '../context';
import { HTTP_ERROR_REASONS } from '../http-errors';
import { namedPlugin } from '../plugin';
import { replies } from '../schemas/models.schemas';

/** `/healthz` (the process is up) and `/readyz` (the database answers). */
export const healthRoutes = namedPlugin<RouteContext>(
  'imprint-health',
  async (app, { storage }) => {
    app.get(
      '/healthz',
      {
        config: { access: 'public' },
        logLevel: 'warn',
        schema: {
          operationId: 'Healthz',
          tags: ['health'],
          summary: 'Liveness',
          description: 'Always 200 while the process serves requests. Role: public.',
          security: [],
          response: replies({ type: 'object', properties: { status: { type: 'string' } } }),
        },
      },
      async () => ({ status: 'ok' }),
    );

    app.get(
      '/readyz',
      {
        config: { access: 'public' },
        logLevel: 'warn',
        schema: {
          operationId: 'Readyz',
          tags: ['health'],
          summary: 'Readiness: the database answers',
          description: 'Role: public. 503 / code 14 when the database cannot be queried.',
          security: [],
          response: replies({
            type: 'object',
            properties: { status: { type: 'string' }, engine: { type: 'string' } },
          }),
        },
      },
      async (request) => {
        try {
          await storage.principals.countPrincipals();
        } catch (error) {
          request.log.warn({ err: error }, 'readiness check failed');
          throw new RegistryError(
            GrpcCode.UNAVAILABLE,
            HTTP_ERROR_REASONS.UNAVAILABLE,
            `the ${storage.engine} database does not answer`,
          );
        }
        return { status: 'ready', engine: storage.engine };
      },
    );
  },
);
