import type { BuildMetadata, BuildStatus, RegistryClient, UpdateBuildBody } from '@imprint/client';
import type { ArtifactReport } from '../run/artifacts';
import type { Emit } from '../run/events';
import type { SpoolBuild } from '../run/spool';
import { writeSpool } from '../run/spool';
import type { StatedSbom } from '../sbom/artifact-sboms';
import type { SbomOutcome, SbomUpload } from '../sbom/registry-sboms';
import { byteSize, prepareSbom, uploadSbom } from '../sbom/registry-sboms';
import type {
  BuildEnd,
  DeclaredParent,
  RegistryPort,
  RegistrySummary,
  SbomsSent,
} from './registry-port';
import type { TrackedBuild, VersionTarget } from './registry-version';
import { assignChannels, openVersion } from './registry-version';

/** What a {@link ClientRegistry} publishes, for one run. */
export interface ClientRegistryOptions {
  readonly target: VersionTarget;
  /** Build names of the run: the registry builds' component types. */
  readonly components: readonly string[];
  readonly channels: readonly string[];
  readonly runId: string;
  readonly heartbeatMs: number;
  readonly emit: Emit;
  readonly metadata: BuildMetadata;
  /** Labels every build of the run carries: `git_sha` (when known), then the template's `build_labels`. */
  readonly buildLabels: Readonly<Record<string, string>>;
  /** Parents read by artifact data blocks, by their `external_identifier`. */
  readonly parents?: ReadonlyMap<string, DeclaredParent>;
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'IMPRINT_ERR_CLIENT_CONNECTION' || code === 'IMPRINT_ERR_CLIENT_TIMEOUT';
}

/**
 * The UpdateBuild body of a build's end: a done build's deduplicated images
 * (`external_identifier`, `region`), platform, source image and labels.
 */
export function completionBody(
  end: BuildEnd,
  parents: ReadonlyMap<string, DeclaredParent> = new Map(),
): UpdateBuildBody {
  if (end.status !== 'BUILD_DONE') return { status: end.status };
  const { images, sourceImageId, labels } = end.artifacts;
  // Packer's rule: a parent is declared only when an artifact's source image is
  // the external_identifier an artifact data block of the template read.
  const parent = [sourceImageId, ...images.map((i) => i.sourceImageId)]
    .map((id) => (id ? parents.get(id) : undefined))
    .find((p) => p !== undefined);
  return {
    status: 'BUILD_DONE',
    artifacts: images.map((i) => ({ external_identifier: i.imageId, region: i.providerRegion })),
    ...(images[0] ? { platform: images[0].providerName } : {}),
    ...(sourceImageId ? { source_external_identifier: sourceImageId } : {}),
    labels: { ...labels },
    ...(parent === undefined ? {} : { parent_version_id: parent.versionId }),
    ...(parent?.channelId === undefined ? {} : { parent_channel_id: parent.channelId }),
  };
}

/**
 * Packer's registry lifecycle over `@imprint/client`, with a spool when the
 * registry cannot be reached: builds go on, and their final bodies are
 * written to a file `pushSpool` replays.
 */
export class ClientRegistry implements RegistryPort {
  private offline = false;
  private readonly ids = new Map<string, TrackedBuild>();
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();
  private readonly spool: SpoolBuild[] = [];
  /** SBOMs of each build not sent yet (the registry was unreachable): they go with its spool entry. */
  private readonly unsentSboms = new Map<string, SbomUpload[]>();
  /** Set once the version is known complete, with the channels assigned then. */
  private completion?: Promise<{ complete: boolean; channels: string[] }>;
  /** The version's name as the registry last gave it. */
  private versionName?: string;

  constructor(
    private readonly client: RegistryClient,
    private readonly options: ClientRegistryOptions,
  ) {}

  private get bucket(): string {
    return this.options.target.bucket;
  }

  private get fp(): string {
    return this.options.target.fingerprint;
  }

  async open(): Promise<void> {
    this.options.emit('info', `Tracking build on the registry with fingerprint ${this.fp}`);
    try {
      const found = await openVersion(this.client, this.options.target, {
        components: this.options.components,
        runId: this.options.runId,
        labels: this.options.buildLabels,
        mode: 'run',
      });
      for (const [k, v] of found) this.ids.set(k, v);
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
    this.close();
  }

  isDone(build: string): boolean {
    return this.ids.get(build)?.done === true;
  }

  unpublishable(build: string, report: ArtifactReport): string | undefined {
    if (report.images.length > 0) return undefined;
    return `no artifact of build ${build} states registry metadata (${report.withoutMetadata.join('; ')}); the registry build cannot be done`;
  }

  async uploadSboms(name: string, sboms: readonly StatedSbom[]): Promise<SbomsSent> {
    // Every SBOM is checked before the first is sent: a build fails whole, not half uploaded.
    const prepared = [];
    for (const sbom of sboms) {
      const ready = await prepareSbom(sbom);
      if ('problem' in ready) return ready;
      prepared.push(ready);
    }
    const outcomes: SbomOutcome[] = [];
    const unsent: SbomUpload[] = [];
    for (const { upload, documentBytes, compressedBytes } of prepared) {
      const build = this.ids.get(name);
      let outcome: SbomOutcome['outcome'] = 'spooled';
      if (!this.offline && build !== undefined) {
        const ref = { bucket: this.bucket, fingerprint: this.fp, buildId: build.id };
        try {
          outcome = await uploadSbom(this.client, ref, upload);
        } catch (error) {
          if (!isConnectionError(error)) {
            return {
              problem: `uploading the SBOM '${upload.name}' failed: ${(error as Error).message}`,
            };
          }
          this.goOffline(error);
        }
      }
      if (outcome === 'spooled') unsent.push(upload);
      const format = upload.format === 'CYCLONEDX' ? 'cyclonedx' : 'spdx';
      const message = `SBOM ${upload.name} (${format}, ${byteSize(documentBytes)}, ${byteSize(compressedBytes)} zstd) ${outcome === 'present' ? 'already uploaded' : outcome}`;
      this.options.emit('say', message, name);
      outcomes.push({
        name: upload.name,
        format,
        documentBytes,
        compressedBytes,
        outcome,
        message,
      });
    }
    if (unsent.length > 0) this.unsentSboms.set(name, unsent);
    return { sboms: outcomes };
  }

  async startBuild(name: string): Promise<void> {
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
  async completeBuild(name: string, end: BuildEnd): Promise<BuildStatus> {
    const timer = this.heartbeats.get(name);
    if (timer) clearInterval(timer);
    this.heartbeats.delete(name);
    const error = 'error' in end ? end.error : undefined;
    const body = completionBody(end, this.options.parents);
    const full: UpdateBuildBody = {
      ...body,
      packer_run_uuid: this.options.runId,
      labels: { ...this.options.buildLabels, ...body.labels },
      metadata: { ...this.options.metadata, ...(error === undefined ? {} : { error }) },
    };
    const status = end.status;
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
    const sboms = status === 'BUILD_DONE' ? this.unsentSboms.get(name) : undefined;
    if (status === 'BUILD_DONE' || status === 'BUILD_FAILED') {
      this.spool.push({ componentType: name, status, body: full, ...(sboms ? { sboms } : {}) });
    }
    return status;
  }

  /**
   * Packer's `updateChannels` after a build's completion: once the version is
   * complete, assign the channels — once per run, even when builds finish
   * together.
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
    let version;
    try {
      version = await this.client.getVersion(this.bucket, this.fp);
    } catch (error) {
      if (isConnectionError(error)) this.goOffline(error);
      else this.options.emit('warning', `reading the version failed: ${(error as Error).message}`);
      return { complete: false, channels: [] };
    }
    this.versionName = version.name;
    return assignChannels(
      this.client,
      version,
      this.options.target,
      this.options.channels,
      this.options.emit,
    );
  }

  close(): void {
    for (const timer of this.heartbeats.values()) clearInterval(timer);
    this.heartbeats.clear();
  }

  async finish(spoolFile: string): Promise<RegistrySummary> {
    let versionComplete = false;
    let channels: string[] = [];
    if (!this.offline) {
      // Usually settled already by the last done build; otherwise (a version
      // completed by a concurrent run, a failed assignment) look once more.
      ({ complete: versionComplete, channels } = await this.assignIfComplete());
    }
    let written: string | undefined;
    if (this.offline) {
      const { target } = this.options;
      await writeSpool(spoolFile, {
        bucket: {
          name: target.bucket,
          ...(target.description === undefined ? {} : { description: target.description }),
          labels: target.bucketLabels,
        },
        fingerprint: this.fp,
        templateType: target.templateType,
        runId: this.options.runId,
        channels: this.options.channels,
        builds: this.spool,
      });
      written = spoolFile;
      this.options.emit(
        'warning',
        `registry metadata of ${this.spool.length} build(s) spooled to ${spoolFile}`,
      );
    }
    const resumeHint =
      versionComplete || this.offline ? undefined : `IMPRINT_BUILD_FINGERPRINT=${this.fp}`;
    if (resumeHint) {
      this.options.emit(
        'warning',
        `the version is incomplete; to resume, run again with ${resumeHint}`,
      );
    }
    return {
      bucket: this.bucket,
      fingerprint: this.fp,
      ...(this.versionName === undefined ? {} : { versionName: this.versionName }),
      versionComplete,
      channels,
      buildIds: Object.fromEntries([...this.ids].map(([name, build]) => [name, build.id])),
      ...(resumeHint ? { resumeHint } : {}),
      ...(written
        ? { spoolFile: written, spooledBuilds: this.spool.map((b) => b.componentType) }
        : {}),
    };
  }
}
