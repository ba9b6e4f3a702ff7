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
import type { RegistryStorage } from '../domain/registry-service';
import { RegistryError } from '../domain/registry.errors';
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

function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`use one of ${ROLES.join(', ')}`);
  return value;
}

interface StorageFlags {
  dataDir: string;
  database?: string;
  heartbeatTimeout?: number;
}

interface ServeFlags extends StorageFlags {
  listen: ListenAddress;
  bodyLimit: number;
  sweepInterval: number;
  tokenTtl: number;
  logLevel: string;
}

function withStorageOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--data-dir <dir>', 'directory of the SQLite database')
        .env('IMPRINT_DATA_DIR')
        .default(defaultDataDir(), '$IMPRINT_DATA_DIR or ~/.local/share/imprint'),
    )
    .addOption(
      new Option('--database <url>', 'PostgreSQL URL (postgres://...); replaces SQLite').env(
        'IMPRINT_DATABASE_URL',
      ),
    );
}

function validateDatabaseUrl(url: string | undefined): void {
  if (url !== undefined && !/^postgres(?:ql)?:\/\//.test(url)) {
    throw new ConfigValueError(
      `--database must be a postgres:// or postgresql:// URL; leave it out to use SQLite in --data-dir`,
    );
  }
}

async function openStorage(flags: StorageFlags): Promise<RegistryStorage> {
  return openRegistryStorage({
    dataDir: flags.dataDir,
    ...(flags.database ? { databaseUrl: flags.database } : {}),
    ...(flags.heartbeatTimeout !== undefined ? { heartbeatTimeoutMs: flags.heartbeatTimeout } : {}),
  });
}

function errorMessage(error: unknown): string {
  if (error instanceof RegistryError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs `serve` until SIGTERM/SIGINT; resolves with the exit code. */
async function serve(flags: ServeFlags, io: CliIo): Promise<number> {
  const storage = await openStorage(flags);
  let server: RunningRegistryServer;
  try {
    server = await startRegistryServer({
      storage,
      host: flags.listen.host,
      port: flags.listen.port,
      bodyLimit: flags.bodyLimit,
      sweepIntervalMs: flags.sweepInterval,
      tokenTtlSeconds: Math.max(1, Math.round(flags.tokenTtl / 1000)),
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
        io.stderr(`imprint-registry: ${signal} again, exiting without waiting\n`);
        resolve(EXIT_FAILURE);
        return;
      }
      closing = true;
      server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      const force = setTimeout(() => {
        io.stderr('imprint-registry: shutdown took longer than 30s, exiting\n');
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
          io.stderr(`imprint-registry: error while shutting down: ${errorMessage(error)}\n`);
          resolve(EXIT_FAILURE);
        });
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
  });
}

async function withStorage<T>(
  flags: StorageFlags,
  fn: (storage: RegistryStorage) => Promise<T>,
): Promise<T> {
  const storage = await openStorage(flags);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

function buildProgram(io: CliIo, setResult: (result: Promise<number>) => void): Command {
  const program = new Command('imprint-registry')
    .description('Imprint registry: image metadata over the HCP Packer registry API (2023-01-01).')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  withStorageOptions(
    program
      .command('serve', { isDefault: true })
      .description('run the HTTP server (the default command)'),
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
      new Option('--log-level <level>', 'log level')
        .choices(LOG_LEVELS)
        .env('IMPRINT_LOG_LEVEL')
        .default('info'),
    )
    .action((flags: ServeFlags) => {
      validateDatabaseUrl(flags.database);
      setResult(serve(flags, io));
    });

  const principals = program
    .command('principals')
    .description('manage service principals (client credentials with a role)');

  withStorageOptions(
    principals
      .command('create')
      .description('create a principal; prints its client id and secret (shown once)'),
  )
    .requiredOption('--name <name>', 'principal name, recorded as author of its changes')
    .addOption(
      new Option('--role <role>', `${ROLES.join(', ')}`).argParser(parseRole).makeOptionMandatory(),
    )
    .option('--json', 'print JSON')
    .action((flags: StorageFlags & { name: string; role: Role; json?: boolean }) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, async (storage) => {
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

  withStorageOptions(principals.command('list').description('list principals'))
    .option('--json', 'print JSON')
    .action((flags: StorageFlags & { json?: boolean }) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, async (storage) => {
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
              'No principals. Create one with: imprint-registry principals create --name ci --role admin\n',
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
      .description('delete a principal and revoke its tokens')
      .argument('<id>', 'the principal id (its client_id)'),
  ).action((id: string, flags: StorageFlags) => {
    validateDatabaseUrl(flags.database);
    setResult(
      withStorage(flags, async (storage) => {
        await storage.principals.deletePrincipal(id);
        io.stdout(`Deleted principal ${id}.\n`);
        return EXIT_OK;
      }),
    );
  });

  return program;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves with
 * the exit code: 0 ok, 1 runtime error, 2 bad flags. `serve` resolves only
 * after SIGTERM/SIGINT and a graceful shutdown.
 */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  let result: Promise<number> = Promise.resolve(EXIT_OK);
  const program = buildProgram(io, (r) => {
    result = r;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
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
  try {
    return await result;
  } catch (error) {
    io.stderr(`imprint-registry: ${errorMessage(error)}\n`);
    return EXIT_FAILURE;
  }
}
