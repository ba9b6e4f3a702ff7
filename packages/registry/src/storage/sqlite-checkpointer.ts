import { Worker } from 'node:worker_threads';

/** How often the checkpoint thread copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 250;

/*
 * The worker's code, run with `eval` so that it works the same from the
 * TypeScript sources (tests) and the compiled package. It opens its own
 * connection to the database and checkpoints PASSIVE-ly (never waiting for,
 * or blocking, the writer) on a timer.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { /* busy: next turn */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a SQLite database in WAL mode from a thread of its own.
 *
 * Left to itself, SQLite checkpoints inside the COMMIT that takes the WAL
 * past 1,000 pages, and a checkpoint fsyncs the WAL and the database file:
 * on the event loop that doubled the cost of a commit (measured: 28 µs per
 * one-row transaction without, 60 µs with). The registry's own connection
 * therefore runs with `wal_autocheckpoint = 0` and this thread does the
 * checkpoints, so fsync never blocks a request. Other processes' connections
 * (the admin CLI) keep SQLite's default.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | undefined;
  private exited = false;

  constructor(file: string, intervalMs = CHECKPOINT_INTERVAL_MS) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') },
    });
    // A failing checkpoint thread must not take the registry down; SQLite
    // still checkpoints when the last connection closes.
    this.worker.on('error', () => undefined);
    this.worker.on('exit', () => {
      this.exited = true;
    });
    this.worker.unref();
  }

  /** Runs a last checkpoint and ends the thread. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      // Unreferenced, the thread would not keep the process alive for its
      // last checkpoint, and a caller awaiting this would silently never resume.
      this.worker.ref();
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
