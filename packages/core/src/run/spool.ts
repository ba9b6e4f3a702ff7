import { readFile, writeFile } from 'node:fs/promises';
import type { BuildStatus, RegistryClient, UpdateBuildBody } from '@imprint/client';
import { SpoolInvalidError } from '../errors';
import type { VersionTarget } from '../registry/registry-version';
import type { SbomUpload } from '../sbom/registry-sboms';
import { uploadSbom } from '../sbom/registry-sboms';
import { assignChannels, openVersion } from '../registry/registry-version';
import type { RunEventHandler } from './events';
import { emitter } from './events';

/** Format marker of spool files. */
export const SPOOL_FORMAT = 'imprint-spool/1';

/** One finished build waiting to be published. */
export interface SpoolBuild {
  readonly componentType: string;
  readonly status: BuildStatus;
  /** The final UpdateBuild body (status, artifacts, labels, metadata…). */
  readonly body: UpdateBuildBody;
  /**
   * A done build's SBOMs that were not uploaded (UploadSbom bodies, the
   * document zstd-compressed and base64): pushed before the build is marked done.
   */
  readonly sboms?: readonly SbomUpload[];
}

/** What a spool file holds: enough to replay the registry lifecycle later. */
export interface SpoolContent {
  readonly format: typeof SPOOL_FORMAT;
  readonly createdAt: string;
  readonly bucket: {
    readonly name: string;
    readonly description?: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly fingerprint: string;
  /** The `template_type` of the version (older spool files only wrote `JSON`). */
  readonly templateType: 'JSON' | 'HCL2';
  /** Id of the run that wrote the spool (`packer_run_uuid` of its builds); absent in older files. */
  readonly runId?: string;
  readonly channels: readonly string[];
  readonly builds: readonly SpoolBuild[];
}

/** What {@link pushSpool} did. */
export interface PushSpoolResult {
  readonly bucket: string;
  readonly fingerprint: string;
  /** Component types published. */
  readonly pushed: readonly string[];
  /** Component types already done in the registry. */
  readonly skipped: readonly string[];
  /** SBOMs uploaded (or found already uploaded), `<component type>: <name>`. */
  readonly sboms: readonly string[];
  /** Whether the version is complete (`vN`) after the push. */
  readonly versionComplete: boolean;
  /** Channels assigned (only when the version is complete). */
  readonly channels: readonly string[];
}

/** Options of {@link pushSpool}. */
export interface PushSpoolOptions {
  /** Receives the push's lines: channels assigned, and a warning per channel that could not be. */
  readonly onEvent?: RunEventHandler;
}

/**
 * Replays a spool file written by `runBuild` while the registry was
 * unreachable: bucket, version, one build per entry (done builds are
 * skipped), then channels, with the run's policy: a channel that cannot be
 * assigned is a warning (`onEvent`) naming the command that assigns it.
 *
 * @example
 * ```ts
 * const result = await pushSpool(run.spoolFile!, new RegistryClient({ baseUrl }));
 * ```
 * @throws {@link SpoolInvalidError} for an unreadable file; client errors as they come.
 */
export async function pushSpool(
  file: string,
  client: RegistryClient,
  options: PushSpoolOptions = {},
): Promise<PushSpoolResult> {
  const spool = await readSpool(file);
  const target: VersionTarget = {
    bucket: spool.bucket.name,
    ...(spool.bucket.description === undefined ? {} : { description: spool.bucket.description }),
    bucketLabels: spool.bucket.labels,
    fingerprint: spool.fingerprint,
    templateType: spool.templateType,
    file,
  };
  const ids = await openVersion(client, target, {
    components: spool.builds.map((b) => b.componentType),
    ...(spool.runId === undefined ? {} : { runId: spool.runId }),
    mode: 'replay',
  });
  const pushed: string[] = [];
  const skipped: string[] = [];
  const sboms: string[] = [];
  for (const entry of spool.builds) {
    const existing = ids.get(entry.componentType);
    if (existing === undefined || existing.done) {
      skipped.push(entry.componentType);
      continue;
    }
    await client.updateBuild(target.bucket, target.fingerprint, existing.id, {
      status: 'BUILD_RUNNING',
      ...(entry.body.packer_run_uuid === undefined
        ? {}
        : { packer_run_uuid: entry.body.packer_run_uuid }),
    });
    // As in the run: SBOMs go while the build (and so the version) is not done yet.
    const ref = { bucket: target.bucket, fingerprint: target.fingerprint, buildId: existing.id };
    for (const sbom of entry.sboms ?? []) {
      await uploadSbom(client, ref, sbom);
      sboms.push(`${entry.componentType}: ${sbom.name}`);
    }
    await client.updateBuild(target.bucket, target.fingerprint, existing.id, entry.body);
    pushed.push(entry.componentType);
  }
  const version = await client.getVersion(target.bucket, target.fingerprint);
  const { complete, channels } = await assignChannels(
    client,
    version,
    target,
    spool.channels,
    emitter(options.onEvent),
  );
  return {
    bucket: target.bucket,
    fingerprint: target.fingerprint,
    pushed,
    skipped,
    sboms,
    versionComplete: complete,
    channels,
  };
}

/** Writes a spool file (format marker and creation time added). */
export async function writeSpool(
  file: string,
  content: Omit<SpoolContent, 'format' | 'createdAt'>,
): Promise<void> {
  const full: SpoolContent = {
    format: SPOOL_FORMAT,
    createdAt: new Date().toISOString(),
    ...content,
  };
  await writeFile(file, `${JSON.stringify(full, null, 2)}\n`);
}

async function readSpool(file: string): Promise<SpoolContent> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new SpoolInvalidError(file, (error as Error).message, { cause: error });
  }
  const spool = parsed as Partial<SpoolContent>;
  if (
    spool?.format !== SPOOL_FORMAT ||
    typeof spool.bucket?.name !== 'string' ||
    typeof spool.fingerprint !== 'string' ||
    !Array.isArray(spool.builds)
  ) {
    throw new SpoolInvalidError(file, `not an ${SPOOL_FORMAT} file`);
  }
  for (const [i, entry] of (spool.builds as unknown[]).entries()) {
    const sboms = (entry as { sboms?: unknown } | null)?.sboms;
    if (sboms === undefined) continue;
    if (!Array.isArray(sboms) || !sboms.every(isSbomUpload)) {
      throw new SpoolInvalidError(
        file,
        `builds[${i}].sboms is not a list of { name, format, compressed_sbom } (strings)`,
      );
    }
  }
  return spool as SpoolContent;
}

function isSbomUpload(value: unknown): value is SbomUpload {
  const v = value as Partial<Record<keyof SbomUpload, unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.format === 'string' &&
    typeof v.compressed_sbom === 'string'
  );
}
