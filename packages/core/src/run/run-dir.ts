import { mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Runs whose directories are still there: removed synchronously if the process exits first. */
const live = new Set<RunDirs>();

function onExit(): void {
  for (const dirs of live) dirs.removeSync();
}

function isEmptyDir(path: string): boolean {
  try {
    return readdirSync(path).length === 0;
  } catch {
    return false;
  }
}

/**
 * The directories of one run: the run directory (a new temp directory unless
 * the caller gives one) and one work directory per build. It removes what it
 * created and nothing else: every work directory, except a done build's that
 * is not empty (a relative `output_dir` of docker-like puts the image there),
 * then the run directory when it is left empty (the spool file keeps it). It
 * does so at the end of the run, and, synchronously, when the process exits
 * before that (a second Ctrl-C calls `process.exit`).
 */
export class RunDirs {
  private readonly workDirs = new Map<string, { kept: boolean }>();
  private removed = false;

  private constructor(
    readonly path: string,
    /** The run directory, when this run created it. */
    private readonly createdRunDir: string | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  /** Creates the run directory (a new temp directory unless `given`); `warn` hears what could not be removed. */
  static create(given: string | undefined, warn: (message: string) => void): RunDirs {
    let dirs: RunDirs;
    if (given === undefined) {
      const path = mkdtempSync(join(tmpdir(), 'imprint-run-'));
      dirs = new RunDirs(path, path, warn);
    } else {
      const path = resolve(given);
      const first = mkdirSync(path, { recursive: true });
      dirs = new RunDirs(path, first === undefined ? undefined : path, warn);
    }
    if (live.size === 0) process.on('exit', onExit);
    live.add(dirs);
    return dirs;
  }

  /** Creates (if missing) the work directory of a build and records what was created. */
  workDir(path: string): void {
    if (mkdirSync(path, { recursive: true }) !== undefined) {
      this.workDirs.set(path, { kept: false });
    }
  }

  /** A done build: its work directory stays if the build left something in it. */
  keep(path: string): void {
    const entry = this.workDirs.get(path);
    if (entry) entry.kept = true;
  }

  /** Removes what the run created (see the class); safe to call more than once. */
  removeSync(): void {
    if (this.removed) return;
    this.removed = true;
    live.delete(this);
    if (live.size === 0) process.off('exit', onExit);
    // A directory that cannot be removed is a warning: it must not hide the run's result.
    const attempt = (path: string, remove: () => void) => {
      try {
        remove();
      } catch (error) {
        this.warn(`could not remove ${path}: ${(error as Error).message}`);
      }
    };
    for (const [path, { kept }] of this.workDirs) {
      if (kept && !isEmptyDir(path)) continue;
      attempt(path, () => rmSync(path, { recursive: true, force: true }));
    }
    const runDir = this.createdRunDir;
    if (runDir !== undefined && isEmptyDir(runDir)) attempt(runDir, () => rmdirSync(runDir));
  }
}
