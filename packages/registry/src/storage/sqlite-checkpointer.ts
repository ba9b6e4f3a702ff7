import { Worker } from 'node:worker_threads';

/** How often the checkpoint thread copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 250;

/**
 * The WAL may grow to about this size before the checkpoint thread makes the
 * writer start it again from the beginning (and the main connection's
 * `journal_size_limit` gives the space back).
 */
export const WAL_LIMIT_BYTES = 64 * 1024 * 1024;

/** How long a restarting checkpoint waits for readers (another process's) to leave the WAL. */
const RESTART_WAIT_MS = 200;
/** How long writers stay held for a restart the thread does not report back on. */
const RESTART_HOLD_MAX_MS = 2_000;

/*
 * The worker's code, run with `eval` so that it works the same from the
 * TypeScript sources (tests) and the compiled package. It opens its own
 * connection to the database and checkpoints PASSIVE-ly (never waiting for,
 * or blocking, the writer) on a timer.
 *
 * A passive checkpoint alone never lets the WAL start over under sustained
 * writes: the writer rewinds only when every frame has been copied back, and
 * by the time a checkpoint ends, new commits have added frames (measured: a
 * 1.1 GB WAL beside a 34 MB database after 25 s of build completions, every
 * commit extending the file). Past the limit the thread asks the registry's
 * connection to hold its writes ('restart-wanted'); once told it may
 * ('restart') it runs a RESTART checkpoint, which copies what the passive one
 * left (little) and makes the next writer overwrite the WAL from its start,
 * and says so ('restarted'). A restart that fails (another process reading
 * or writing) is tried again a few turns later.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
let asked = false;
let restartedAt = -1;
let pauseTurns = 0;
const checkpoint = () => {
  let frames = 0;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    frames = result ? result.log : 0;
  } catch (error) {
    return; /* busy: next turn */
  }
  if (pauseTurns > 0) { pauseTurns -= 1; return; }
  // Asked already, or restarted and not written to since.
  if (asked || frames === restartedAt) return;
  if (frames * frameBytes <= workerData.walLimitBytes) return;
  asked = true;
  parentPort.postMessage('restart-wanted');
};
const restart = () => {
  let frames = -1;
  try {
    db.pragma('busy_timeout = ' + workerData.restartWaitMs);
    const [result] = db.pragma('wal_checkpoint(RESTART)');
    if (result && result.busy === 0) frames = result.log;
  } catch (error) {
    /* busy */
  } finally {
    db.pragma('busy_timeout = 0');
  }
  if (frames === -1) pauseTurns = 4;
  else restartedAt = frames;
  asked = false;
  parentPort.postMessage('restarted');
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'restart') return restart();
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** Holds the registry connection's writes while `fn` runs (SqliteWriteBatcher.between). */
export type HoldWrites = (fn: () => Promise<void>) => Promise<void>;

/**
 * Checkpoints a SQLite database in WAL mode from a thread of its own.
 *
 * Left to itself, SQLite checkpoints inside the COMMIT that takes the WAL
 * past 1,000 pages, and a checkpoint fsyncs the WAL and the database file:
 * on the event loop that doubled the cost of a commit (measured: 28 µs per
 * one-row transaction without, 60 µs with). The registry's own connection
 * therefore runs with `wal_autocheckpoint = 0` and this thread does the
 * checkpoints, so fsync never blocks a request. Other processes' connections
 * (the admin CLI) keep SQLite's default. With `holdWrites`, the WAL stays
 * near {@link WAL_LIMIT_BYTES} however long writes go on; writes wait for
 * as long as a restart takes, a few milliseconds once per limit's worth.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | undefined;
  private exited = false;

  private releaseHold: (() => void) | undefined;

  constructor(file: string, options: { intervalMs?: number; holdWrites?: HoldWrites } = {}) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
        walLimitBytes: WAL_LIMIT_BYTES,
        restartWaitMs: RESTART_WAIT_MS,
        driver: require.resolve('better-sqlite3'),
      },
    });
    // A failing checkpoint thread must not take the registry down; SQLite
    // still checkpoints when the last connection closes.
    this.worker.on('error', () => {
      this.releaseHold?.();
    });
    this.worker.on('exit', () => {
      this.exited = true;
      this.releaseHold?.();
    });
    this.worker.on('message', (message: unknown) => {
      if (message === 'restarted') this.releaseHold?.();
      if (message !== 'restart-wanted') return;
      const hold = options.holdWrites ?? ((fn: () => Promise<void>) => fn());
      void hold(() => this.restartWhileHeld());
    });
    this.worker.unref();
  }

  /** Tells the thread to restart the WAL; settles when it says it did, or after a bound. */
  private restartWhileHeld(): Promise<void> {
    if (this.exited || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.releaseHold?.(), RESTART_HOLD_MAX_MS);
      this.releaseHold = () => {
        clearTimeout(timer);
        this.releaseHold = undefined;
        resolve();
      };
      this.worker.postMessage('restart');
    });
  }

  /** Runs a last checkpoint and ends the thread. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      // Unreferenced, the thread would not keep the process alive for its
      // last checkpoint, and a caller awaiting this would silently never resume.
      this.worker.ref();
      this.releaseHold?.();
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
