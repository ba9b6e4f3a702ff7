import { readFile } from 'node:fs/promises';
import type { BuildStatus, RegistryClient, UpdateBuildBody } from '@imprint/client';
import { isAlreadyExists, isNotFound, isVersionComplete } from '@imprint/client';
import { SpoolInvalidError } from '../errors';

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
  readonly templateType: 'JSON';
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
  await client.ensureVersion(spool.bucket.name, spool.fingerprint, spool.templateType);
  const ids = await ensureBuilds(
    client,
    spool.bucket.name,
    spool.fingerprint,
    spool.builds.map((b) => b.componentType),
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

/** Existing builds by component type, creating the missing ones (BUILD_UNSET; code 6 tolerated). */
export async function ensureBuilds(
  client: RegistryClient,
  bucket: string,
  fingerprint: string,
  components: readonly string[],
): Promise<Map<string, { id: string; done: boolean }>> {
  const list = async () => {
    const found = new Map<string, { id: string; done: boolean }>();
    for await (const build of client.paginate('listBuilds', bucket, fingerprint)) {
      found.set(build.component_type, {
        id: build.id,
        done: build.status === 'BUILD_DONE' || (build.artifacts?.length ?? 0) > 0,
      });
    }
    return found;
  };
  const found = await list();
  const missing = components.filter((c) => !found.has(c));
  if (missing.length === 0) return found;
  await Promise.all(
    missing.map((component) =>
      client
        .createBuild(bucket, fingerprint, { component_type: component, status: 'BUILD_UNSET' })
        .catch((error: unknown) => {
          if (!isAlreadyExists(error)) throw error;
        }),
    ),
  );
  return list();
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
    try {
      await client.updateChannel(bucket, channel, {
        version_fingerprint: fingerprint,
        update_mask: 'versionFingerprint',
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await client.createChannel(bucket, { name: channel, version_fingerprint: fingerprint });
    }
    assigned.push(channel);
  }
  return { complete, channels: assigned };
}
