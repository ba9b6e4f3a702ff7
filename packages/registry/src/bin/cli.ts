import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ROLES, isRole, type Role } from '../auth/roles';
import {
  ConfigValueError,
  DEFAULT_LISTEN,
  defaultDataDir,
  parseByteSize,
  parseDuration,
  parseListenAddress,
  type ListenAddress,
} from '../config/parse';
import { openRegistryStorage } from '../domain';
import { DatabaseWaitExpiredError } from '../storage/availability';
import { DEFAULT_DATABASE_WAIT_MS } from '../storage/open-registry-storage';
import type { RegistryStorage } from '../domain/registry-service';
import { RegistryError } from '../domain/registry.errors';
import {
  DEFAULT_TOKEN_RATE_LIMIT_GLOBAL,
  DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT,
} from '../auth/token-rate-limit';
import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_TOKEN_TTL_SECONDS,
  startRegistryServer,
  type RunningRegistryServer,
} from '../http/server';

/** Where the CLI writes; replaceable in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes: 0 success, 1 runtime failure, 2 bad usage (flags). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof ConfigValueError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

function positiveDuration(min: number, max: number, what: string): (value: string) => number {
  return parser((value) => {
    const ms = parseDuration(value);
    if (ms < min || ms > max) {
      throw new ConfigValueError(`'${value}' is out of range: ${what}`);
    }
    return ms;
  });
}

/** A whole number of failed token requests per minute; `0` turns the limit off. */
function parseRequestCount(value: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    throw new InvalidArgumentError('use a whole number of requests per minute (0 turns it off)');
  }
  return Number(value);
}

function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`use one of ${ROLES.join(', ')}`);
  return value;
}

interface StorageFlags {
  dataDir: string;
  database?: string;
  databaseWait: number;
  heartbeatTimeout?: number;
  /** `--no-read-cache` sets it false. */
  readCache?: boolean;
}

interface ServeFlags extends StorageFlags {
  listen: ListenAddress;
  bodyLimit: number;
  sweepInterval: number;
  tokenTtl: number;
  tokenRateLimit: number;
  tokenRateLimitGlobal: number;
  logLevel: string;
}

/** How the program names itself: in help, hints and error lines. */
interface Names {
  /** The command as a user types it: `imprint-registry`, or `imprint registry` when mounted. */
  readonly path: string;
  readonly env: NodeJS.ProcessEnv;
}

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

function withStorageOptions(command: Command, names: Names): Command {
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
        .argParser(parser(parseDuration))
        .default(DEFAULT_DATABASE_WAIT_MS, '30s'),
    );
}

function validateDatabaseUrl(url: string | undefined): void {
  if (url !== undefined && !/^postgres(?:ql)?:\/\//.test(url)) {
    throw new ConfigValueError(
      `--database must be a postgres:// or postgresql:// URL; leave it out to use SQLite in --data-dir`,
    );
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

async function openStorage(flags: StorageFlags, io: CliIo, names: Names): Promise<RegistryStorage> {
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

function errorMessage(error: unknown): string {
  if (error instanceof DatabaseWaitExpiredError) return `${error.message} (--database-wait)`;
  if (error instanceof RegistryError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs `serve` until SIGTERM/SIGINT; resolves with the exit code. */
async function serve(flags: ServeFlags, io: CliIo, names: Names): Promise<number> {
  const storage = await openStorage(flags, io, names);
  let server: RunningRegistryServer;
  try {
    server = await startRegistryServer({
      storage,
      host: flags.listen.host,
      port: flags.listen.port,
      bodyLimit: flags.bodyLimit,
      sweepIntervalMs: flags.sweepInterval,
      tokenTtlSeconds: Math.max(1, Math.round(flags.tokenTtl / 1000)),
      // The window keeps its default, one minute, which the flags' help speaks of.
      tokenRateLimit: { perClient: flags.tokenRateLimit, global: flags.tokenRateLimitGlobal },
      logger: { level: flags.logLevel },
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const { location } = await storage.service.getRegistry();
  server.app.log.info(
    {
      engine: storage.engine,
      url: server.url,
      organization_id: location.organization_id,
      project_id: location.project_id,
    },
    `imprint registry ready at ${server.url} (${storage.engine}); ` +
      `HCP_ORGANIZATION_ID=${location.organization_id} HCP_PROJECT_ID=${location.project_id}`,
  );

  return new Promise<number>((resolve) => {
    let closing = false;
    const shutdown = (signal: NodeJS.Signals): void => {
      if (closing) {
        io.stderr(`${names.path}: ${signal} again, exiting without waiting\n`);
        resolve(EXIT_FAILURE);
        return;
      }
      closing = true;
      server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      const force = setTimeout(() => {
        io.stderr(`${names.path}: shutdown took longer than 30s, exiting\n`);
        resolve(EXIT_FAILURE);
      }, 30_000);
      force.unref();
      server
        .close()
        .then(() => storage.close())
        .then(() => {
          clearTimeout(force);
          resolve(EXIT_OK);
        })
        .catch((error: unknown) => {
          io.stderr(`${names.path}: error while shutting down: ${errorMessage(error)}\n`);
          resolve(EXIT_FAILURE);
        });
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
  });
}

async function withStorage<T>(
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

function lastAdminWarning(name: string, principalsLeft: number, names: Names): string {
  return (
    `warning: ${name} was the last admin principal; nobody can manage principals over HTTP ` +
    `until you create another admin: ${names.path} principals create --name NAME --role admin\n` +
    (principalsLeft === 0
      ? `warning: no principals are left. A running registry keeps requiring tokens (it never ` +
        `turns anonymous while it runs), but one started on a loopback address without ` +
        `principals runs in embedded mode, where every request is an anonymous admin.\n`
      : '')
  );
}

function buildProgram(
  io: CliIo,
  name: string,
  names: Names,
  setResult: (result: Promise<number>) => void,
): Command {
  const program = new Command(name)
    .description('Imprint registry: image metadata over the HCP Packer registry API (2023-01-01).')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  withStorageOptions(
    program
      .command('serve', { isDefault: true })
      .description('run the HTTP server (the default command)'),
    names,
  )
    .addOption(
      new Option('--listen <host:port>', 'address to listen on; non-loopback needs a principal')
        .env('IMPRINT_LISTEN')
        .argParser(parser(parseListenAddress))
        .default(DEFAULT_LISTEN, `${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port}`),
    )
    .addOption(
      new Option('--heartbeat-timeout <duration>', 'cancel RUNNING builds silent this long')
        .argParser(positiveDuration(1000, 7 * 86_400_000, 'use 1s to 7d'))
        .default(5 * 60_000, '5m'),
    )
    .addOption(
      new Option('--sweep-interval <duration>', 'how often to look for stale builds')
        .argParser(parser(parseDuration))
        .default(DEFAULT_SWEEP_INTERVAL_MS, '1m'),
    )
    .addOption(
      new Option('--body-limit <size>', 'largest request body accepted')
        .argParser(parser(parseByteSize))
        .default(DEFAULT_BODY_LIMIT, '1mb'),
    )
    .addOption(
      new Option('--token-ttl <duration>', 'lifetime of issued bearer tokens')
        .argParser(positiveDuration(1000, 365 * 86_400_000, 'use 1s to 365d'))
        .default(DEFAULT_TOKEN_TTL_SECONDS * 1000, '1h'),
    )
    .addOption(
      new Option(
        '--token-rate-limit <n>',
        'failed token requests one client address may make per minute before 429 (0: no limit)',
      )
        .argParser(parseRequestCount)
        .default(DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT),
    )
    .addOption(
      new Option(
        '--token-rate-limit-global <n>',
        'failed token requests all clients together may make per minute before 429 (0: no limit)',
      )
        .argParser(parseRequestCount)
        .default(DEFAULT_TOKEN_RATE_LIMIT_GLOBAL),
    )
    .addOption(
      new Option(
        '--no-read-cache',
        'read every GetChannel/GetVersion from the database (default: cached until a write)',
      ),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(LOG_LEVELS)
        .env('IMPRINT_LOG_LEVEL')
        .default('info'),
    )
    .addHelpText(
      'after',
      examples(
        `${names.path} serve`,
        `${names.path} serve --listen 127.0.0.1:9090 --data-dir /var/lib/imprint`,
        `${names.path} serve --listen 0.0.0.0:8080 --database postgres://imprint@db/imprint`,
      ),
    )
    .action((flags: ServeFlags) => {
      validateDatabaseUrl(flags.database);
      setResult(serve(flags, io, names));
    });

  const principals = program
    .command('principals')
    .description('manage service principals (client credentials with a role)');

  withStorageOptions(
    principals
      .command('create')
      .description('create a principal; prints its client id and secret (shown once)'),
    names,
  )
    .requiredOption('--name <name>', 'principal name, recorded as author of its changes')
    .addOption(
      new Option('--role <role>', `${ROLES.join(', ')}`).argParser(parseRole).makeOptionMandatory(),
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(
        `${names.path} principals create --name ci --role admin`,
        `${names.path} principals create --name dashboards --role viewer --json`,
      ),
    )
    .action((flags: StorageFlags & { name: string; role: Role; json?: boolean }) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, io, names, async (storage) => {
          const { principal, clientSecret } = await storage.principals.createPrincipal(
            flags.name,
            flags.role,
          );
          if (flags.json) {
            io.stdout(
              `${JSON.stringify({ id: principal.id, name: principal.name, role: principal.role, created_at: principal.createdAt, client_id: principal.id, client_secret: clientSecret }, null, 2)}\n`,
            );
          } else {
            io.stdout(
              `Created principal ${principal.name} (${principal.role}).\n` +
                `client_id:     ${principal.id}\n` +
                `client_secret: ${clientSecret}\n` +
                `The secret is shown only once. Use them as HCP_CLIENT_ID / HCP_CLIENT_SECRET.\n`,
            );
          }
          return EXIT_OK;
        }),
      );
    });

  withStorageOptions(principals.command('list').description('list principals'), names)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(`${names.path} principals list`, `${names.path} principals list --json`),
    )
    .action((flags: StorageFlags & { json?: boolean }) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, io, names, async (storage) => {
          const list = await storage.principals.listPrincipals();
          if (flags.json) {
            const rows = list.map((p) => ({
              id: p.id,
              name: p.name,
              role: p.role,
              created_at: p.createdAt,
            }));
            io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
          } else if (list.length === 0) {
            io.stdout(
              `No principals. Create one with: ${names.path} principals create --name ci --role admin\n`,
            );
          } else {
            const width = Math.max(4, ...list.map((p) => p.name.length));
            io.stdout(
              `${'ID'.padEnd(26)}  ${'NAME'.padEnd(width)}  ${'ROLE'.padEnd(11)}  CREATED\n`,
            );
            for (const p of list) {
              io.stdout(
                `${p.id.padEnd(26)}  ${p.name.padEnd(width)}  ${p.role.padEnd(11)}  ${p.createdAt}\n`,
              );
            }
          }
          return EXIT_OK;
        }),
      );
    });

  withStorageOptions(
    principals
      .command('delete')
      .description('delete a principal and revoke its tokens (warns when it was the last admin)')
      .argument('<id>', 'the principal id (its client_id)'),
    names,
  )
    .addHelpText('after', examples(`${names.path} principals delete 01J...`))
    .action((id: string, flags: StorageFlags) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, io, names, async (storage) => {
          // The operator is at the machine: the last admin may go, with a warning.
          const deleted = await storage.principals.deletePrincipal(id, { allowLastAdmin: true });
          io.stdout(`Deleted principal ${id}.\n`);
          if (deleted.principal.role === 'admin' && deleted.adminsLeft === 0) {
            io.stderr(lastAdminWarning(deleted.principal.name, deleted.principalsLeft, names));
          }
          return EXIT_OK;
        }),
      );
    });

  return program;
}

/** Options of {@link createRegistryCli}. */
export interface RegistryCliOptions {
  /** Where output goes (default: the process's stdout and stderr). */
  readonly io?: CliIo;
  /** The command's name: `imprint-registry` (default), or e.g. `registry` to mount it in another program. */
  readonly name?: string;
  /**
   * How the command is typed, used in examples, hints and error lines
   * (default: `name`), e.g. `imprint registry`.
   */
  readonly commandPath?: string;
  /** Environment the defaults are read from (default: `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The registry's command-line program, and the outcome of the command it ran. */
export interface RegistryCli {
  /**
   * The commander program: `serve` (the default), `principals create|list|delete`.
   * Parse it, or mount it in another program with `program.addCommand(cli.command)`.
   */
  readonly command: Command;
  /**
   * After parsing: the exit code of the command that ran, once its work ends
   * (`serve`: after SIGTERM/SIGINT and a graceful shutdown), or `undefined`
   * when none ran (help). A failure is printed as one line and gives 1.
   */
  exitCode(): Promise<number | undefined>;
}

/**
 * Builds the `imprint-registry` program without running it, so that another
 * CLI can expose exactly the same commands and flags (`imprint registry …`).
 *
 * @example
 * ```ts
 * const registry = createRegistryCli({ name: 'registry', commandPath: 'imprint registry' });
 * program.addCommand(registry.command);
 * await program.parseAsync(process.argv);
 * process.exitCode = (await registry.exitCode()) ?? 0;
 * ```
 */
export function createRegistryCli(options: RegistryCliOptions = {}): RegistryCli {
  const io = options.io ?? PROCESS_IO;
  const name = options.name ?? 'imprint-registry';
  const names: Names = { path: options.commandPath ?? name, env: options.env ?? process.env };
  let result: Promise<number> | undefined;
  const command = buildProgram(io, name, names, (r) => {
    result = r;
  });
  return {
    command,
    async exitCode() {
      if (result === undefined) return undefined;
      try {
        return await result;
      } catch (error) {
        io.stderr(`${names.path}: ${errorMessage(error)}\n`);
        return EXIT_FAILURE;
      }
    },
  };
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves with
 * the exit code: 0 ok, 1 runtime error, 2 bad flags. `serve` resolves only
 * after SIGTERM/SIGINT and a graceful shutdown.
 */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const cli = createRegistryCli({ io });
  try {
    await cli.command.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    if (error instanceof ConfigValueError) {
      io.stderr(`imprint-registry: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`imprint-registry: ${errorMessage(error)}\n`);
    return EXIT_FAILURE;
  }
  return (await cli.exitCode()) ?? EXIT_OK;
}
