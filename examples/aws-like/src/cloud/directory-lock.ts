import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CloudStateError } from '../errors';

const RETRY_MS = 10;
const DEFAULT_TIMEOUT_MS = 10_000;

// Chains per lock path, shared by every LocalCloud in the process: two builds
// running side by side in one runner queue here instead of polling the disk.
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` holding an exclusive lock on `lockDir`, across the process (a
 * queue) and across processes (`mkdir` is atomic: whoever creates the
 * directory holds the lock). A lock left by a process that no longer runs is
 * taken over, so a crash never wedges the cloud.
 *
 * @throws {@link CloudStateError} when another live process holds the lock past the timeout.
 */
export async function withDirectoryLock<T>(
  lockDir: string,
  fn: () => Promise<T>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<T> {
  const previous = queues.get(lockDir) ?? Promise.resolve();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const mine = previous.then(() => released);
  queues.set(lockDir, mine);
  await previous;
  try {
    await acquire(lockDir, timeoutMs);
    try {
      return await fn();
    } finally {
      await rm(lockDir, { recursive: true, force: true });
    }
  } finally {
    release();
    if (queues.get(lockDir) === mine) queues.delete(lockDir);
  }
}

async function acquire(lockDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'owner'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await lockOwner(lockDir);
    if (owner !== undefined && owner !== process.pid && !isRunning(owner)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new CloudStateError(
        lockDir,
        `locked by process ${owner ?? '(starting)'} for more than ${timeoutMs} ms. Wait for the other build to finish; if no build is running, delete the lock directory.`,
      );
    }
    await delay(RETRY_MS);
  }
}

async function lockOwner(lockDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(join(lockDir, 'owner'), 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // Not written yet (the owner is between mkdir and writeFile) or just released.
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
