import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createTempDirs, useTestRegistry, writeJsonFile } from '@imprint/registry/testing';
import type { TempDirs, TestRegistry } from '@imprint/registry/testing';

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
export function tempDirs(): TempDirs {
  return createTempDirs('imprint-cli-');
}

/** Writes `content` as pretty JSON and returns the path. */
export const writeJson = writeJsonFile;

/** Runs the built bin with `args` to its end (at most `ms`): exit code and output. */
export async function runToEnd(
  args: readonly string[],
  env: Record<string, string> = {},
  ms = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const running = start(args, env);
  const code = await exitWithin(running, ms);
  return { code, stdout: running.stdout, stderr: running.stderr };
}

/**
 * A real registry on 127.0.0.1 (SQLite in a temp dir, `@imprint/registry/testing`)
 * for one test file: the handle's `server` and `client` are valid inside
 * tests. `dirs` is cleaned up after the suite.
 */
export function useRegistry(dirs: TempDirs, prefix = 'imprint-cli-reg-'): TestRegistry {
  afterAll(() => dirs.cleanup());
  return useTestRegistry({ beforeAll, afterAll }, { database: { prefix } });
}
