import { RegistryErrors } from '../../errors/registry-errors';
import { DatabaseUnavailableError } from '../../storage/availability';
import type { RouteContext } from '../context';
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
          description:
            'Role: public. 200 with the engine and whether reads are cached (`read_cache`: on, off, ' +
            'or bypassed while the PostgreSQL change listener is down); 503 / code 14 naming why ' +
            'when the database cannot be queried.',
          security: [],
          response: replies({
            type: 'object',
            properties: {
              status: { type: 'string' },
              engine: { type: 'string' },
              read_cache: { type: 'string', enum: ['on', 'off', 'bypassed'] },
            },
          }),
        },
      },
      async () => {
        try {
          await storage.principals.countPrincipals();
        } catch (error) {
          if (error instanceof DatabaseUnavailableError) throw error;
          throw new RegistryErrors.DatabaseNotAnswering({
            engine: storage.engine,
            why: error instanceof Error ? error.message : String(error),
          });
        }
        return { status: 'ready', engine: storage.engine, read_cache: storage.readCacheState() };
      },
    );
  },
);
