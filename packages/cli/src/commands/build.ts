import { resolve } from 'node:path';
import { loadTemplate, runBuild } from '@imprint/core';
import type { RunEvent, RunResult } from '@imprint/core';
import type { Command } from 'commander';
import { Option } from 'commander';
import { json, table } from '../format';
import { LiveProgress, buildNames, terminalColumns } from '../progress';
import type { RegistryFlags } from '../registry';
import { connectRegistry, resolveDataDir } from '../registry';
import type { Context } from './context';
import { EXIT, PROCESS_IO } from './context';
import type { VarFlags } from './options';
import { examples, loadVars, positiveInt, withRegistryFlags, withVars } from './options';

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
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

/** `imprint build`: runs a template and publishes its images. */
export function addBuildCommand(program: Command, c: Context): void {
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
}
