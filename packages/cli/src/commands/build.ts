import { constants } from 'node:os';
import { resolve } from 'node:path';
import { core, loadTemplate, runBuild } from '../lazy';
import type { RunEvent, RunResult } from '@imprint/core';
import type { Image } from '@imprint/sdk';
import type { Command } from 'commander';
import { Option } from 'commander';
import { json, table } from '../format';
import { LiveProgress, buildNames, terminalColumns } from '../lazy';
import type { RegistryFlags } from '../registry';
import { connectRegistry, resolveDataDir } from '../registry';
import type { Context } from './context';
import { EXIT, PROCESS_IO } from './context';
import type { VarFlags } from './options';
import { examples, loadVars, positiveInt, withRegistryFlags, withVars } from './options';

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The push that publishes a spool file to the registry the build meant (`--registry` or its variable). */
function pushCommand(spoolFile: string, flags: RegistryFlags): string {
  return `imprint push ${spoolFile}${flags.registry ? ` --registry ${flags.registry}` : ''}`;
}

/** The summary after a build: outcome, one row per build, then the registry's state or the spool. */
function summary(result: RunResult, flags: RegistryFlags): string {
  const reg = result.registry;
  const spooled = new Set(reg?.spooledBuilds ?? []);
  const lines = [
    reg?.spoolFile
      ? `Build ${result.status} locally; the registry was unreachable.`
      : `Build ${result.status}.`,
  ];
  const rows = result.builds.map((b) => [
    b.name,
    b.status,
    spooled.has(b.name) ? 'spooled' : (b.registryStatus ?? '-'),
    b.images.map((i) => i.imageId).join(', ') || '-',
    b.error ?? '',
  ]);
  if (rows.length > 0) {
    lines.push(table(['BUILD', 'STATUS', 'REGISTRY', 'IMAGES', 'ERROR'], rows).trimEnd());
  }
  if (reg?.spoolFile) {
    lines.push(
      `Registry metadata spooled at ${reg.spoolFile} (bucket ${reg.bucket}, fingerprint ${reg.fingerprint}).`,
      `Push it with: ${pushCommand(reg.spoolFile, flags)}`,
    );
  } else if (reg) {
    lines.push(
      `Registry: bucket ${reg.bucket}, fingerprint ${reg.fingerprint}, version ${reg.versionComplete ? 'complete' : 'incomplete'}` +
        (reg.channels.length > 0 ? `, channels ${reg.channels.join(', ')}` : ''),
    );
    if (reg.resumeHint)
      lines.push(`Resume with: ${reg.resumeHint} (or --fingerprint ${reg.fingerprint})`);
  }
  return lines.join('\n') + '\n';
}

function imageJson(image: Image) {
  return {
    imageId: image.imageId,
    providerName: image.providerName,
    providerRegion: image.providerRegion,
    sourceImageId: image.sourceImageId,
    labels: { ...image.labels },
  };
}

/**
 * The one document `imprint build --json` prints: each build's state, its
 * artifacts (id, string, files, registry images) and registry build id, and
 * the registry's ids (bucket, fingerprint, version name) or the spool file.
 */
function runDocument(result: RunResult) {
  const reg = result.registry;
  return {
    status: result.status,
    cancelled: result.cancelled,
    runId: result.runId,
    builds: result.builds.map((b) => ({
      name: b.name,
      status: b.status,
      ...(b.error === undefined ? {} : { error: b.error }),
      registryStatus: b.registryStatus ?? null,
      registryBuildId: reg?.buildIds[b.name] ?? null,
      artifacts: b.artifacts.map((a, i) => ({
        builderId: a.builderId(),
        id: a.id(),
        string: String(a),
        files: a.files(),
        images: (b.artifactImages[i] ?? []).map(imageJson),
      })),
      images: b.images.map(imageJson),
      withoutMetadata: b.withoutMetadata,
      sboms: b.sboms.map(({ name, format, documentBytes, compressedBytes, outcome }) => ({
        name,
        format,
        documentBytes,
        compressedBytes,
        outcome,
      })),
    })),
    registry: reg
      ? {
          bucket: reg.bucket,
          fingerprint: reg.fingerprint,
          versionName: reg.versionName ?? null,
          versionComplete: reg.versionComplete,
          channels: reg.channels,
          buildIds: reg.buildIds,
          resumeHint: reg.resumeHint ?? null,
          spoolFile: reg.spoolFile ?? null,
        }
      : null,
  };
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

/** 128 + the signal's number, as a shell reports death by that signal: SIGINT 130, SIGTERM 143. */
function signalExitCode(signal: NodeJS.Signals): number {
  const n = constants.signals[signal] as number | undefined;
  return n === undefined ? EXIT.CANCELLED : 128 + n;
}

async function build(ctx: Context, file: string, flags: VarFlags & BuildFlags): Promise<number> {
  const { io, env } = ctx;
  const now = io.now ?? (() => new Date());
  const template = await loadTemplate(resolve(file), loadVars(flags, env));
  // Registry data blocks (imprint-artifact, hcp-packer-version, …) read the registry even without a registry block.
  const dataBlocks = core().registryDataBlocks(template);
  if (flags.registryOff && dataBlocks.length > 0) {
    io.stderr(
      `imprint: --registry-off, but ${file} reads the registry through ${dataBlocks.map((b) => `data.${b}`).join(', ')}; drop --registry-off (without --registry the embedded registry is used) or remove those data blocks\n`,
    );
    return EXIT.USAGE;
  }
  const pluginDir = flags.pluginDir === undefined ? undefined : resolve(flags.pluginDir);
  const controller = new AbortController();
  let signals = 0;
  let cancelledBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    cancelledBy ??= signal;
    if (signals > 1) {
      io.stderr(`imprint: ${signal} again, exiting\n`);
      // The runner removes its directories on 'exit'.
      process.exit(signalExitCode(signal));
    }
    io.stderr(`imprint: ${signal} received, cancelling builds (again to exit at once)\n`);
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const useRegistry =
    (template.registry !== undefined || dataBlocks.length > 0) && !flags.registryOff;
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
          else if (flags.json || e.kind === 'error' || e.kind === 'warning') io.stderr(line);
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
      // The display shows each build's latest line only: the SBOM lines are kept, as in plain output.
      for (const b of result.builds)
        for (const s of b.sboms) io.stdout(`${b.name}: ${s.message}\n`);
    }
    if (flags.json) io.stdout(json(runDocument(result)));
    else io.stdout(summary(result, flags));
    if (result.cancelled) {
      io.stderr(cancelledMessage(result, cancelledBy, file));
      return cancelledBy ? signalExitCode(cancelledBy) : EXIT.CANCELLED;
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
    'print one JSON document on stdout (progress goes to stderr)',
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
