import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RegistryClient } from '@imprint/client';
import {
  openRegistryStorage,
  startRegistryServer,
  type RunningRegistryServer,
} from '@imprint/registry';

/** The repository root: plugins resolve from here (the examples are workspace packages). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Temp directories removed after the suite. */
export function tempDirs() {
  const made: string[] = [];
  return {
    async make(prefix = 'imprint-core-'): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup(): Promise<void> {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** Writes `template` as pretty JSON (so that lines are predictable) and returns the path. */
export async function writeTemplate(dir: string, name: string, template: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${JSON.stringify(template, null, 2)}\n`);
  return file;
}

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineContaining(text: string, needle: string, after = 0): number {
  const lines = text.split('\n');
  for (let i = after; i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
  throw new Error(`'${needle}' not found`);
}

/** A real registry server on 127.0.0.1 over SQLite in a temp dir. */
export async function startRegistry(dataDir: string): Promise<{
  server: RunningRegistryServer;
  client: RegistryClient;
  close(): Promise<void>;
}> {
  const storage = await openRegistryStorage({ dataDir });
  const server = await startRegistryServer({
    storage,
    host: '127.0.0.1',
    port: 0,
    sweepIntervalMs: 0,
    logger: false,
    closeStorage: true,
  });
  return {
    server,
    client: new RegistryClient({ baseUrl: server.url, retries: false }),
    close: () => server.close(),
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
