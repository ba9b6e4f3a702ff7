import { Registry, collectDefaultMetrics } from 'prom-client';

/** Prefix of every metric the registry exposes, the process metrics included. */
export const METRIC_PREFIX = 'imprint_';

let processRegistry: Registry | undefined;

/**
 * prom-client's process metrics (CPU, memory, heap, event-loop lag, GC),
 * named `imprint_process_*` / `imprint_nodejs_*`, collected once per process.
 * Unlike the request counters they describe the process, not one server, and
 * collecting them starts an event-loop-delay monitor and a GC observer that
 * are never stopped: one set per process, not one per server (tests start
 * hundreds of servers in one process).
 */
export function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: METRIC_PREFIX });
  }
  return processRegistry;
}
