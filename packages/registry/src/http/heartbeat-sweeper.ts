import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { RegistryService } from '../domain/registry-contract';
import { runPeriodically } from './periodic-task';

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
  // Counted by the metrics plugin from the domain's events (builds cancelled, revocations applied).
  runPeriodically(app, {
    name: 'heartbeat sweep',
    intervalMs,
    run: async () => {
      const cancelled = await service.cancelStaleBuilds();
      if (cancelled > 0) {
        app.log.info({ cancelled }, 'cancelled builds whose heartbeats stopped');
      }
      // Scheduled revocations read as revoked on their own; announcing them
      // and rolling channels back needs a write.
      const revoked = await service.processDueRevocations();
      if (revoked > 0) {
        app.log.info({ revoked }, 'applied scheduled revocations that came due');
      }
    },
  });
};

/**
 * Packer sends a heartbeat (UpdateBuild BUILD_RUNNING) every 2 minutes; builds
 * whose heartbeats stop are cancelled by a periodic sweep. The timer is
 * unref'd (it never keeps the process alive), starts when the server is ready
 * and stops on close, after waiting for a sweep in progress.
 */
export const heartbeatSweeperPlugin = fp(sweepHeartbeats, { name: 'imprint-heartbeat-sweeper' });
