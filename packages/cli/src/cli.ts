import { resolve } from 'node:path';
import type { RegistryClient, Version } from '@imprint/client';
import {
  RegistryAbortedError,
  RegistryAuthError,
  RegistryConnectionError,
  RegistryDiscoveryError,
  isNotFound,
  isPermissionDenied,
  isUnauthenticated,
} from '@imprint/client';
import {
  RegistryNotConfiguredError,
  SpoolInvalidError,
  TemplateConfigError,
  TemplateError,
  loadTemplate,
  pushSpool,
  runBuild,
  validateTemplate,
} from '@imprint/core';
import type { RunEvent, RunResult } from '@imprint/core';
import { ConfigValueError, createRegistryCli } from '@imprint/registry';
import type { RegistryCli } from '@imprint/registry';
import { isUnsafeKey, loadPlugin } from '@imprint/sdk';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { AncestryFormat } from './format';
import {
  artifactList,
  describeBucket,
  describeBuild,
  describeChannel,
  describeVersion,
  formatAncestry,
  historyTable,
  json,
  table,
} from './format';
import { LiveProgress, buildNames, terminalColumns } from './progress';
import type { Env, RegistryFlags } from './registry';
import { connectRegistry, resolveDataDir, withRegistry } from './registry';

/** Exit codes of `imprint`. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  REGISTRY: 3,
  CANCELLED: 130,
} as const;

/** Where the CLI writes and what it reads; replaceable in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env?: Env;
  /** Current time, for the timestamps of build lines. */
  now?: () => Date;
}

const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** A bad flag value or combination: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

interface Context {
  io: CliIo;
  env: Env;
  code: number;
  /** `imprint registry …`: the registry's own program, mounted. */
  registry?: RegistryCli;
}

interface VarFlags {
  var: Record<string, string>;
  varFile: string[];
  pluginDir?: string;
}

function collectVar(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Keys that must never become object members when decoding input. */

function collectLabel(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got '${value}'`);
  const key = value.slice(0, eq);
  if (isUnsafeKey(key)) throw new InvalidArgumentError(`'${key}' is not a valid label key`);
  return { ...previous, [key]: value.slice(eq + 1) };
}

/**
 * Deletes never prompt: without `--yes` they stop before contacting the
 * registry, on a terminal or not, and print the command to run.
 */
function requireYes(flags: { yes?: boolean }, what: string, retry: string): void {
  if (flags.yes) return;
  throw new UsageError(`${what}; nothing was deleted. To confirm, run: ${retry} --yes`);
}

/** Every item of a list operation, page after page. */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

function withVars(command: Command): Command {
  return command
    .option('--var <name=value>', 'set a template variable (repeatable)', collectVar, {})
    .option('--var-file <file>', 'JSON file of variable values (repeatable)', collect, [])
    .option('--plugin-dir <dir>', "directory plugins are resolved from (default: the template's)");
}

function withRegistryFlags(command: Command, json = true): Command {
  command
    .addOption(
      new Option('--registry <url>', 'registry URL (default: the embedded registry)').env(
        'IMPRINT_REGISTRY_URL',
      ),
    )
    .addOption(
      new Option('--data-dir <dir>', 'data directory of the embedded registry').env(
        'IMPRINT_DATA_DIR',
      ),
    );
  if (json) command.option('--json', 'print the raw JSON');
  return command;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function loadVars(flags: VarFlags, env: Env) {
  return {
    vars: flags.var,
    varFiles: flags.varFile.map((f) => resolve(f)),
    env,
  };
}

function summary(result: RunResult): string {
  const lines = [`Build ${result.status}.`];
  const rows = result.builds.map((b) => [
    b.name,
    b.status,
    b.registryStatus ?? '-',
    b.images.map((i) => i.imageId).join(', ') || '-',
    b.error ?? '',
  ]);
  if (rows.length > 0) {
    lines.push(table(['BUILD', 'STATUS', 'REGISTRY', 'IMAGES', 'ERROR'], rows).trimEnd());
  }
  const reg = result.registry;
  if (reg) {
    lines.push(
      `Registry: bucket ${reg.bucket}, fingerprint ${reg.fingerprint}, version ${reg.versionComplete ? 'complete' : 'incomplete'}` +
        (reg.channels.length > 0 ? `, channels ${reg.channels.join(', ')}` : ''),
    );
    if (reg.resumeHint)
      lines.push(`Resume with: ${reg.resumeHint} (or --fingerprint ${reg.fingerprint})`);
    if (reg.spoolFile) {
      lines.push(
        `The registry was unreachable; metadata saved to ${reg.spoolFile}. Push it with: imprint push ${reg.spoolFile}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** The last stderr line of a cancelled build: what happened and how to go on. */
function cancelledMessage(
  result: RunResult,
  signal: NodeJS.Signals | undefined,
  file: string,
): string {
  const cancelled = result.builds.filter((b) => b.status === 'cancelled').map((b) => b.name);
  const what = `imprint: build cancelled${signal ? ` by ${signal}` : ''}${
    cancelled.length > 0 ? ` (${cancelled.join(', ')})` : ''
  }`;
  const reg = result.registry;
  if (reg?.resumeHint) {
    return `${what}; the registry version stays incomplete. Resume it with: ${reg.resumeHint} imprint build ${file} (or --fingerprint ${reg.fingerprint})\n`;
  }
  return `${what}.\n`;
}

async function build(ctx: Context, file: string, flags: VarFlags & BuildFlags): Promise<number> {
  const { io, env } = ctx;
  const now = io.now ?? (() => new Date());
  const template = await loadTemplate(resolve(file), loadVars(flags, env));
  const pluginDir = flags.pluginDir === undefined ? undefined : resolve(flags.pluginDir);
  const controller = new AbortController();
  let signals = 0;
  let cancelledBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    cancelledBy ??= signal;
    if (signals > 1) {
      io.stderr(`imprint: ${signal} again, exiting\n`);
      process.exit(EXIT.CANCELLED);
    }
    io.stderr(`imprint: ${signal} received, cancelling builds (again to exit at once)\n`);
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const useRegistry = template.registry !== undefined && !flags.registryOff;
  const connection = useRegistry ? await connectRegistry(flags, env) : undefined;
  try {
    if (connection?.embeddedUrl) {
      io.stderr(`imprint: using the embedded registry (${resolveDataDir(flags.dataDir, env)})\n`);
    }
    // Live display only on a real terminal; plain timestamped lines otherwise.
    const live =
      !flags.plain && !flags.json && io === PROCESS_IO && process.stdout.isTTY === true
        ? new LiveProgress(buildNames(template), {
            columns: terminalColumns(process.stdout, env),
          })
        : undefined;
    let result: RunResult;
    try {
      result = await runBuild({
        template,
        env,
        ...(pluginDir === undefined ? {} : { pluginDir }),
        ...(flags.parallel === undefined ? {} : { parallel: flags.parallel }),
        ...(flags.fingerprint === undefined ? {} : { fingerprint: flags.fingerprint }),
        registry: connection ? connection.client : 'off',
        signal: controller.signal,
        onEvent: (e: RunEvent) => {
          const line = `${timestamp(now())} ${e.build === undefined ? '' : `[${e.build}] `}${e.message}\n`;
          if (live) live.event(e, line);
          else if (e.kind === 'error' || e.kind === 'warning') io.stderr(line);
          else io.stdout(line);
        },
      });
    } catch (error) {
      await live?.finish(undefined, error);
      for (const line of live?.deferred ?? []) io.stderr(line);
      throw error;
    }
    if (live) {
      await live.finish(result);
      for (const line of live.deferred) io.stderr(line);
    }
    if (flags.json) io.stdout(json(result));
    else io.stdout(summary(result));
    if (result.cancelled) {
      io.stderr(cancelledMessage(result, cancelledBy, file));
      return EXIT.CANCELLED;
    }
    if (result.status !== 'done') return EXIT.FAILED;
    if (result.registry?.spoolFile) return EXIT.REGISTRY;
    return EXIT.OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await connection?.close();
  }
}

interface BuildFlags extends RegistryFlags {
  parallel?: number;
  registryOff?: boolean;
  fingerprint?: string;
  plain?: boolean;
  json?: boolean;
}

type ReadFlags = RegistryFlags & { json?: boolean };
type DeleteFlags = RegistryFlags & { yes?: boolean };
type BucketFlags = ReadFlags & { description?: string; label?: Record<string, string> };

/** `--yes` of every delete command. */
function withYes(command: Command): Command {
  return command.option('--yes', 'confirm the deletion (required: there is no prompt)');
}

function versionRows(versions: readonly Version[]): string[][] {
  return versions.map((v) => [v.name, v.fingerprint, v.status, v.created_at]);
}

/** Builds the `imprint` program; each action stores its exit code in `ctx.code`. */
export function createProgram(io: CliIo = PROCESS_IO, ctx?: Context): Command {
  const c: Context = ctx ?? { io, env: io.env ?? process.env, code: EXIT.OK };
  const read = (flags: RegistryFlags, fn: (client: RegistryClient) => Promise<void>) =>
    withRegistry(flags, c.env, fn);
  const out = (text: string) => c.io.stdout(text);

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

  withVars(
    program
      .command('validate')
      .description('check a template and the configuration of every component (no registry)')
      .argument('<template>', 'template file (.pkr.json)'),
  )
    .addHelpText(
      'after',
      examples(
        'imprint validate app.pkr.json',
        'imprint validate app.pkr.json --var-file prod.json',
      ),
    )
    .action(async (file: string, flags: VarFlags) => {
      const template = await loadTemplate(resolve(file), loadVars(flags, c.env));
      const prepared = await validateTemplate(template, {
        ...(flags.pluginDir === undefined ? {} : { pluginDir: resolve(flags.pluginDir) }),
      });
      for (const b of prepared.builds) {
        for (const w of b.warnings) c.io.stderr(`warning: ${b.name}: ${w}\n`);
      }
      out(`${template.file}: valid (${prepared.builds.length} build(s))\n`);
    });

  withRegistryFlags(
    withVars(
      program
        .command('build')
        .description('run a template and publish its images to the registry')
        .argument('<template>', 'template file (.pkr.json)'),
    ),
  )
    .option('--parallel <n>', 'how many builds run at once (default: all)', positiveInt)
    .option('--registry-off', 'do not publish to any registry')
    .option('--plain', 'plain timestamped lines, no live display (the default when not a TTY)')
    .addOption(
      new Option('--fingerprint <fp>', 'version fingerprint (resume an incomplete version)').env(
        'IMPRINT_BUILD_FINGERPRINT',
      ),
    )
    .addHelpText(
      'after',
      examples(
        'imprint build app.pkr.json --var tag=1.0',
        'imprint build app.pkr.json --registry https://registry.example.com --parallel 2',
        'imprint build app.pkr.json --fingerprint 01J...   # resume',
        'imprint build app.pkr.json --registry-off',
      ),
    )
    .action(async (file: string, flags: VarFlags & BuildFlags) => {
      c.code = await build(c, file, flags);
    });

  withRegistryFlags(
    program
      .command('push')
      .description('publish a spool file a build wrote while the registry was unreachable')
      .argument('<spool>', 'spool file (registry-spool.json)'),
  )
    .addHelpText('after', examples('imprint push /tmp/imprint-run-x/registry-spool.json'))
    .action(async (file: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const result = await pushSpool(resolve(file), client, {
          onEvent: (e) => {
            if (e.kind === 'warning') c.io.stderr(`warning: ${e.message}\n`);
          },
        });
        if (flags.json) return out(json(result));
        out(
          `Pushed ${result.pushed.length} build(s) to ${result.bucket} ${result.fingerprint}` +
            (result.skipped.length > 0 ? `; ${result.skipped.length} already done` : '') +
            `; version ${result.versionComplete ? 'complete' : 'incomplete'}` +
            (result.channels.length > 0 ? `; channels ${result.channels.join(', ')}` : '') +
            '\n',
        );
      });
    });

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

  const buckets = program
    .command('buckets')
    .description('list, show, create, update and delete buckets');
  withRegistryFlags(buckets.command('list').description('list buckets'))
    .addHelpText('after', examples('imprint buckets list', 'imprint buckets list --json'))
    .action(async (flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listBuckets'));
        if (flags.json) return out(json(list));
        out(
          table(
            ['NAME', 'LATEST', 'VERSIONS', 'UPDATED'],
            list.map((b) => [b.name, b.latest_version?.name ?? '-', b.version_count, b.updated_at]),
          ),
        );
      });
    });
  withRegistryFlags(
    buckets.command('get').description('show a bucket').argument('<name>', 'bucket name'),
  )
    .addHelpText(
      'after',
      examples('imprint buckets get ubuntu-base', 'imprint buckets get ubuntu-base --json'),
    )
    .action(async (name: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const b = await client.getBucket(name);
        out(flags.json ? json(b) : describeBucket(b));
      });
    });
  withRegistryFlags(
    buckets
      .command('create')
      .description('create a bucket (the registry adds its managed latest channel)')
      .argument('<name>', 'bucket name: 3 to 36 letters, digits or hyphens'),
  )
    .option('--description <text>', 'what the bucket holds')
    .option('--label <key=value>', 'set a label (repeatable)', collectLabel)
    .addHelpText(
      'after',
      examples(
        "imprint buckets create ubuntu-base --description 'Ubuntu 24.04 base' --label os=ubuntu",
        'imprint buckets create ubuntu-base --json',
      ),
    )
    .action(async (name: string, flags: BucketFlags) => {
      await read(flags, async (client) => {
        const b = await client.createBucket({
          name,
          ...(flags.description === undefined ? {} : { description: flags.description }),
          ...(flags.label === undefined ? {} : { labels: flags.label }),
        });
        out(flags.json ? json(b) : describeBucket(b));
      });
    });
  withRegistryFlags(
    buckets
      .command('update')
      .description("change a bucket's description or labels")
      .argument('<name>', 'bucket name'),
  )
    .option('--description <text>', 'new description (empty to clear)')
    .option(
      '--label <key=value>',
      "replace the bucket's labels with these (repeatable)",
      collectLabel,
    )
    .addHelpText(
      'after',
      examples(
        "imprint buckets update ubuntu-base --description 'Ubuntu 24.04 LTS base'",
        'imprint buckets update ubuntu-base --label os=ubuntu --label team=platform',
      ),
    )
    .action(async (name: string, flags: BucketFlags) => {
      if (flags.description === undefined && flags.label === undefined) {
        throw new UsageError('nothing to update: pass --description and/or --label');
      }
      await read(flags, async (client) => {
        const b = await client.updateBucket(name, {
          ...(flags.description === undefined ? {} : { description: flags.description }),
          ...(flags.label === undefined ? {} : { labels: flags.label }),
        });
        out(flags.json ? json(b) : describeBucket(b));
      });
    });
  withYes(
    withRegistryFlags(
      buckets
        .command('delete')
        .description('delete a bucket with all its versions, builds and channels')
        .argument('<name>', 'bucket name'),
      false,
    ),
  )
    .addHelpText('after', examples('imprint buckets delete ubuntu-base --yes'))
    .action(async (name: string, flags: DeleteFlags) => {
      requireYes(
        flags,
        `deleting bucket '${name}' also deletes all its versions, builds and channels`,
        `imprint buckets delete ${name}`,
      );
      await read(flags, async (client) => {
        await client.deleteBucket(name);
        out(`Deleted bucket ${name}.\n`);
      });
    });

  const versions = program.command('versions').description('list, show and delete versions');
  withRegistryFlags(
    versions.command('list').description("list a bucket's versions").argument('<bucket>'),
  )
    .addHelpText('after', examples('imprint versions list ubuntu-base'))
    .action(async (bucket: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listVersions', bucket));
        if (flags.json) return out(json(list));
        out(table(['NAME', 'FINGERPRINT', 'STATUS', 'CREATED'], versionRows(list)));
      });
    });
  withRegistryFlags(
    versions
      .command('get')
      .description('show a version and its builds')
      .argument('<bucket>')
      .argument('<fingerprint>'),
  )
    .addHelpText('after', examples('imprint versions get ubuntu-base 01J... --json'))
    .action(async (bucket: string, fp: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const v = await client.getVersion(bucket, fp);
        out(flags.json ? json(v) : describeVersion(v));
      });
    });
  withYes(
    withRegistryFlags(
      versions
        .command('delete')
        .description('delete a version with its builds')
        .argument('<bucket>')
        .argument('<fingerprint>'),
      false,
    ),
  )
    .option(
      '--rollback-channels',
      'move channels on this version back to their previous valid version (else such a version is refused)',
    )
    .addHelpText(
      'after',
      examples(
        'imprint versions delete ubuntu-base 01J... --yes',
        'imprint versions delete ubuntu-base 01J... --rollback-channels --yes',
      ),
    )
    .action(
      async (bucket: string, fp: string, flags: DeleteFlags & { rollbackChannels?: boolean }) => {
        requireYes(
          flags,
          `deleting version ${fp} of bucket '${bucket}' also deletes its builds`,
          `imprint versions delete ${bucket} ${fp}${flags.rollbackChannels ? ' --rollback-channels' : ''}`,
        );
        await read(flags, async (client) => {
          await client.deleteVersion(bucket, fp, {
            ...(flags.rollbackChannels ? { rollbackChannels: true } : {}),
          });
          out(`Deleted version ${fp} of bucket ${bucket}.\n`);
        });
      },
    );

  const builds = program.command('builds').description("list, show and delete a version's builds");
  withRegistryFlags(
    builds
      .command('list')
      .description("list a version's builds and their artifacts")
      .argument('<bucket>')
      .argument('<fingerprint>'),
  )
    .addHelpText(
      'after',
      examples(
        'imprint builds list ubuntu-base 01J...',
        'imprint builds list ubuntu-base 01J... --json',
      ),
    )
    .action(async (bucket: string, fp: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listBuilds', bucket, fp));
        if (flags.json) return out(json(list));
        out(
          table(
            ['ID', 'COMPONENT', 'PLATFORM', 'STATUS', 'ARTIFACTS'],
            list.map((b) => [b.id, b.component_type, b.platform || '-', b.status, artifactList(b)]),
          ),
        );
      });
    });
  withRegistryFlags(
    builds
      .command('get')
      .description('show a build: artifacts per region, labels, source image, metadata')
      .argument('<bucket>')
      .argument('<fingerprint>')
      .argument('<build-id>'),
  )
    .addHelpText('after', examples('imprint builds get ubuntu-base 01J... 01J... --json'))
    .action(async (bucket: string, fp: string, id: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const b = await client.getBuild(bucket, fp, id);
        out(flags.json ? json(b) : describeBuild(b));
      });
    });
  withYes(
    withRegistryFlags(
      builds
        .command('delete')
        .description('delete a build of an incomplete version')
        .argument('<bucket>')
        .argument('<fingerprint>')
        .argument('<build-id>'),
      false,
    ),
  )
    .addHelpText('after', examples('imprint builds delete ubuntu-base 01J... 01J... --yes'))
    .action(async (bucket: string, fp: string, id: string, flags: DeleteFlags) => {
      requireYes(
        flags,
        `deleting build ${id} of ${bucket} ${fp} also deletes its artifacts`,
        `imprint builds delete ${bucket} ${fp} ${id}`,
      );
      await read(flags, async (client) => {
        await client.deleteBuild(bucket, fp, id);
        out(`Deleted build ${id} of ${bucket} ${fp}.\n`);
      });
    });

  const channels = program
    .command('channels')
    .description('list, show, create, assign and delete channels');
  withRegistryFlags(
    channels.command('list').description("list a bucket's channels").argument('<bucket>'),
  )
    .addHelpText('after', examples('imprint channels list ubuntu-base'))
    .action(async (bucket: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listChannels', bucket));
        if (flags.json) return out(json(list));
        out(
          table(
            ['NAME', 'VERSION', 'FINGERPRINT', 'MANAGED', 'UPDATED'],
            list.map((ch) => [
              ch.name,
              ch.version?.name ?? '-',
              ch.version?.fingerprint ?? '-',
              ch.managed ? 'yes' : 'no',
              ch.updated_at,
            ]),
          ),
        );
      });
    });
  withRegistryFlags(
    channels
      .command('assign')
      .description('point a channel at a version (creating the channel if needed)')
      .argument('<bucket>')
      .argument('<channel>')
      .argument('<fingerprint>'),
  )
    .addHelpText('after', examples('imprint channels assign ubuntu-base production 01J...'))
    .action(async (bucket: string, channel: string, fp: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        let ch;
        try {
          ch = await client.updateChannel(bucket, channel, {
            version_fingerprint: fp,
            update_mask: 'versionFingerprint',
          });
        } catch (error) {
          if (!isNotFound(error)) throw error;
          ch = await client.createChannel(bucket, { name: channel, version_fingerprint: fp });
        }
        if (flags.json) return out(json(ch));
        out(`Channel ${bucket}/${ch.name} → ${ch.version?.name ?? '-'} (${fp})\n`);
      });
    });

  withRegistryFlags(
    channels
      .command('get')
      .description('show a channel')
      .argument('<bucket>')
      .argument('<channel>'),
  )
    .addHelpText(
      'after',
      examples(
        'imprint channels get ubuntu-base production',
        'imprint channels get ubuntu-base production --json',
      ),
    )
    .action(async (bucket: string, channel: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const ch = await client.getChannel(bucket, channel);
        out(flags.json ? json(ch) : describeChannel(ch));
      });
    });
  withRegistryFlags(
    channels
      .command('create')
      .description('create a channel, empty or pointing at a version')
      .argument('<bucket>')
      .argument('<channel>', 'channel name: 3 to 36 letters, digits or hyphens'),
  )
    .option('--fingerprint <fp>', 'version to point the channel at (default: none)')
    .option('--restricted', 'only contributors and admins can read the channel')
    .addHelpText(
      'after',
      examples(
        'imprint channels create ubuntu-base staging',
        'imprint channels create ubuntu-base production --fingerprint 01J... --restricted',
      ),
    )
    .action(
      async (
        bucket: string,
        channel: string,
        flags: ReadFlags & { fingerprint?: string; restricted?: boolean },
      ) => {
        await read(flags, async (client) => {
          const ch = await client.createChannel(bucket, {
            name: channel,
            ...(flags.fingerprint === undefined ? {} : { version_fingerprint: flags.fingerprint }),
            ...(flags.restricted ? { restricted: true } : {}),
          });
          out(flags.json ? json(ch) : describeChannel(ch));
        });
      },
    );
  withYes(
    withRegistryFlags(
      channels
        .command('delete')
        .description('delete a channel (not the managed latest)')
        .argument('<bucket>')
        .argument('<channel>'),
      false,
    ),
  )
    .addHelpText('after', examples('imprint channels delete ubuntu-base staging --yes'))
    .action(async (bucket: string, channel: string, flags: DeleteFlags) => {
      requireYes(
        flags,
        `deleting channel '${channel}' of bucket '${bucket}' also deletes its history`,
        `imprint channels delete ${bucket} ${channel}`,
      );
      await read(flags, async (client) => {
        await client.deleteChannel(bucket, channel);
        out(`Deleted channel ${bucket}/${channel}.\n`);
      });
    });
  withRegistryFlags(
    channels
      .command('history')
      .description("a channel's assignments, newest first")
      .argument('<bucket>')
      .argument('<channel>'),
  )
    .addHelpText(
      'after',
      examples(
        'imprint channels history ubuntu-base production',
        'imprint channels history ubuntu-base production --json',
      ),
    )
    .action(async (bucket: string, channel: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listChannelHistory', bucket, channel));
        out(flags.json ? json(list) : historyTable(list));
      });
    });

  withRegistryFlags(
    program
      .command('revoke')
      .description('revoke a version, now or later; descendants too unless --skip-descendants')
      .argument('<bucket>')
      .argument('<fingerprint>'),
  )
    .option('--at <iso>', 'revoke at this date (ISO 8601)')
    .option('--in <duration>', 'revoke after this duration (90m, 12h, 7d)')
    .option('--message <message>', 'why')
    .option('--skip-descendants', 'do not revoke child versions')
    .addHelpText(
      'after',
      examples(
        "imprint revoke ubuntu-base 01J... --message 'CVE-2026-1234'",
        'imprint revoke ubuntu-base 01J... --in 7d',
      ),
    )
    .action(
      async (
        bucket: string,
        fp: string,
        flags: ReadFlags & {
          at?: string;
          in?: string;
          message?: string;
          skipDescendants?: boolean;
        },
      ) => {
        if (flags.at !== undefined && flags.in !== undefined) {
          throw new UsageError('pass --at or --in, not both');
        }
        if (flags.at !== undefined && Number.isNaN(Date.parse(flags.at))) {
          throw new UsageError(`--at: '${flags.at}' is not an ISO 8601 date`);
        }
        await read(flags, async (client) => {
          const res = await client.revokeVersion(bucket, fp, {
            ...(flags.at === undefined ? {} : { revokeAt: flags.at }),
            ...(flags.in === undefined ? {} : { revokeIn: flags.in }),
            ...(flags.message === undefined ? {} : { message: flags.message }),
            ...(flags.skipDescendants ? { skipDescendantsRevocation: true } : {}),
          });
          if (flags.json) return out(json(res));
          out(`${bucket} ${res.version.name} (${fp}): ${res.version.status}\n`);
        });
      },
    );

  withRegistryFlags(
    program
      .command('restore')
      .description("clear a version's revocation")
      .argument('<bucket>')
      .argument('<fingerprint>'),
  )
    .addHelpText('after', examples('imprint restore ubuntu-base 01J...'))
    .action(async (bucket: string, fp: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const res = await client.restoreVersion(bucket, fp);
        if (flags.json) return out(json(res));
        out(`${bucket} ${res.version.name} (${fp}): ${res.version.status}\n`);
      });
    });

  withRegistryFlags(
    program
      .command('ancestry')
      .description("parents and children of a version (default: the bucket's latest)")
      .argument('<bucket>'),
    false,
  )
    .option('--version <fingerprint>', 'version to show (default: the latest)')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['tree', 'json', 'dot', 'mermaid'])
        .default('tree'),
    )
    .option('--json', 'same as --format json')
    .addHelpText(
      'after',
      examples(
        'imprint ancestry app',
        'imprint ancestry ubuntu-base --version 01J... --format dot',
      ),
    )
    .action(
      async (bucket: string, flags: ReadFlags & { version?: string; format: AncestryFormat }) => {
        await read(flags, async (client) => {
          const res = await client.listBucketAncestry(bucket, {
            ...(flags.version ? { versionFingerprint: flags.version } : {}),
          });
          const format = flags.json ? 'json' : flags.format;
          if (format === 'json') return out(json(res));
          let version: Version | undefined;
          if (format === 'tree') {
            if (flags.version) version = await client.getVersion(bucket, flags.version);
            else version = (await client.getBucket(bucket)).latest_version ?? undefined;
          }
          out(formatAncestry(format, bucket, version, res.relations));
        });
      },
    );

  withRegistryFlags(
    program
      .command('search')
      .description('which bucket, version and build produced an external artifact id')
      .argument('<external-id>', 'e.g. an AMI id or an image digest'),
  )
    .addHelpText('after', examples('imprint search ami-0123456789abcdef0'))
    .action(async (id: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const { artifacts } = await client.searchExternalArtifact({ external_identifier: id });
        if (flags.json) return out(json(artifacts));
        out(
          table(
            ['BUCKET', 'VERSION', 'FINGERPRINT', 'BUILD', 'PLATFORM', 'STATUS'],
            artifacts.map((a) => [
              a.bucket.name,
              a.version.name,
              a.version.fingerprint,
              a.build.component_type,
              a.build.platform,
              a.version.status,
            ]),
          ),
        );
      });
    });

  const plugins = program.command('plugins').description('inspect plugins');
  plugins
    .command('describe')
    .description("a plugin's builders, post-processors and their configuration fields")
    .argument('<package>', 'plugin package name')
    .option('--from <dir>', 'directory the package is resolved from', '.')
    .option('--json', 'print the raw JSON')
    .addHelpText(
      'after',
      examples('imprint plugins describe @imprint/example-docker-like --from . --json'),
    )
    .action(async (pkg: string, flags: { from: string; json?: boolean }) => {
      const plugin = await loadPlugin(pkg, resolve(flags.from));
      const d = plugin.describe();
      if (flags.json) return out(json(d));
      const lines = [`${d.name} ${d.version} (sdk ${d.sdkVersion}, plugin API ${d.apiVersion})`];
      for (const [kind, list] of [
        ['builder', d.builders],
        ['post-processor', d.postProcessors],
      ] as const) {
        for (const comp of list) {
          lines.push('', `${kind} ${comp.name}`);
          for (const f of comp.fields) {
            lines.push(
              `  ${f.name}${f.required ? '' : '?'}: ${f.type}${f.default === undefined ? '' : ` = ${JSON.stringify(f.default)}`}${f.doc ? `  ${f.doc}` : ''}`,
            );
          }
        }
      }
      out(lines.join('\n') + '\n');
    });

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
