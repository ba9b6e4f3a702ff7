import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  ConfigValueError,
  DEFAULT_LISTEN,
  parseByteSize,
  parseUnsignedDurationMs,
  parseListenAddress,
  type ListenAddress,
} from '../config/parse';
import { DatabaseWaitExpiredError } from '../storage/availability';
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
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  examples,
  openStorage,
  parser,
  validateDatabaseUrl,
  withStorageOptions,
  type CliIo,
  type Names,
  type StorageFlags,
} from './cli-options';
import { addPrincipalsCommands } from './principals.command';

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-options';
export type { CliIo } from './cli-options';

const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveDuration(min: number, max: number, what: string): (value: string) => number {
  return parser((value) => {
    const ms = parseUnsignedDurationMs(value);
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

interface ServeFlags extends StorageFlags {
  listen: ListenAddress;
  bodyLimit: number;
  sweepInterval: number;
  tokenTtl: number;
  tokenRateLimit: number;
  tokenRateLimitGlobal: number;
  logLevel: string;
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
        .argParser(parser(parseUnsignedDurationMs))
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

  addPrincipalsCommands(program, io, names, setResult);

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

/** This package's version (`dist/bin/` and `src/bin/` both sit two levels below package.json). */
function registryVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves with
 * the exit code: 0 ok, 1 runtime error, 2 bad flags. `serve` resolves only
 * after SIGTERM/SIGINT and a graceful shutdown.
 */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const cli = createRegistryCli({ io });
  // Only the standalone program has --version: mounted, it is `imprint --version`'s.
  cli.command.version(registryVersion(), '-V, --version', 'print the version of imprint-registry');
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
