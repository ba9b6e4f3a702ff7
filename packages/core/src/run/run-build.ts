import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { BuildStatus, RegistryClient, RegistryClientOptions } from '@imprint/client';
import type { BuildContext, Image, PackerArtifact, Ui } from '@imprint/sdk';
import pLimit from 'p-limit';
import { ulid } from 'ulid';
import type { RegistryPort, RegistrySummary } from '../registry/registry-port';
import { registryClient, runRegistry } from '../registry/run-registry';
import { readData } from '../data/read-data';
import { registryDataBlocks } from '../data/builtin-data-sources';
import { withDataValues } from '../data/data-plan';
import { loadTemplate } from '../template/load-template';
import type { Template, VariableOptions } from '../template/template';
import type { PlannedBuild } from '../template/validate-template';
import { validateTemplate } from '../template/validate-template';
import { assertRegistryBlockWithData } from '../template/registry-block';
import type { SbomOutcome } from '../sbom/registry-sboms';
import type { BuilderState, KeptArtifact } from './artifacts';
import { postProcess, readBuilderState, reportArtifacts } from './artifacts';
import type { Emit, RunEventHandler } from './events';
import { emitter } from './events';
import { RunDirs } from './run-dir';
import { RunOptionsError } from '../errors';

/** Default interval of `BUILD_RUNNING` heartbeats: 2 minutes, as Packer. */
export const DEFAULT_HEARTBEAT_MS = 120_000;

/** Options of {@link runBuild}. */
export interface RunBuildOptions extends VariableOptions {
  /** Template file, or a template already loaded with {@link loadTemplate}. */
  readonly template: string | Template;
  /** Directory plugins are resolved from (default: the template's directory). */
  readonly pluginDir?: string;
  /** How many builds run at once (default: all). */
  readonly parallel?: number;
  /**
   * Directory holding one work directory per build (default: a new temp directory). At the end
   * of the run (also a failed or cancelled one) the runner removes what it created: each work
   * directory (a done build's only when empty), then the run directory when nothing is left in it.
   */
  readonly runDir?: string;
  /**
   * Where to publish: `'off'`, a client, or client options. Default: `IMPRINT_REGISTRY=off`
   * disables, `IMPRINT_REGISTRY_URL` (+ `IMPRINT_CLIENT_ID`/`IMPRINT_CLIENT_SECRET`) configures.
   */
  readonly registry?: 'off' | RegistryClient | RegistryClientOptions;
  /** Version fingerprint (default: `IMPRINT_BUILD_FINGERPRINT`, else a new ULID). */
  readonly fingerprint?: string;
  /**
   * Id of this run (default: a new UUID). Every build the run touches records
   * it as `packer_run_uuid` and in `metadata.packer.run_uuid`, as Packer does.
   */
  readonly runId?: string;
  /** Heartbeat interval in ms (default {@link DEFAULT_HEARTBEAT_MS}). */
  readonly heartbeatMs?: number;
  /** Cancels every running build. */
  readonly signal?: AbortSignal;
  /** Receives every output line. */
  readonly onEvent?: RunEventHandler;
  /** Where to write the spool file when the registry is unreachable (default: `<runDir>/registry-spool.json`). */
  readonly spoolFile?: string;
}

/** Outcome of one build. */
export type BuildOutcome = 'done' | 'failed' | 'cancelled' | 'skipped';

/** What happened to one build. */
export interface BuildResult {
  /** Build name; also the registry component type. */
  readonly name: string;
  readonly status: BuildOutcome;
  /** The error message of a failed build. */
  readonly error?: string;
  /** Artifacts kept at the end (builder's and post-processors'). */
  readonly artifacts: readonly PackerArtifact[];
  /** The images each of those artifacts stated, index by index with `artifacts`. */
  readonly artifactImages: readonly (readonly Image[])[];
  /** Images stated by those artifacts, deduplicated. */
  readonly images: readonly Image[];
  /** Artifacts that stated no registry metadata: `<component> (<artifact>)`. */
  readonly withoutMetadata: readonly string[];
  /**
   * The SBOMs the artifacts stated (`imprint.sbom`), as sent to the registry:
   * uploaded, already there, or spooled. Empty without a registry.
   */
  readonly sboms: readonly SbomOutcome[];
  /** The registry build's final status, when published. */
  readonly registryStatus?: BuildStatus;
  /** The build's work directory; removed after the run unless the build is done and left files there. */
  readonly workDir: string;
}

/** What {@link runBuild} returns. */
export interface RunResult {
  /** `done` when every build is done (or skipped as already done). */
  readonly status: 'done' | 'failed' | 'cancelled';
  readonly cancelled: boolean;
  /** Id of this run, shared by every build it published (`packer_run_uuid`). */
  readonly runId: string;
  readonly builds: readonly BuildResult[];
  /** The run directory; removed after the run when the runner created it and nothing is left in it. */
  readonly runDir: string;
  /** Registry state, when publishing was on. */
  readonly registry?: RegistrySummary;
}

/**
 * Runs a template: every source of every build block (at most `parallel` at
 * once), then its post-processor chains, and publishes each build's images to
 * the registry with Packer's lifecycle (bucket, version, builds, heartbeats,
 * done/failed/cancelled, channels). Channels are assigned as soon as the
 * version is complete, i.e. right after its last build is stored as done.
 *
 * @example
 * ```ts
 * const result = await runBuild({
 *   template: 'app.pkr.json',
 *   registry: new RegistryClient({ baseUrl: 'http://127.0.0.1:8080' }),
 *   onEvent: (e) => console.log(e.line),
 * });
 * if (result.registry?.resumeHint) console.log(`resume with ${result.registry.resumeHint}`);
 * ```
 * @throws {@link RunOptionsError} for an option it cannot take (`parallel`), and template errors
 *   ({@link TemplateError}, {@link TemplateConfigError}) before anything runs;
 *   {@link VersionCompleteError} and {@link TemplateTypeMismatchError} when the fingerprint names a
 *   version that cannot be resumed.
 */
export async function runBuild(options: RunBuildOptions): Promise<RunResult> {
  const parallel = options.parallel ?? Infinity;
  if (parallel !== Infinity && !(Number.isInteger(parallel) && parallel >= 1)) {
    throw new RunOptionsError(
      'parallel',
      `${String(parallel)} is not a whole number of builds at once; pass 1 or more, or leave it out to run every build at once`,
    );
  }
  const env = options.env ?? process.env;
  const template =
    typeof options.template === 'string'
      ? await loadTemplate(options.template, options)
      : options.template;
  const validateOptions = options.pluginDir === undefined ? {} : { pluginDir: options.pluginDir };
  const checked = await validateTemplate(template, validateOptions);
  const emit = emitter(options.onEvent);
  const runId = options.runId ?? randomUUID();
  const client = registryClient(template, options.registry, env, registryDataBlocks(template));
  // Data blocks are read once, before any source; components are then prepared with their outputs.
  const data = await readData(template, checked.data, client, {
    signal: options.signal ?? new AbortController().signal,
    emit,
  });
  let prepared = checked;
  if (checked.data.length > 0) {
    const resolved = withDataValues(template, data.values);
    assertRegistryBlockWithData(resolved);
    prepared = await validateTemplate(resolved, validateOptions);
  }
  const registry = await runRegistry(prepared, {
    client,
    parents: data.parents,
    env,
    fingerprint: options.fingerprint ?? env.IMPRINT_BUILD_FINGERPRINT ?? ulid(),
    runId,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    emit,
  });
  const dirs = RunDirs.create(options.runDir, (message) => emit('warning', message));
  const runDir = dirs.path;

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await registry.open();
    for (const plan of prepared.builds) {
      for (const warning of plan.warnings) emit('warning', warning, plan.name);
    }
    const limit = pLimit(parallel);
    const context = { dirs, signal: controller.signal, emit, registry };
    const results = await Promise.all(
      prepared.builds.map((plan) => limit(() => runOne(plan, context))),
    );
    const cancelled = controller.signal.aborted;
    const status = cancelled
      ? 'cancelled'
      : results.every((r) => r.status === 'done' || r.status === 'skipped')
        ? 'done'
        : 'failed';
    const summary = await registry.finish(options.spoolFile ?? join(runDir, 'registry-spool.json'));
    return {
      status,
      cancelled,
      runId,
      builds: results,
      runDir,
      ...(summary ? { registry: summary } : {}),
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    registry.close();
    dirs.removeSync();
  }
}

interface RunContext {
  readonly dirs: RunDirs;
  readonly signal: AbortSignal;
  readonly emit: Emit;
  readonly registry: RegistryPort;
}

async function runOne(plan: PlannedBuild, run: RunContext): Promise<BuildResult> {
  const workDir = join(run.dirs.path, plan.name.replace(/[^A-Za-z0-9._-]/g, '_'));
  const base = {
    name: plan.name,
    workDir,
    artifacts: [],
    artifactImages: [],
    images: [],
    withoutMetadata: [],
    sboms: [],
  };
  if (run.registry.isDone(plan.name)) {
    run.emit('info', 'skipping already done build', plan.name);
    return { ...base, status: 'skipped' };
  }
  if (run.signal.aborted) {
    const registryStatus = await run.registry.completeBuild(plan.name, {
      status: 'BUILD_CANCELLED',
    });
    return {
      ...base,
      status: 'cancelled',
      error: 'cancelled before start',
      ...withRegistryStatus(registryStatus),
    };
  }
  run.dirs.workDir(workDir);
  const ui: Ui = {
    say: (m) => run.emit('say', m, plan.name),
    message: (m) => run.emit('message', m, plan.name),
    error: (m) => run.emit('error', m, plan.name),
    progress: (u) =>
      run.emit(
        'progress',
        u.total === undefined ? u.step : `${u.step} (${u.completed ?? 0}/${u.total})`,
        plan.name,
      ),
  };
  const context: BuildContext = { ui, signal: run.signal, workDir, buildName: plan.name };
  await run.registry.startBuild(plan.name);
  let kept: KeptArtifact[];
  let builderState: BuilderState;
  try {
    run.emit('info', `running ${plan.source.type} source '${plan.source.name}'`, plan.name);
    const original = await plan.builder.run(context);
    // Read before the post-processors run: they may destroy the builder's artifact.
    builderState = readBuilderState(original);
    kept = await postProcess(plan, context, original);
  } catch (error) {
    const cancelled = run.signal.aborted;
    const message = error instanceof Error ? error.message : String(error);
    run.emit('error', cancelled ? `cancelled: ${message}` : `build failed: ${message}`, plan.name);
    const registryStatus = await run.registry.completeBuild(plan.name, {
      status: cancelled ? 'BUILD_CANCELLED' : 'BUILD_FAILED',
      error: message,
    });
    return {
      ...base,
      status: cancelled ? 'cancelled' : 'failed',
      error: message,
      ...withRegistryStatus(registryStatus),
    };
  }

  const report = reportArtifacts(kept, builderState);
  for (const what of report.withoutMetadata) {
    run.emit(
      'warning',
      `artifact of ${what} states no registry metadata (not registry-ready)`,
      plan.name,
    );
  }
  const { artifacts, artifactImages, images, withoutMetadata } = report;
  const outcome = { ...base, artifacts, artifactImages, images, withoutMetadata };
  let problem = report.problem ?? run.registry.unpublishable(plan.name, report);
  let sboms: readonly SbomOutcome[] = [];
  if (problem === undefined) {
    // Before the build is done: the registry takes SBOMs only while the version is incomplete.
    const sent = await run.registry.uploadSboms(plan.name, report.sboms);
    if ('problem' in sent) problem = sent.problem;
    else sboms = sent.sboms;
  }
  if (problem !== undefined) {
    run.emit('error', problem, plan.name);
    const registryStatus = await run.registry.completeBuild(plan.name, {
      status: 'BUILD_FAILED',
      error: problem,
    });
    return { ...outcome, status: 'failed', error: problem, ...withRegistryStatus(registryStatus) };
  }
  const registryStatus = await run.registry.completeBuild(plan.name, {
    status: 'BUILD_DONE',
    artifacts: report,
  });
  for (const artifact of artifacts) run.emit('say', `artifact: ${String(artifact)}`, plan.name);
  const failed = registryStatus === 'BUILD_FAILED';
  if (!failed) run.dirs.keep(workDir);
  return {
    ...outcome,
    sboms,
    status: failed ? 'failed' : 'done',
    ...(failed ? { error: 'the registry refused the done build' } : {}),
    ...withRegistryStatus(registryStatus),
  };
}

/** `registryStatus` of a result, when a registry stored (or spooled) one. */
function withRegistryStatus(registryStatus: BuildStatus | undefined): {
  registryStatus?: BuildStatus;
} {
  return registryStatus ? { registryStatus } : {};
}
