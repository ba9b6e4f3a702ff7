import {
  RegistryAbortedError,
  RegistryAuthError,
  RegistryConnectionError,
  RegistryDiscoveryError,
  isPermissionDenied,
  isUnauthenticated,
} from '@imprint/client';
import {
  RegistryNotConfiguredError,
  SpoolInvalidError,
  TemplateConfigError,
  TemplateError,
} from '@imprint/core';
import { ConfigValueError, createRegistryCli } from '@imprint/registry';
import { Command, CommanderError } from 'commander';
import { addAncestryCommand } from './commands/ancestry';
import { addBucketsCommands } from './commands/buckets';
import { addBuildCommand } from './commands/build';
import { addBuildsCommands } from './commands/builds';
import { addChannelsCommands } from './commands/channels';
import type { CliIo, Context } from './commands/context';
import { EXIT, PROCESS_IO, UsageError } from './commands/context';
import { examples } from './commands/options';
import { addPluginsCommands } from './commands/plugins';
import { addPushCommand } from './commands/push';
import { addRevocationCommands } from './commands/revocation';
import { addSearchCommand } from './commands/search';
import { addValidateCommand } from './commands/validate';
import { addVersionsCommands } from './commands/versions';

export { EXIT, UsageError } from './commands/context';
export type { CliIo } from './commands/context';

// One file per command (group) in commands/; this file assembles them in the
// order `imprint --help` lists them, and maps errors to exit codes.

/** Builds the `imprint` program; each action stores its exit code in `ctx.code`. */
export function createProgram(io: CliIo = PROCESS_IO, ctx?: Context): Command {
  const c: Context = ctx ?? { io, env: io.env ?? process.env, code: EXIT.OK };
  const program = new Command('imprint')
    .description('Run Imprint templates and manage an Imprint registry.')
    .exitOverride()
    .configureOutput({ writeOut: (t) => c.io.stdout(t), writeErr: (t) => c.io.stderr(t) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      examples(
        'imprint validate app.pkr.json --var tag=1.0',
        'imprint build app.pkr.json',
        'imprint versions list ubuntu-base',
        'imprint builds list ubuntu-base 01J...',
        'imprint registry serve --listen 127.0.0.1:8080',
      ) +
        '\nExit codes: 0 ok, 1 failed (e.g. not found), 2 usage/template error (e.g. delete without --yes), 3 registry unreachable/unauthorized, 130 cancelled.\n',
    );

  addValidateCommand(program, c);
  addBuildCommand(program, c);
  addPushCommand(program, c);

  // The very program of `imprint-registry` (same commands, flags and defaults), mounted.
  c.registry = createRegistryCli({
    io: c.io,
    name: 'registry',
    commandPath: 'imprint registry',
    env: c.env,
  });
  program.addCommand(
    c.registry.command.description(
      'run the registry server and manage its principals (same as imprint-registry)',
    ),
  );

  addBucketsCommands(program, c);
  addVersionsCommands(program, c);
  addBuildsCommands(program, c);
  addChannelsCommands(program, c);
  addRevocationCommands(program, c);
  addAncestryCommand(program, c);
  addSearchCommand(program, c);
  addPluginsCommands(program, c);

  return program;
}

/** The exit code for an error a command threw. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof RegistryAbortedError) return EXIT.CANCELLED;
  if (
    error instanceof RegistryConnectionError ||
    error instanceof RegistryAuthError ||
    error instanceof RegistryDiscoveryError ||
    isUnauthenticated(error) ||
    isPermissionDenied(error)
  ) {
    return EXIT.REGISTRY;
  }
  if (
    error instanceof UsageError ||
    error instanceof TemplateError ||
    error instanceof TemplateConfigError ||
    error instanceof RegistryNotConfiguredError ||
    error instanceof SpoolInvalidError ||
    error instanceof ConfigValueError
  ) {
    return EXIT.USAGE;
  }
  return EXIT.FAILED;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `imprint` with `argv` (without `node` and the script) and resolves
 * with the exit code (see {@link EXIT}). Never throws.
 */
export async function run(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const ctx: Context = { io, env: io.env ?? process.env, code: EXIT.OK };
  const program = createProgram(io, ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return (await ctx.registry?.exitCode()) ?? ctx.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const code = exitCodeOf(error);
    io.stderr(`imprint: ${messageOf(error)}\n`);
    if (ctx.env.IMPRINT_DEBUG === '1' && error instanceof Error && error.stack) {
      io.stderr(`${error.stack}\n`);
    }
    return code;
  }
}
