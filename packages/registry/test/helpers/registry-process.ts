import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const PACKAGE = path.join(__dirname, '..', '..');
const BIN = path.join(PACKAGE, 'src', 'bin', 'imprint-registry.ts');
const TS_NODE = require.resolve('ts-node/register/transpile-only');
/** See workspace-sources.ts. */
const WORKSPACE_SOURCES = path.join(__dirname, 'workspace-sources.ts');

/** A real `imprint-registry serve` in a child process (the TypeScript sources through ts-node). */
export interface RegistryProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  readonly exit: Promise<number | null>;
  /** Resolves with the first match of `pattern` in stdout or stderr (rejects on exit or timeout). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Once serving: its base URL (`http://127.0.0.1:PORT`). */
  ready(timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `imprint-registry` with `args` (e.g. `['serve', '--database', url, '--listen', '127.0.0.1:0']`).
 * `sources`: the workspace packages it imports from their sources too, not their `dist`.
 */
export function spawnRegistry(
  args: string[],
  env: Record<string, string> = {},
  { sources = false }: { sources?: boolean } = {},
): RegistryProcess {
  const preload = sources ? ['-r', WORKSPACE_SOURCES] : [];
  const child = spawn(process.execPath, ['-r', TS_NODE, ...preload, BIN, ...args], {
    cwd: PACKAGE,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      TS_NODE_PROJECT: path.join(PACKAGE, 'tsconfig.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(out) ?? pattern.exec(err);
      if (match) return match;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `no ${String(pattern)} (exit ${String(child.exitCode)}):\n${out.slice(-4000)}\n${err.slice(-4000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor,
    ready: async (timeoutMs) =>
      (await waitFor(/registry ready at (http:\/\/[^\s(]+)/, timeoutMs))[1],
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** `imprint-registry serve` on PostgreSQL at `databaseUrl`, on 127.0.0.1 at a free port, with `extra` flags. */
export function spawnServe(databaseUrl: string, ...extra: string[]): RegistryProcess {
  return spawnRegistry(['serve', '--database', databaseUrl, '--listen', '127.0.0.1:0', ...extra]);
}
