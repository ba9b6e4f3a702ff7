/*
 * A benchmark server, run as a child process of bench/run.ts so that the load
 * generator (autocannon, in the parent) and the server do not share an event
 * loop. Both kinds are set up the same way: one Node process, fastify, pino at
 * BENCH_LOG_LEVEL writing to stdout, listening on 127.0.0.1 port 0. The
 * address goes back to the parent over the IPC channel.
 *
 *   BENCH_SERVER=real  the registry (startRegistryServer over openRegistryStorage,
 *                      exactly what `imprint-registry serve` runs), on
 *                      BENCH_DATA_DIR or BENCH_DATABASE_URL
 *   BENCH_SERVER=bare  fastify with one route on the GetChannel path answering
 *                      the fixed JSON object in BENCH_BODY_FILE
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { openRegistryStorage } from '@imprint/registry';
import { startTestRegistry } from '@imprint/registry/testing';

/** What the child sends the parent once it listens. */
export interface ServerReady {
  readonly url: string;
  readonly pid: number;
  readonly organizationId?: string;
  readonly projectId?: string;
}

/** Path of GetChannel, with fastify parameters. */
export const CHANNEL_ROUTE =
  '/packer/2023-01-01/organizations/:organization_id/projects/:project_id/buckets/:bucket_name/channels/:channel_name';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`bench server: ${name} is not set`);
  return value;
}

async function startReal(level: string): Promise<{ ready: ServerReady; close(): Promise<void> }> {
  const databaseUrl = process.env['BENCH_DATABASE_URL'];
  const storage = await openRegistryStorage(
    databaseUrl ? { databaseUrl } : { dataDir: env('BENCH_DATA_DIR') },
  );
  // Logs go to stdout as `serve` writes them, and the sweep runs as in production.
  const registry = await startTestRegistry({
    storage,
    server: { logger: { level }, sweepIntervalMs: undefined },
  });
  return {
    ready: {
      url: registry.url,
      pid: process.pid,
      organizationId: registry.organizationId,
      projectId: registry.projectId,
    },
    close: () => registry.close().then(() => storage.close()),
  };
}

async function startBare(level: string): Promise<{ ready: ServerReady; close(): Promise<void> }> {
  const body = JSON.parse(readFileSync(env('BENCH_BODY_FILE'), 'utf8')) as Record<string, unknown>;
  const app = Fastify({ logger: { level } });
  app.get(CHANNEL_ROUTE, async () => body);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { ready: { url: `http://127.0.0.1:${port}`, pid: process.pid }, close: () => app.close() };
}

async function main(): Promise<void> {
  const kind = env('BENCH_SERVER');
  const level = process.env['BENCH_LOG_LEVEL'] ?? 'warn';
  if (kind !== 'real' && kind !== 'bare') throw new Error(`bench server: unknown kind ${kind}`);
  const server = kind === 'real' ? await startReal(level) : await startBare(level);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The parent went away: do not outlive it.
  process.once('disconnect', stop);
  if (!process.send) throw new Error('bench server: run me with an IPC channel (bench/run.ts)');
  process.send({ ready: server.ready });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench server: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
