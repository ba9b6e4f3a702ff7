import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ServerReady } from './server';

/** A benchmark server child process (bench/server.ts). */
export interface BenchServer extends ServerReady {
  /** Last lines of its stderr and log file, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Forks bench/server.ts (through the same ts-node hook as this process) and
 * waits for its address. The child's log goes to a file in `logDir`, so a
 * chatty log level never blocks on a pipe the parent is too busy to drain.
 */
export async function startBenchServer(
  kind: 'real' | 'bare',
  options: {
    logDir: string;
    logLevel: string;
    dataDir?: string;
    databaseUrl?: string;
    bodyFile?: string;
  },
): Promise<BenchServer> {
  const logFile = path.join(
    options.logDir,
    `${kind}-${options.logLevel}-${Date.now().toString(36)}.log`,
  );
  const logFd = openSync(logFile, 'w');
  let stderr = '';
  let child: ChildProcess;
  try {
    child = fork(path.join(__dirname, 'server.ts'), [], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? tmpdir(),
        TS_NODE_PROJECT: process.env['TS_NODE_PROJECT'] ?? '',
        TS_NODE_TRANSPILE_ONLY: 'true',
        BENCH_SERVER: kind,
        BENCH_LOG_LEVEL: options.logLevel,
        BENCH_DATA_DIR: options.dataDir ?? '',
        BENCH_DATABASE_URL: options.databaseUrl ?? '',
        BENCH_BODY_FILE: options.bodyFile ?? '',
      },
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
      stdio: ['ignore', logFd, 'pipe', 'ipc'],
    });
  } finally {
    closeSync(logFd);
  }
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => {
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      // No log file: nothing to add.
    }
    return `--- ${kind} server stderr\n${stderr}\n--- ${kind} server log (${logFile})\n${log}`;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };

  const ready = await new Promise<ServerReady>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} server did not start in time`)),
      STARTUP_TIMEOUT_MS,
    );
    child.once('message', (message: { ready?: ServerReady }) => {
      clearTimeout(timer);
      if (message.ready) resolve(message.ready);
      else reject(new Error(`${kind} server sent ${JSON.stringify(message)}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited (${signal ?? code}) before listening`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw new Error(`${(error as Error).message}\n${output()}`);
  });
  return { ...ready, output, stop };
}

/** Median of `samples` (not modified). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` `warmup` times untimed, then `runs` times; returns each run's milliseconds. */
export async function timeRuns(
  runs: number,
  warmup: number,
  fn: () => Promise<unknown> | unknown,
): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}
