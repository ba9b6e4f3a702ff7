import { readFile } from 'node:fs/promises';
import type { BuildStatus, RegistryClient, UpdateBuildBody, Version } from '@imprint/client';
import { isAlreadyExists, isNotFound, isVersionComplete } from '@imprint/client';
import { SpoolInvalidError, TemplateTypeMismatchError } from '../errors';

/** Format marker of spool files. */
export const SPOOL_FORMAT = 'imprint-spool/1';

/** One finished build waiting to be published. */
export interface SpoolBuild {
  readonly componentType: string;
  readonly status: BuildStatus;
  /** The final UpdateBuild body (status, artifacts, labels, metadata…). */
  readonly body: UpdateBuildBody;
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
  /** Whether the version is complete (`vN`) after the push. */
  readonly versionComplete: boolean;
  /** Channels assigned (only when the version is complete). */
  readonly channels: readonly string[];
}

/**
 * Replays a spool file written by `runBuild` while the registry was
 * unreachable: bucket, version, one build per entry (done builds are
 * skipped), then channels.
 *
 * @example
 * ```ts
 * const result = await pushSpool(run.spoolFile!, new RegistryClient({ baseUrl }));
 * ```
 * @throws {@link SpoolInvalidError} for an unreadable file; client errors as they come.
 */
export async function pushSpool(file: string, client: RegistryClient): Promise<PushSpoolResult> {
  const spool = await readSpool(file);
  await client.upsertBucket(spool.bucket.name, {
    ...(spool.bucket.description === undefined ? {} : { description: spool.bucket.description }),
    labels: { ...spool.bucket.labels },
  });
  const version = await client.ensureVersion(
    spool.bucket.name,
    spool.fingerprint,
    spool.templateType,
  );
  checkTemplateType(version, spool.templateType, spool.bucket.name, file);
  const ids = await ensureBuilds(
    client,
    spool.bucket.name,
    spool.fingerprint,
    spool.builds.map((b) => b.componentType),
    spool.runId === undefined ? {} : { runId: spool.runId },
  );
  const pushed: string[] = [];
  const skipped: string[] = [];
  for (const entry of spool.builds) {
    const existing = ids.get(entry.componentType);
    if (existing === undefined || existing.done) {
      skipped.push(entry.componentType);
      continue;
    }
    await client.updateBuild(spool.bucket.name, spool.fingerprint, existing.id, {
      status: 'BUILD_RUNNING',
      ...(entry.body.packer_run_uuid === undefined
        ? {}
        : { packer_run_uuid: entry.body.packer_run_uuid }),
    });
    await client.updateBuild(spool.bucket.name, spool.fingerprint, existing.id, entry.body);
    pushed.push(entry.componentType);
  }
  const { complete, channels } = await assignChannels(
    client,
    spool.bucket.name,
    spool.fingerprint,
    spool.channels,
  );
  return {
    bucket: spool.bucket.name,
    fingerprint: spool.fingerprint,
    pushed,
    skipped,
    versionComplete: complete,
    channels,
  };
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
  return spool as SpoolContent;
}

/** A registry build as the runner tracks it. */
export interface TrackedBuild {
  readonly id: string;
  /** `BUILD_DONE`, or has artifacts already: Packer skips it. */
  readonly done: boolean;
  /** Whether this call created it (a build of a previous run otherwise). */
  readonly created: boolean;
}

/**
 * Refuses a version created from a template of another type (Packer's
 * rule); `TEMPLATE_TYPE_UNSET` (a version made by another client) is accepted.
 */
export function checkTemplateType(
  version: Pick<Version, 'template_type' | 'fingerprint'>,
  templateType: 'JSON' | 'HCL2',
  bucket: string,
  file: string,
): void {
  const stored = version.template_type;
  if (stored && stored !== 'TEMPLATE_TYPE_UNSET' && stored !== templateType) {
    throw new TemplateTypeMismatchError(bucket, version.fingerprint, stored, templateType, file);
  }
}

/**
 * Existing builds by component type, creating the missing ones (BUILD_UNSET,
 * with the run id and labels given; code 6 tolerated).
 */
export async function ensureBuilds(
  client: RegistryClient,
  bucket: string,
  fingerprint: string,
  components: readonly string[],
  create: { readonly runId?: string; readonly labels?: Readonly<Record<string, string>> } = {},
): Promise<Map<string, TrackedBuild>> {
  const list = async (createdNow: ReadonlySet<string>) => {
    const found = new Map<string, TrackedBuild>();
    for await (const build of client.paginate('listBuilds', bucket, fingerprint)) {
      found.set(build.component_type, {
        id: build.id,
        done: build.status === 'BUILD_DONE' || (build.artifacts?.length ?? 0) > 0,
        created: createdNow.has(build.component_type),
      });
    }
    return found;
  };
  const found = await list(new Set());
  const missing = components.filter((c) => !found.has(c));
  if (missing.length === 0) return found;
  const created = new Set<string>();
  await Promise.all(
    missing.map((component) =>
      client
        .createBuild(bucket, fingerprint, {
          component_type: component,
          status: 'BUILD_UNSET',
          ...(create.runId === undefined ? {} : { packer_run_uuid: create.runId }),
          ...(create.labels === undefined ? {} : { labels: { ...create.labels } }),
        })
        .then(
          () => created.add(component),
          (error: unknown) => {
            if (!isAlreadyExists(error)) throw error;
          },
        ),
    ),
  );
  return list(created);
}

/** Assigns the version to each channel when it is complete, creating missing channels. */
export async function assignChannels(
  client: RegistryClient,
  bucket: string,
  fingerprint: string,
  channels: readonly string[],
): Promise<{ complete: boolean; channels: string[] }> {
  const version = await client.getVersion(bucket, fingerprint);
  const complete = isVersionComplete(version);
  const assigned: string[] = [];
  if (!complete) return { complete, channels: assigned };
  for (const channel of channels) {
    await assignChannel(client, bucket, channel, fingerprint);
    assigned.push(channel);
  }
  return { complete, channels: assigned };
}

/** Points `channel` at the version, creating the channel when it does not exist. */
export async function assignChannel(
  client: RegistryClient,
  bucket: string,
  channel: string,
  fingerprint: string,
): Promise<void> {
  try {
    await client.updateChannel(bucket, channel, {
      version_fingerprint: fingerprint,
      update_mask: 'versionFingerprint',
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await client.createChannel(bucket, { name: channel, version_fingerprint: fingerprint });
  }
}
