import type { FastifyInstance } from 'fastify';
import { DatabaseUnavailableError } from '../storage/availability';

/** A background task of the server, run every `intervalMs` while it is up. */
export interface PeriodicTask {
  /** For the logs: `heartbeat sweep`, `webhook delivery`. */
  readonly name: string;
  readonly intervalMs: number;
  /** Run once as soon as the server is ready, not only after the first interval. */
  readonly atStart?: boolean;
  /** One run; `stopping()` turns true once the server closes (a long run should end early). */
  run(stopping: () => boolean): Promise<void>;
}

/**
 * Runs `task` on an unref'd timer from `onReady` to `onClose`, never two runs
 * at once (a tick during a run is skipped), and waits on close for a run in
 * progress. A database that is away is logged at debug (the server logs it
 * once), anything else as an error; the next tick tries again.
 */
export function runPeriodically(app: FastifyInstance, task: PeriodicTask): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const stopping = () => stopped;

  const tick = (): void => {
    if (running || stopped) return;
    running = task
      .run(stopping)
      .catch((error: unknown) => {
        if (error instanceof DatabaseUnavailableError) {
          app.log.debug({ reason: error.reason }, `${task.name} skipped: ${error.message}`);
        } else {
          app.log.error({ err: error }, `${task.name} failed`);
        }
      })
      .finally(() => {
        running = undefined;
      });
  };

  app.addHook('onReady', async () => {
    timer = setInterval(tick, task.intervalMs);
    timer.unref();
    if (task.atStart === true) tick();
  });
  app.addHook('onClose', async () => {
    stopped = true;
    if (timer) clearInterval(timer);
    timer = undefined;
    await running;
  });
}
