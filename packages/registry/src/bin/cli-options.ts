import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_DATABASE_WAIT_MS } from '../config/defaults';
import { ConfigValueError, defaultDataDir, parseUnsignedDurationMs } from '../config/parse';
import type { RegistryStorage } from '../domain/registry-contract';
import { availability, domain } from './lazy';

/*
 * What every command of the registry CLI shares: its output, exit codes, names
 * and the storage flags (`--data-dir`, `--database`, `--database-wait`).
 *
 * This module and the command files load only commander and `config/`: the
 * program with all its commands is built for `--help`, `--version` and usage
 * errors, which must not load fastify or the storage engines. A command loads
 * what it runs in its action, through ./lazy.
 */

/** Where the CLI writes; replaceable in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes: 0 success, 1 runtime failure, 2 bad usage (flags). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function parser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof ConfigValueError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

export interface StorageFlags {
  dataDir: string;
  database?: string;
  databaseWait: number;
  heartbeatTimeout?: number;
  /** `--no-read-cache` sets it false. */
  readCache?: boolean;
}

/** What every `add…Command(program, cli)` gets: where to write, how to name itself, where its outcome goes. */
export interface CliContext {
  readonly io: CliIo;
  readonly names: Names;
  /** Records the running command's outcome: its exit code. */
  readonly run: (result: Promise<number>) => void;
}

/** How the program names itself: in help, hints and error lines. */
export interface Names {
  /** The command as a user types it: `imprint-registry`, or `imprint registry` when mounted. */
  readonly path: string;
  readonly env: NodeJS.ProcessEnv;
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** `--data-dir` with its default; `what` says what the command keeps there. */
export function dataDirOption(names: Names, what = 'directory of the SQLite database'): Option {
  return new Option('--data-dir <dir>', what)
    .env('IMPRINT_DATA_DIR')
    .default(defaultDataDir(names.env), '$IMPRINT_DATA_DIR or ~/.local/share/imprint');
}

export function withStorageOptions(command: Command, names: Names): Command {
  return command
    .addOption(dataDirOption(names))
    .addOption(
      new Option('--database <url>', 'PostgreSQL URL (postgres://...); replaces SQLite').env(
        'IMPRINT_DATABASE_URL',
      ),
    )
    .addOption(
      new Option(
        '--database-wait <duration>',
        'how long to wait for PostgreSQL to answer at start (0 = fail at once)',
      )
        .env('IMPRINT_DATABASE_WAIT')
        .argParser(parser(parseUnsignedDurationMs))
        .default(DEFAULT_DATABASE_WAIT_MS, '30s'),
    );
}

export function validateDatabaseUrl(url: string | undefined): void {
  if (url !== undefined && !/^postgres(?:ql)?:\/\//.test(url)) {
    throw new ConfigValueError(
      `--database must be a postgres:// or postgresql:// URL; leave it out to use SQLite in --data-dir`,
    );
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

/** The one line a failed command prints (after `imprint-registry: `). */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Loaded only on this failure path (the storage loads it anyway).
  if (error instanceof availability().DatabaseWaitExpiredError)
    return `${error.message} (--database-wait)`;
  return error.message;
}

export async function openStorage(
  flags: StorageFlags,
  io: CliIo,
  names: Names,
): Promise<RegistryStorage> {
  return domain().openRegistryStorage({
    dataDir: flags.dataDir,
    ...(flags.database ? { databaseUrl: flags.database } : {}),
    databaseWaitMs: flags.databaseWait,
    onDatabaseWait: (wait) =>
      io.stderr(
        `${names.path}: waiting for PostgreSQL at ${wait.where} (${wait.cause}); ` +
          `attempt ${wait.attempt + 1} in ${seconds(wait.retryInMs)}, ` +
          `giving up in ${seconds(wait.remainingMs)} (--database-wait)\n`,
      ),
    ...(flags.heartbeatTimeout !== undefined ? { heartbeatTimeoutMs: flags.heartbeatTimeout } : {}),
    ...(flags.readCache === false ? { readCache: false } : {}),
  });
}

export async function withStorage<T>(
  flags: StorageFlags,
  io: CliIo,
  names: Names,
  fn: (storage: RegistryStorage) => Promise<T>,
): Promise<T> {
  const storage = await openStorage(flags, io, names);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}
