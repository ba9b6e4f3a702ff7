import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Temp directories made for a suite, removed together at its end. */
export interface TempDirs {
  /** A fresh directory under the OS temp dir, named `<prefix><random>`. */
  make(prefix?: string): Promise<string>;
  /** Removes every directory made so far. */
  cleanup(): Promise<void>;
}

/**
 * Temp directories for a suite's templates, plugins and data, removed by one
 * `cleanup()` in its `afterAll`.
 */
export function createTempDirs(defaultPrefix = 'imprint-test-'): TempDirs {
  const made: string[] = [];
  return {
    async make(prefix = defaultPrefix) {
      const dir = await mkdtemp(path.join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/**
 * A port on 127.0.0.1 nothing listens on (it was free a moment ago): for
 * tests of what a client does when the registry is down.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * Writes `content` to `<dir>/<name>` as pretty JSON (two-space indent, final
 * newline, so that line numbers in error messages are predictable) and
 * returns the path.
 */
export async function writeJsonFile(dir: string, name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}
