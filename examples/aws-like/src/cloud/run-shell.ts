import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import type { RunCommandOptions } from './cloud-client';

const KILL_GRACE_MS = 2_000;

/**
 * Runs `script` with `/bin/sh -c` in `cwd` and resolves with its exit code.
 * The shell leads its own process group so that cancelling kills whatever it
 * started too (SIGTERM, then SIGKILL after a grace period); the call rejects
 * only once the processes are gone, so callers can remove `cwd` safely.
 */
export function runShell(
  script: string,
  cwd: string,
  options: RunCommandOptions = {},
): Promise<{ exitCode: number }> {
  const { signal, onOutput, env } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const child = spawn('/bin/sh', ['-c', script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const streams = [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const;
    for (const [stream, name] of streams) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) =>
        onOutput?.(line, name),
      );
    }
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    signal?.addEventListener('abort', kill, { once: true });
    child.once('error', (error) => {
      signal?.removeEventListener('abort', kill);
      reject(error);
    });
    child.once('close', (code, killedBy) => {
      signal?.removeEventListener('abort', kill);
      if (killTimer !== undefined) clearTimeout(killTimer);
      if (signal?.aborted) reject(abortError(signal));
      // A shell reports death by signal N as status 128 + N; do the same.
      else resolve({ exitCode: code ?? 128 + (killedBy ? constants.signals[killedBy] : 0) });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has already exited.
  }
}

function abortError(signal: AbortSignal): Error {
  return new Error('the command was cancelled', { cause: signal.reason });
}
