import type { BuildStatus } from '@imprint/client';
import type { ArtifactReport } from '../run/artifacts';
import type { StatedSbom } from '../sbom/artifact-sboms';
import type { SbomOutcome } from '../sbom/registry-sboms';

/** How a build ended, as the runner tells the registry (Packer's `CompleteBuild(build, artifacts, err)`). */
export type BuildEnd =
  | { readonly status: 'BUILD_DONE'; readonly artifacts: ArtifactReport }
  | { readonly status: 'BUILD_FAILED' | 'BUILD_CANCELLED'; readonly error?: string };

/** What became of a build's SBOMs: each one's outcome, or the problem that fails the build. */
export type SbomsSent = { readonly sboms: readonly SbomOutcome[] } | { readonly problem: string };

/** A parent version a build declares (`parent_version_id`, `parent_channel_id`), read by an artifact data block. */
export interface DeclaredParent {
  readonly versionId: string;
  /** Set when the data block read a channel: the registry then tracks UP_TO_DATE / OUT_OF_DATE. */
  readonly channelId?: string;
  /** The data block that read it, `<type>.<name>`. */
  readonly block: string;
}

/** The registry's state at the end of a run (`RunResult.registry`). */
export interface RegistrySummary {
  readonly bucket: string;
  readonly fingerprint: string;
  /** The version's name in the registry (`v0` while incomplete, then `v1`, …); absent when no registry answered. */
  readonly versionName?: string;
  readonly versionComplete: boolean;
  /** Channels assigned, as soon as the version became complete. */
  readonly channels: readonly string[];
  /** Registry build ids by build name (component type), for the builds the registry holds. */
  readonly buildIds: Readonly<Record<string, string>>;
  /**
   * `IMPRINT_BUILD_FINGERPRINT=<fp>` when the version stays incomplete in the registry. Not set
   * when the metadata was spooled: the next step is to push the spool file, not to build again.
   */
  readonly resumeHint?: string;
  /** Set when the registry was unreachable: the metadata to replay with `pushSpool`. */
  readonly spoolFile?: string;
  /** With `spoolFile`: the builds whose final status is in the spool file, not in a registry. */
  readonly spooledBuilds?: readonly string[];
}

/**
 * The registry as the runner sees it, one version of one bucket per run:
 * Packer's `Registry` interface. {@link ClientRegistry} publishes through
 * `@imprint/client`; {@link NullRegistry} stands in when publishing is off, so
 * the runner never asks whether there is a registry.
 */
export interface RegistryPort {
  /**
   * Upserts the bucket, ensures the version, checks its template type and
   * completeness, and creates (or reuses) one build per component.
   */
  open(): Promise<void>;
  /** Whether the build is already done in the registry: a resumed run skips it. */
  isDone(build: string): boolean;
  /** Why the build's artifacts cannot complete a registry build, or `undefined` when they can. */
  unpublishable(build: string, report: ArtifactReport): string | undefined;
  /**
   * Uploads the SBOMs of a build whose artifacts are ready, before it is
   * marked done (the registry takes SBOMs only while the version is
   * incomplete): compressed with zstd and checked against the registry's
   * limits; spooled with the build when the registry cannot be reached. A
   * problem (too large, refused) fails the build, as a failed hcp-sbom upload
   * fails a Packer build.
   */
  uploadSboms(build: string, sboms: readonly StatedSbom[]): Promise<SbomsSent>;
  /** Marks the build running and starts its heartbeats. */
  startBuild(build: string): Promise<void>;
  /**
   * Stores the build's final status (done with its artifacts, or failed /
   * cancelled with the error) and assigns the channels when that completes
   * the version. Returns the status stored or spooled; `undefined` without a
   * registry.
   */
  completeBuild(build: string, end: BuildEnd): Promise<BuildStatus | undefined>;
  /**
   * After the last build: channels once more if needed, the spool file when
   * the registry was unreachable, the resume hint. `undefined` without a
   * registry.
   */
  finish(spoolFile: string): Promise<RegistrySummary | undefined>;
  /** Stops every heartbeat; safe to call more than once. */
  close(): void;
}
