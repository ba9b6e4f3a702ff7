import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { RegistryService } from '../domain/registry-contract';
import { DatabaseUnavailableError } from '../storage/availability';

export type HeartbeatSweeperOptions = {
  readonly service: RegistryService;
  /** How often to look for builds whose heartbeats stopped. 0 disables the sweeper. */
  readonly intervalMs: number;
};

const sweepHeartbeats: FastifyPluginAsync<HeartbeatSweeperOptions> = async (
  app,
  { service, intervalMs },
) => {
  if (intervalMs <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const sweep = (): void => {
    if (running) return;
    running = (async () => {
      const cancelled = await service.cancelStaleBuilds();
      if (cancelled > 0) {
        app.log.info({ cancelled }, 'cancelled builds whose heartbeats stopped');
      }
      // Scheduled revocations read as revoked on their own; rolling channels back needs a write.
      const revoked = await service.processDueRevocations();
      if (revoked > 0) app.log.info({ revoked }, 'applied scheduled revocations that came due');
    })()
      .catch((error: unknown) => {
        // The database being away is logged once by the server, not as a bug per sweep.
        if (error instanceof DatabaseUnavailableError) {
          app.log.debug({ reason: error.reason }, `heartbeat sweep skipped: ${error.message}`);
        } else {
          app.log.error({ err: error }, 'heartbeat sweep failed');
        }
      })
      .finally(() => {
        running = undefined;
      });
  };

  app.addHook('onReady', async () => {
    timer = setInterval(sweep, intervalMs);
    timer.unref();
  });

  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    await running;
  });
};

/**
 * Packer sends a heartbeat (UpdateBuild BUILD_RUNNING) every 2 minutes; builds
 * whose heartbeats stop are cancelled by a periodic sweep. The timer is
 * unref'd (it never keeps the process alive), starts when the server is ready
 * and stops on close, after waiting for a sweep in progress.
 */
export const heartbeatSweeperPlugin = fp(sweepHeartbeats, { name: 'imprint-heartbeat-sweeper' });
