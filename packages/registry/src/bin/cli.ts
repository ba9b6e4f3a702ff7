import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigValueError } from '../config/parse';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  errorMessage,
  type CliContext,
  type CliIo,
  type Names,
} from './cli-options';
import { addEnvCommand } from './env.command';
import { addPrincipalsCommands } from './principals.command';
import { addServeCommand } from './serve.command';
import { addTlsCommands } from './tls.command';
import { addVulnsCommands } from './vulns.command';

/*
 * Only commander and the light `config/` modules load here: `--help`,
 * `--version` and usage errors build the whole program and run no command.
 * Each command loads what it runs in its action (see cli-options.ts).
 */

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-options';
export type { CliIo } from './cli-options';

const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

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

  const cli: CliContext = { io, names, run: setResult };
  addServeCommand(program, cli);
  addPrincipalsCommands(program, cli);
  addTlsCommands(program, cli);
  addVulnsCommands(program, cli);
  addEnvCommand(program, cli);

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
   * The commander program: `serve` (the default), `principals create|list|delete`,
   * `tls create`, `env`.
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
