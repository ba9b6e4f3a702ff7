import type { RegistryClient, Version } from '@imprint/client';
import { isAlreadyExists, isNotFound, isVersionComplete } from '@imprint/client';
import { TemplateTypeMismatchError, VersionCompleteError } from '../errors';
import type { Emit } from '../run/events';

/** One version of one bucket, as a run (or a spool file) names it. */
export interface VersionTarget {
  readonly bucket: string;
  readonly description?: string;
  readonly bucketLabels: Readonly<Record<string, string>>;
  readonly fingerprint: string;
  readonly templateType: 'JSON' | 'HCL2';
  /** The file a template-type error names: the template, or the spool file. */
  readonly file: string;
}

/** Which builds {@link openVersion} makes sure of, and how. */
export interface OpenBuildsOptions {
  /** Component types (build names). */
  readonly components: readonly string[];
  /** `packer_run_uuid` of builds created now (and, in `run` mode, of adopted ones). */
  readonly runId?: string;
  /** Labels of builds created now (and, in `run` mode, merged into adopted ones). */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * `run` (a live build): a complete version is refused, and builds of an
   * earlier run that are not done are adopted (this run's id and labels).
   * `replay` (`imprint push`): a complete version is fine, its builds are done.
   */
  readonly mode: 'run' | 'replay';
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
 * Packer's start of a version, the one sequence both a run and `pushSpool`
 * use: upsert the bucket → ensure the version → check its template type (then
 * its completeness, in `run` mode) → create or reuse one build per component.
 * Returns the builds by component type.
 *
 * @throws {@link TemplateTypeMismatchError}, {@link VersionCompleteError}; client errors as they come.
 */
export async function openVersion(
  client: RegistryClient,
  target: VersionTarget,
  builds: OpenBuildsOptions,
): Promise<Map<string, TrackedBuild>> {
  const { bucket, fingerprint, templateType } = target;
  await client.upsertBucket(bucket, {
    ...(target.description === undefined ? {} : { description: target.description }),
    labels: { ...target.bucketLabels },
  });
  const version = await client.ensureVersion(bucket, fingerprint, templateType);
  // Packer's order: the template type first, then completeness.
  checkTemplateType(version, templateType, bucket, target.file);
  if (builds.mode === 'run' && isVersionComplete(version)) {
    throw new VersionCompleteError(bucket, fingerprint, version.name);
  }
  const found = await ensureBuilds(client, bucket, fingerprint, builds.components, {
    ...(builds.runId === undefined ? {} : { runId: builds.runId }),
    ...(builds.labels === undefined ? {} : { labels: builds.labels }),
  });
  if (builds.mode === 'run') {
    // Builds of a previous run that are not done yet get this run's labels
    // merged (the registry merges label maps) and this run's id, as Packer.
    const expected = new Set(builds.components);
    await Promise.all(
      [...found]
        .filter(([name, b]) => expected.has(name) && !b.done && !b.created)
        .map(([, b]) =>
          client.updateBuild(bucket, fingerprint, b.id, {
            ...(builds.runId === undefined ? {} : { packer_run_uuid: builds.runId }),
            labels: { ...builds.labels },
          }),
        ),
    );
  }
  return found;
}

/**
 * Refuses a version created from a template of another type (Packer's
 * rule); `TEMPLATE_TYPE_UNSET` (a version made by another client) is accepted.
 */
function checkTemplateType(
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
async function ensureBuilds(
  client: RegistryClient,
  bucket: string,
  fingerprint: string,
  components: readonly string[],
  create: { readonly runId?: string; readonly labels?: Readonly<Record<string, string>> },
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

/**
 * The one channel policy, of a run and of `pushSpool`: once the version is
 * complete (`vN`), point each channel at it, creating missing channels. A
 * channel that cannot be assigned is a warning naming the command that
 * assigns it by hand; the other channels are still assigned, and nothing
 * throws: a build stored as done stays done.
 */
export async function assignChannels(
  client: RegistryClient,
  version: Pick<Version, 'name'>,
  target: { readonly bucket: string; readonly fingerprint: string },
  channels: readonly string[],
  emit: Emit,
): Promise<{ complete: boolean; channels: string[] }> {
  const complete = isVersionComplete(version);
  const assigned: string[] = [];
  if (!complete) return { complete, channels: assigned };
  const { bucket, fingerprint: fp } = target;
  for (const channel of channels) {
    try {
      await assignChannel(client, bucket, channel, fp);
      assigned.push(channel);
    } catch (error) {
      emit(
        'warning',
        `assigning channel '${channel}' of bucket '${bucket}' to version ${fp} failed: ${(error as Error).message}; assign it with: imprint channels assign ${bucket} ${channel} ${fp}`,
      );
    }
  }
  if (assigned.length > 0) {
    emit('info', `version ${fp} is complete; assigned it to channel(s) ${assigned.join(', ')}`);
  }
  return { complete, channels: assigned };
}

/** Points `channel` at the version, creating the channel when it does not exist. */
async function assignChannel(
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
