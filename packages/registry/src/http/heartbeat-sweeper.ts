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
  // What the sweep does itself; the API's own changes are counted by route (domain-outcomes.ts).
  const cancelledBuilds = app.metrics.counter({
    name: 'imprint_builds_cancelled_total',
    help: 'Builds the heartbeat sweep cancelled because their heartbeats stopped.',
  });
  const dueRevocations = app.metrics.counter({
    name: 'imprint_revocations_came_due_total',
    help: 'Versions whose scheduled (or inherited) revocation the sweep found due and applied.',
  });
  runPeriodically(app, {
    name: 'heartbeat sweep',
    intervalMs,
    run: async () => {
      const cancelled = await service.cancelStaleBuilds();
      if (cancelled > 0) {
        cancelledBuilds.inc(cancelled);
        app.log.info({ cancelled }, 'cancelled builds whose heartbeats stopped');
      }
      // Scheduled revocations read as revoked on their own; announcing them
      // and rolling channels back needs a write.
      const revoked = await service.processDueRevocations();
      if (revoked > 0) {
        dueRevocations.inc(revoked);
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
