import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type {
  ArtifactInput,
  BuildMetadata,
  BuildStatus,
  RegistryClientOptions,
  UpdateBuildBody,
} from '@imprint/client';
import { RegistryClient, isVersionComplete } from '@imprint/client';
import type { BuildContext, Image, PackerArtifact, Ui } from '@imprint/sdk';
import { ARTIFACT_STATE_URI, decodeImages } from '@imprint/sdk';
import { ulid } from 'ulid';
import { RegistryNotConfiguredError, VersionCompleteError } from '../errors';
import { loadTemplate } from '../template/load-template';
import type { Template, VariableOptions } from '../template/template';
import type { PlannedBuild, PreparedTemplate } from '../template/validate-template';
import { validateTemplate } from '../template/validate-template';
import { RUNNER_VERSION } from '../version';
import type { RunEventHandler } from './events';
import { emitter } from './events';
import { ciMetadata, gitCommit } from './metadata';
import type { SpoolBuild, SpoolContent, TrackedBuild } from './spool';
import { SPOOL_FORMAT, assignChannel, checkTemplateType, ensureBuilds } from './spool';

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
  /** Directory holding one work directory per build (default: a new temp directory). */
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
  /** Images stated by those artifacts, deduplicated. */
  readonly images: readonly Image[];
  /** Artifacts that stated no registry metadata: `<component> (<artifact>)`. */
  readonly withoutMetadata: readonly string[];
  /** The registry build's final status, when published. */
  readonly registryStatus?: BuildStatus;
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
  readonly runDir: string;
  /** Registry state, when publishing was on. */
  readonly registry?: {
    readonly bucket: string;
    readonly fingerprint: string;
    readonly versionComplete: boolean;
    /** Channels assigned, as soon as the version became complete. */
    readonly channels: readonly string[];
    /** `IMPRINT_BUILD_FINGERPRINT=<fp>` when the version stays incomplete. */
    readonly resumeHint?: string;
    /** Set when the registry was unreachable: the metadata to replay with `pushSpool`. */
    readonly spoolFile?: string;
  };
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'IMPRINT_ERR_CLIENT_CONNECTION' || code === 'IMPRINT_ERR_CLIENT_TIMEOUT';
}

function resolveClient(
  template: Template,
  option: RunBuildOptions['registry'],
  env: Readonly<Record<string, string | undefined>>,
): RegistryClient | undefined {
  if (template.registry === undefined || option === 'off') return undefined;
  if (option instanceof RegistryClient) return option;
  if (
    option !== undefined &&
    typeof (option as { upsertBucket?: unknown }).upsertBucket === 'function'
  ) {
    return option as unknown as RegistryClient;
  }
  if (option !== undefined) return new RegistryClient(option as RegistryClientOptions);
  if (env.IMPRINT_REGISTRY === 'off' || env.IMPRINT_REGISTRY === '0') return undefined;
  if (env.IMPRINT_REGISTRY_URL) {
    return new RegistryClient({
      baseUrl: env.IMPRINT_REGISTRY_URL,
      ...(env.IMPRINT_CLIENT_ID ? { clientId: env.IMPRINT_CLIENT_ID } : {}),
      ...(env.IMPRINT_CLIENT_SECRET ? { clientSecret: env.IMPRINT_CLIENT_SECRET } : {}),
    });
  }
  throw new RegistryNotConfiguredError(template.file);
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
 * @throws template errors ({@link TemplateError}, {@link TemplateConfigError}) before anything runs;
 *   {@link VersionCompleteError} and {@link TemplateTypeMismatchError} when the fingerprint names a
 *   version that cannot be resumed.
 */
export async function runBuild(options: RunBuildOptions): Promise<RunResult> {
  const env = options.env ?? process.env;
  const template =
    typeof options.template === 'string'
      ? await loadTemplate(options.template, options)
      : options.template;
  const prepared = await validateTemplate(template, {
    ...(options.pluginDir === undefined ? {} : { pluginDir: options.pluginDir }),
  });
  const emit = emitter(options.onEvent);
  const client = resolveClient(template, options.registry, env);
  const runId = options.runId ?? randomUUID();
  const runDir = resolve(options.runDir ?? (await mkdtemp(join(tmpdir(), 'imprint-run-'))));
  await mkdir(runDir, { recursive: true });

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const tracker =
    client && template.registry
      ? new RegistryTracker(client, prepared, {
          fingerprint: options.fingerprint ?? env.IMPRINT_BUILD_FINGERPRINT ?? ulid(),
          runId,
          heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
          emit,
          ...(await buildMetadata(prepared, env, runId)),
        })
      : undefined;
  try {
    await tracker?.initialize();
    for (const plan of prepared.builds) {
      for (const warning of plan.warnings) emit('warning', warning, plan.name);
    }
    const results = await pool(prepared.builds, options.parallel ?? Infinity, (plan) =>
      runOne(plan, { runDir, signal: controller.signal, emit, tracker }),
    );
    const cancelled = controller.signal.aborted;
    const status = cancelled
      ? 'cancelled'
      : results.every((r) => r.status === 'done' || r.status === 'skipped')
        ? 'done'
        : 'failed';
    const registry = tracker
      ? await tracker.finish(options.spoolFile ?? join(runDir, 'registry-spool.json'))
      : undefined;
    return {
      status,
      cancelled,
      runId,
      builds: results,
      runDir,
      ...(registry ? { registry } : {}),
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    tracker?.stopHeartbeats();
  }
}

async function pool<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const width = Math.max(1, Math.min(limit, items.length));
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index]);
      }
    }),
  );
  return results;
}

interface RunContext {
  readonly runDir: string;
  readonly signal: AbortSignal;
  readonly emit: ReturnType<typeof emitter>;
  readonly tracker: RegistryTracker | undefined;
}

async function runOne(plan: PlannedBuild, run: RunContext): Promise<BuildResult> {
  const workDir = join(run.runDir, plan.name.replace(/[^A-Za-z0-9._-]/g, '_'));
  const base = { name: plan.name, workDir, artifacts: [], images: [], withoutMetadata: [] };
  if (run.tracker?.isDone(plan.name)) {
    run.emit('info', 'skipping already done build', plan.name);
    return { ...base, status: 'skipped' };
  }
  if (run.signal.aborted) {
    const registryStatus = await run.tracker?.complete(plan.name, { status: 'BUILD_CANCELLED' });
    return {
      ...base,
      status: 'cancelled',
      error: 'cancelled before start',
      ...(registryStatus ? { registryStatus } : {}),
    };
  }
  await mkdir(workDir, { recursive: true });
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
  await run.tracker?.start(plan.name);
  let kept: { artifact: PackerArtifact; component: string; fromBuilder: boolean }[];
  let builderSourceId: string | undefined;
  try {
    run.emit('info', `running ${plan.source.type} source '${plan.source.name}'`, plan.name);
    const original = await plan.builder.run(context);
    builderSourceId = firstSourceImageId(original);
    kept = await postProcess(plan, context, original);
  } catch (error) {
    const cancelled = run.signal.aborted;
    const message = error instanceof Error ? error.message : String(error);
    run.emit('error', cancelled ? `cancelled: ${message}` : `build failed: ${message}`, plan.name);
    const registryStatus = await run.tracker?.complete(
      plan.name,
      cancelled ? { status: 'BUILD_CANCELLED' } : { status: 'BUILD_FAILED' },
      message,
    );
    return {
      ...base,
      status: cancelled ? 'cancelled' : 'failed',
      error: message,
      ...(registryStatus ? { registryStatus } : {}),
    };
  }

  const images: Image[] = [];
  const seen = new Set<string>();
  const withoutMetadata: string[] = [];
  // Later artifacts (post-processors) win: a tag post-processor's image lists every tag.
  const labels: Record<string, string> = {};
  let sourceImageId = builderSourceId;
  let problem: string | undefined;
  for (const { artifact, component, fromBuilder } of kept) {
    let decoded: Image[];
    try {
      decoded = decodeImages(artifact.state(ARTIFACT_STATE_URI));
      for (const image of decoded) image.validate();
    } catch (error) {
      problem = `${component} stated invalid registry metadata: ${(error as Error).message}`;
      break;
    }
    if (decoded.length === 0) {
      const what = `${component} (${String(artifact)})`;
      withoutMetadata.push(what);
      run.emit(
        'warning',
        `artifact of ${what} states no registry metadata (not registry-ready)`,
        plan.name,
      );
    }
    if (fromBuilder && decoded.length > 0) sourceImageId ??= decoded[0].sourceImageId;
    for (const image of decoded) {
      Object.assign(labels, image.labels);
      if (seen.has(image.toString())) continue;
      seen.add(image.toString());
      images.push(image);
    }
  }
  sourceImageId ??= images.find((i) => i.sourceImageId)?.sourceImageId;
  const artifacts = kept.map((k) => k.artifact);
  if (problem === undefined && images.length === 0 && run.tracker) {
    problem = `no artifact of build ${plan.name} states registry metadata (${withoutMetadata.join('; ')}); the registry build cannot be done`;
  }
  if (problem !== undefined) {
    run.emit('error', problem, plan.name);
    const registryStatus = await run.tracker?.complete(
      plan.name,
      { status: 'BUILD_FAILED' },
      problem,
    );
    return {
      ...base,
      artifacts,
      images,
      withoutMetadata,
      status: 'failed',
      error: problem,
      ...(registryStatus ? { registryStatus } : {}),
    };
  }
  const artifactInputs: ArtifactInput[] = images.map((i) => ({
    external_identifier: i.imageId,
    region: i.providerRegion,
  }));
  const registryStatus = await run.tracker?.complete(plan.name, {
    status: 'BUILD_DONE',
    artifacts: artifactInputs,
    ...(images[0] ? { platform: images[0].providerName } : {}),
    ...(sourceImageId ? { source_external_identifier: sourceImageId } : {}),
    labels,
  });
  for (const artifact of artifacts) run.emit('say', `artifact: ${String(artifact)}`, plan.name);
  const failed = registryStatus === 'BUILD_FAILED';
  return {
    ...base,
    artifacts,
    images,
    withoutMetadata,
    status: failed ? 'failed' : 'done',
    ...(failed ? { error: 'the registry refused the done build' } : {}),
    ...(registryStatus ? { registryStatus } : {}),
  };
}

function firstSourceImageId(artifact: PackerArtifact): string | undefined {
  try {
    return decodeImages(artifact.state(ARTIFACT_STATE_URI))[0]?.sourceImageId || undefined;
  } catch {
    return undefined;
  }
}

/** Runs the chains as Packer does: an input is destroyed when no step keeps it. */
async function postProcess(
  plan: PlannedBuild,
  context: BuildContext,
  original: PackerArtifact,
): Promise<{ artifact: PackerArtifact; component: string; fromBuilder: boolean }[]> {
  const builderComponent = `builder ${plan.source.type}`;
  if (plan.postProcessors.length === 0) {
    return [{ artifact: original, component: builderComponent, fromBuilder: true }];
  }
  const kept: { artifact: PackerArtifact; component: string; fromBuilder: boolean }[] = [];
  let keepOriginal = false;
  for (const [c, chain] of plan.postProcessors.entries()) {
    let current = original;
    let currentComponent = builderComponent;
    for (const [i, step] of chain.entries()) {
      context.signal.throwIfAborted();
      const component = `post-processor ${step.type} (chain ${c + 1}, step ${i + 1})`;
      context.ui.say(`running ${component}`);
      const result = await step.component.postProcess(context, current);
      if (i === 0) keepOriginal ||= result.keepInput;
      else if (result.keepInput)
        kept.push({ artifact: current, component: currentComponent, fromBuilder: false });
      else await current.destroy();
      current = result.artifact;
      currentComponent = component;
    }
    kept.push({ artifact: current, component: currentComponent, fromBuilder: false });
  }
  if (keepOriginal)
    kept.unshift({ artifact: original, component: builderComponent, fromBuilder: true });
  else await original.destroy();
  return kept;
}

/** What Packer gathers once per run: runner, plugins and run id; git commit; CI system. */
async function buildMetadata(
  prepared: PreparedTemplate,
  env: Readonly<Record<string, string | undefined>>,
  runId: string,
): Promise<{ metadata: BuildMetadata; gitSha?: string }> {
  const commit = await gitCommit(prepared.template.dir);
  const ci = ciMetadata(env);
  return {
    metadata: {
      packer: {
        version: RUNNER_VERSION,
        plugins: prepared.plugins.map((p) => ({ name: p.name, version: p.version })),
        run_uuid: runId,
      },
      ...(commit ? { vcs: { type: 'git', details: { commit } } } : {}),
      ...(ci ? { cicd: ci } : {}),
    },
    ...(commit ? { gitSha: commit } : {}),
  };
}

interface TrackerOptions {
  readonly fingerprint: string;
  readonly runId: string;
  readonly heartbeatMs: number;
  readonly emit: ReturnType<typeof emitter>;
  readonly metadata: BuildMetadata;
  /** HEAD of the template's directory, recorded as the `git_sha` label (Packer). */
  readonly gitSha?: string;
}

/** Packer's registry lifecycle, with a spool when the registry cannot be reached. */
class RegistryTracker {
  private offline = false;
  private readonly ids = new Map<string, TrackedBuild>();
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();
  private readonly spool: SpoolBuild[] = [];
  private readonly bucket: string;
  private readonly registry: NonNullable<Template['registry']>;
  /** Labels every build of this run carries: `git_sha` (when known), then the template's `build_labels`. */
  private readonly buildLabels: Readonly<Record<string, string>>;
  /** Set once the version is known complete, with the channels assigned then. */
  private completion?: Promise<{ complete: boolean; channels: string[] }>;

  constructor(
    private readonly client: RegistryClient,
    private readonly prepared: PreparedTemplate,
    private readonly options: TrackerOptions,
  ) {
    this.registry = prepared.template.registry as NonNullable<Template['registry']>;
    this.bucket = this.registry.bucketName;
    this.buildLabels = {
      ...(options.gitSha === undefined ? {} : { git_sha: options.gitSha }),
      ...this.registry.buildLabels,
    };
  }

  private get fp(): string {
    return this.options.fingerprint;
  }

  async initialize(): Promise<void> {
    this.options.emit('info', `Tracking build on the registry with fingerprint ${this.fp}`);
    try {
      await this.client.upsertBucket(this.bucket, {
        ...(this.registry.description === undefined
          ? {}
          : { description: this.registry.description }),
        labels: { ...this.registry.bucketLabels },
      });
      const { template } = this.prepared;
      const version = await this.client.ensureVersion(this.bucket, this.fp, template.templateType);
      // Packer's order: the template type first, then completeness.
      checkTemplateType(version, template.templateType, this.bucket, template.file);
      if (isVersionComplete(version))
        throw new VersionCompleteError(this.bucket, this.fp, version.name);
      const found = await ensureBuilds(
        this.client,
        this.bucket,
        this.fp,
        this.prepared.builds.map((b) => b.name),
        { runId: this.options.runId, labels: this.buildLabels },
      );
      for (const [k, v] of found) this.ids.set(k, v);
      // Builds of a previous run that are not done yet get this run's labels
      // merged (the registry merges label maps) and this run's id, as Packer.
      const expected = new Set(this.prepared.builds.map((b) => b.name));
      await Promise.all(
        [...found]
          .filter(([name, b]) => expected.has(name) && !b.done && !b.created)
          .map(([, b]) =>
            this.client.updateBuild(this.bucket, this.fp, b.id, {
              packer_run_uuid: this.options.runId,
              labels: { ...this.buildLabels },
            }),
          ),
      );
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      this.goOffline(error);
    }
  }

  private goOffline(error: unknown): void {
    if (!this.offline) {
      this.options.emit(
        'warning',
        `the registry cannot be reached (${(error as Error).message}); builds go on and their metadata is spooled`,
      );
    }
    this.offline = true;
    this.stopHeartbeats();
  }

  isDone(name: string): boolean {
    return this.ids.get(name)?.done === true;
  }

  async start(name: string): Promise<void> {
    const build = this.ids.get(name);
    if (this.offline || build === undefined) return;
    const running = { status: 'BUILD_RUNNING', packer_run_uuid: this.options.runId } as const;
    try {
      await this.client.updateBuild(this.bucket, this.fp, build.id, running);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      this.goOffline(error);
      return;
    }
    const timer = setInterval(() => {
      this.client
        .updateBuild(this.bucket, this.fp, build.id, running)
        .catch((error: unknown) =>
          this.options.emit('warning', `heartbeat failed: ${(error as Error).message}`, name),
        );
    }, this.options.heartbeatMs);
    timer.unref();
    this.heartbeats.set(name, timer);
  }

  /**
   * Sends the final status; returns the status stored (or spooled). A build
   * stored as done may complete the version: its channels are assigned then.
   */
  async complete(name: string, body: UpdateBuildBody, error?: string): Promise<BuildStatus> {
    const timer = this.heartbeats.get(name);
    if (timer) clearInterval(timer);
    this.heartbeats.delete(name);
    const full: UpdateBuildBody = {
      ...body,
      packer_run_uuid: this.options.runId,
      labels: { ...this.buildLabels, ...body.labels },
      metadata: { ...this.options.metadata, ...(error === undefined ? {} : { error }) },
    };
    const status = full.status as BuildStatus;
    const build = this.ids.get(name);
    if (!this.offline && build !== undefined) {
      try {
        await this.client.updateBuild(this.bucket, this.fp, build.id, full);
      } catch (err) {
        if (isConnectionError(err)) this.goOffline(err);
        else if (status === 'BUILD_DONE') {
          // Packer: when marking the build complete fails, the build is failed.
          const message = `marking the build done failed: ${(err as Error).message}`;
          this.options.emit('error', message, name);
          await this.client
            .updateBuild(this.bucket, this.fp, build.id, {
              status: 'BUILD_FAILED',
              packer_run_uuid: this.options.runId,
              metadata: { ...this.options.metadata, error: message },
            })
            .catch(() => undefined);
          return 'BUILD_FAILED';
        } else {
          this.options.emit('error', `storing ${status} failed: ${(err as Error).message}`, name);
          return status;
        }
      }
      if (!this.offline) {
        if (status === 'BUILD_DONE') await this.assignIfComplete();
        return status;
      }
    }
    if (status === 'BUILD_DONE' || status === 'BUILD_FAILED') {
      this.spool.push({ componentType: name, status, body: full });
    }
    return status;
  }

  /**
   * Packer's `updateChannels` after a build's completion: once the version is
   * complete (`vN`), point each configured channel at it — once per run, even
   * when builds finish together. A failure is a warning, not a failed build.
   */
  private async assignIfComplete(): Promise<{ complete: boolean; channels: string[] }> {
    this.completion ??= this.checkCompletion().then((result) => {
      // Not complete yet (or unknown): a later build, or finish(), asks again.
      if (!result.complete) this.completion = undefined;
      return result;
    });
    return this.completion;
  }

  private async checkCompletion(): Promise<{ complete: boolean; channels: string[] }> {
    let complete: boolean;
    try {
      complete = isVersionComplete(await this.client.getVersion(this.bucket, this.fp));
    } catch (error) {
      if (isConnectionError(error)) this.goOffline(error);
      else this.options.emit('warning', `reading the version failed: ${(error as Error).message}`);
      return { complete: false, channels: [] };
    }
    if (!complete) return { complete, channels: [] };
    const channels: string[] = [];
    for (const channel of this.registry.channels) {
      try {
        await assignChannel(this.client, this.bucket, channel, this.fp);
        channels.push(channel);
      } catch (error) {
        this.options.emit(
          'warning',
          `assigning channel '${channel}' of bucket '${this.bucket}' to version ${this.fp} failed: ${(error as Error).message}; assign it with: imprint channels assign ${this.bucket} ${channel} ${this.fp}`,
        );
      }
    }
    if (channels.length > 0) {
      this.options.emit(
        'info',
        `version ${this.fp} is complete; assigned it to channel(s) ${channels.join(', ')}`,
      );
    }
    return { complete, channels };
  }

  stopHeartbeats(): void {
    for (const timer of this.heartbeats.values()) clearInterval(timer);
    this.heartbeats.clear();
  }

  async finish(spoolFile: string): Promise<NonNullable<RunResult['registry']>> {
    let versionComplete = false;
    let channels: string[] = [];
    if (!this.offline) {
      // Usually settled already by the last done build; otherwise (a version
      // completed by a concurrent run, a failed assignment) look once more.
      ({ complete: versionComplete, channels } = await this.assignIfComplete());
    }
    let written: string | undefined;
    if (this.offline) {
      const content: SpoolContent = {
        format: SPOOL_FORMAT,
        createdAt: new Date().toISOString(),
        bucket: {
          name: this.bucket,
          ...(this.registry.description === undefined
            ? {}
            : { description: this.registry.description }),
          labels: this.registry.bucketLabels,
        },
        fingerprint: this.fp,
        templateType: this.prepared.template.templateType,
        runId: this.options.runId,
        channels: this.registry.channels,
        builds: this.spool,
      };
      await writeFile(spoolFile, `${JSON.stringify(content, null, 2)}\n`);
      written = spoolFile;
      this.options.emit(
        'warning',
        `registry metadata of ${this.spool.length} build(s) spooled to ${spoolFile}; publish it later with pushSpool()`,
      );
    }
    const resumeHint = versionComplete ? undefined : `IMPRINT_BUILD_FINGERPRINT=${this.fp}`;
    if (resumeHint && !this.offline) {
      this.options.emit(
        'warning',
        `the version is incomplete; to resume, run again with ${resumeHint}`,
      );
    }
    return {
      bucket: this.bucket,
      fingerprint: this.fp,
      versionComplete,
      channels,
      ...(resumeHint ? { resumeHint } : {}),
      ...(written ? { spoolFile: written } : {}),
    };
  }
}
