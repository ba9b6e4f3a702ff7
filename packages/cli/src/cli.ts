import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { addAncestryCommand } from './commands/ancestry';
import { addBucketsCommands } from './commands/buckets';
import { addBuildCommand } from './commands/build';
import { addBuildsCommands } from './commands/builds';
import { addChannelsCommands } from './commands/channels';
import type { CliIo, Context } from './commands/context';
import { EXIT, PROCESS_IO, UsageError } from './commands/context';
import { examples } from './commands/options';
import { addAuditCommand } from './commands/audit';
import { addPackagesCommands } from './commands/packages';
import { addPluginsCommands } from './commands/plugins';
import { addPushCommand } from './commands/push';
import { addRevocationCommands } from './commands/revocation';
import { addSbomCommands } from './commands/sbom';
import { addSearchCommand } from './commands/search';
import { addValidateCommand } from './commands/validate';
import { addVersionsCommands } from './commands/versions';
import { addVulnsCommands } from './commands/vulns';
import { addWebhooksCommands } from './commands/webhooks';
import { cliErrors, client, core, registry } from './lazy';

export { EXIT, UsageError } from './commands/context';
export type { CliIo } from './commands/context';

// One file per command (group) in commands/; this file assembles them in the
// order `imprint --help` lists them, and maps errors to exit codes. Command
// files load the heavy packages only when their action runs (see ./lazy).

/** This package's version, for `--version` (`dist/` and `src/` both sit beside package.json). */
const VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

const REGISTRY_DESCRIPTION =
  'run the registry server and manage its principals (same as imprint-registry)';

/** Builds the `imprint` program; each action stores its exit code in `ctx.code`. */
export function createProgram(io: CliIo = PROCESS_IO, ctx?: Context): Command {
  return assemble(io, ctx, true);
}

/**
 * Whether `argv` runs (or asks for the help of) `imprint registry`: only then is
 * the registry's program loaded and mounted; otherwise `--help` lists a stand-in.
 */
function namesRegistry(argv: readonly string[]): boolean {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'registry' || (words[0] === 'help' && words[1] === 'registry');
}

function assemble(io: CliIo, ctx: Context | undefined, mountRegistry: boolean): Command {
  const c: Context = ctx ?? { io, env: io.env ?? process.env, code: EXIT.OK };
  const program = new Command('imprint')
    .description('Run Imprint templates and manage an Imprint registry.')
    .version(VERSION, '-V, --version', 'print the version of imprint')
    // Before the command only: `imprint ancestry --version <fingerprint>` is ancestry's flag.
    .enablePositionalOptions()
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
        '\nExit codes: 0 ok, 1 failed (e.g. not found), 2 usage/template error (e.g. delete without --yes), 3 registry unreachable/unauthorized, 130 cancelled by SIGINT, 143 by SIGTERM.\n',
    );

  addValidateCommand(program, c);
  addBuildCommand(program, c);
  addPushCommand(program, c);

  if (mountRegistry) {
    // The very program of `imprint-registry` (same commands, flags and defaults), mounted.
    c.registry = registry().createRegistryCli({
      io: c.io,
      name: 'registry',
      commandPath: 'imprint registry',
      env: c.env,
    });
    program.addCommand(c.registry.command.description(REGISTRY_DESCRIPTION));
  } else {
    program.command('registry').description(REGISTRY_DESCRIPTION);
  }

  addBucketsCommands(program, c);
  addVersionsCommands(program, c);
  addBuildsCommands(program, c);
  addSbomCommands(program, c);
  addPackagesCommands(program, c);
  addVulnsCommands(program, c);
  addChannelsCommands(program, c);
  addRevocationCommands(program, c);
  addAncestryCommand(program, c);
  addSearchCommand(program, c);
  addAuditCommand(program, c);
  addWebhooksCommands(program, c);
  addPluginsCommands(program, c);

  return program;
}

/** The exit code for an error a command threw. */
export function exitCodeOf(error: unknown): number {
  // The packages whose errors these are load here, on the way out, not at start-up.
  if (error instanceof UsageError) return EXIT.USAGE;
  const c = client();
  if (error instanceof c.RegistryAbortedError) return EXIT.CANCELLED;
  if (cliErrors().isUsageError(error)) return EXIT.USAGE;
  if (
    error instanceof c.RegistryConnectionError ||
    error instanceof c.RegistryAuthError ||
    error instanceof c.RegistryDiscoveryError ||
    c.isUnauthenticated(error) ||
    c.isPermissionDenied(error)
  ) {
    return EXIT.REGISTRY;
  }
  const { TemplateError, TemplateConfigError, RegistryNotConfiguredError, SpoolInvalidError } =
    core();
  if (
    error instanceof TemplateError ||
    error instanceof TemplateConfigError ||
    error instanceof RegistryNotConfiguredError ||
    error instanceof SpoolInvalidError ||
    error instanceof registry().ConfigValueError
  ) {
    return EXIT.USAGE;
  }
  return EXIT.FAILED;
}

function messageOf(error: unknown): string {
  return cliErrors().cliMessage(error);
}

/**
 * Runs `imprint` with `argv` (without `node` and the script) and resolves
 * with the exit code (see {@link EXIT}). Never throws.
 */
export async function run(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const ctx: Context = { io, env: io.env ?? process.env, code: EXIT.OK };
  const program = assemble(io, ctx, namesRegistry(argv));
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
