import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { RegistryStorage } from '../domain/registry-contract';

/** Options of {@link storagePlugin}. */
export interface StoragePluginOptions {
  /** The opened storage the routes serve from. */
  readonly storage: RegistryStorage;
  /** Close the storage when the server closes (the caller owns it otherwise). */
  readonly closeStorage: boolean;
}

/**
 * The storage's life inside the server: one log line per change of the
 * database's availability (not one per failed request), and, when the server
 * owns the storage, closing it after everything else has closed. Registered
 * first with `fastify-plugin` so its hooks sit on the root instance: onClose
 * hooks run last-registered-first, so the storage closes last, after the
 * routes and the sweeper have stopped using it. The routes themselves get the
 * storage as a plugin option (`RouteContext`), which keeps each route
 * plugin's dependencies explicit.
 */
async function storageLifecycle(
  app: FastifyInstance,
  { storage, closeStorage }: StoragePluginOptions,
): Promise<void> {
  if (closeStorage) app.addHook('onClose', async () => storage.close());
  const stopWatching = storage.health.onChange((state) => {
    if (state.available) {
      app.log.info({ engine: storage.engine }, `the ${storage.engine} database answers again`);
    } else {
      app.log.warn(
        { engine: storage.engine, cause: state.cause },
        `the ${storage.engine} database is unavailable (${state.cause ?? 'unknown cause'}); ` +
          `answering 503 with Retry-After until it is back`,
      );
    }
  });
  app.addHook('onClose', async () => stopWatching());
}

export const storagePlugin = fp(storageLifecycle, { name: 'imprint-storage' });
