import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { ConfigValueError, defaultDataDir, parseUnsignedDurationMs } from '../config/parse';
import { openRegistryStorage } from '../domain';
import type { RegistryStorage } from '../domain/registry-contract';
import { DEFAULT_DATABASE_WAIT_MS } from '../storage/open-registry-storage';

/*
 * What every command of the registry CLI shares: its output, exit codes, names
 * and the storage flags (`--data-dir`, `--database`, `--database-wait`).
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

/** How the program names itself: in help, hints and error lines. */
export interface Names {
  /** The command as a user types it: `imprint-registry`, or `imprint registry` when mounted. */
  readonly path: string;
  readonly env: NodeJS.ProcessEnv;
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function withStorageOptions(command: Command, names: Names): Command {
  return command
    .addOption(
      new Option('--data-dir <dir>', 'directory of the SQLite database')
        .env('IMPRINT_DATA_DIR')
        .default(defaultDataDir(names.env), '$IMPRINT_DATA_DIR or ~/.local/share/imprint'),
    )
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

export async function openStorage(
  flags: StorageFlags,
  io: CliIo,
  names: Names,
): Promise<RegistryStorage> {
  return openRegistryStorage({
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
