import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
/** The built bin (`npx tsc -b packages/cli`). */
export const BIN = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin', 'imprint.js');

/** The environment without anything that would point the CLI at a registry. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('IMPRINT_') || key.startsWith('HCP_')) continue;
    // The terminal's size is each test's choice.
    if (key === 'COLUMNS' || key === 'LINES') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** A child process of the built bin, its output so far and its exit. */
export interface Running {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code (or `128 + n` for death by signal n). */
  readonly exit: Promise<number>;
}

/** Starts `node <bin> ...args` with output captured; `command` replaces node+bin (e.g. `script`). */
export function start(
  args: readonly string[],
  env: Record<string, string> = {},
  command: readonly string[] = [process.execPath, BIN],
): Running {
  const [file, ...first] = command;
  const child = spawn(file, [...first, ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: Running = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((done, fail) => {
      child.on('error', fail);
      child.on('close', (code, signal) =>
        done(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2)),
      );
    }),
  };
  child.stdout!.on('data', (d: Buffer) => (running.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (running.stderr += d.toString()));
  return running;
}

/** Waits for the exit at most `ms`; kills the process (SIGKILL) and fails past it. */
export async function exitWithin(running: Running, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      running.child.kill('SIGKILL');
      fail(
        new Error(
          `no exit within ${ms} ms\n--- stdout\n${running.stdout}\n--- stderr\n${running.stderr}`,
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([running.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` every 100 ms until it returns a value, at most `ms`. */
export async function eventually<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${what}: not within ${ms} ms${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}

/** Temp directories removed after the suite. */
export function tempDirs() {
  const made: string[] = [];
  return {
    async make(prefix = 'imprint-cli-'): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup(): Promise<void> {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** Writes `content` as pretty JSON and returns the path. */
export async function writeJson(dir: string, name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

/**
 * A real registry on 127.0.0.1 (SQLite in a temp dir) for one test file:
 * registers beforeAll/afterAll hooks; `server` and `client` are valid inside
 * tests. `dirs` is cleaned up after the server has closed.
 */
export function useRegistry(dirs: ReturnType<typeof tempDirs>, prefix = 'imprint-cli-reg-') {
  let server: RunningRegistryServer | undefined;
  let client: RegistryClient | undefined;
  beforeAll(async () => {
    const storage = await openRegistryStorage({ dataDir: await dirs.make(prefix) });
    server = await startRegistryServer({
      storage,
      host: '127.0.0.1',
      port: 0,
      sweepIntervalMs: 0,
      logger: false,
      closeStorage: true,
    });
    client = new RegistryClient({ baseUrl: server.url, retries: false });
  });
  afterAll(async () => {
    await server?.close();
    await dirs.cleanup();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRegistry(): only available inside tests');
    return value;
  };
  return {
    get server(): RunningRegistryServer {
      return need(server);
    },
    get client(): RegistryClient {
      return need(client);
    },
  };
}
