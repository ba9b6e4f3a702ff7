import type {
  Artifact,
  Bucket,
  BucketAncestry,
  Build,
  Channel,
  ChannelAssignment,
  ChannelVersion,
  UpdateBuildBody,
  V2021Bucket,
  V2021BucketAncestry,
  V2021Build,
  V2021BuildStatus,
  V2021Channel,
  V2021ChannelAssignment,
  V2021ChannelIteration,
  V2021Image,
  V2021ImageInput,
  V2021Iteration,
  V2021IterationforList,
  V2021RevocationType,
  Version,
} from '@imprint/client';

/*
 * 2023-01-01 wire models → 2021-04-30 ones (docs/reference/registry-api.md,
 * "The 2021-04-30 API"). The services answer in 2023-01-01 terms; these
 * functions rename, never decide: completion, revocation and ancestry status
 * are the services' own. Fields Packer v1.9.4 dereferences (`build.status`,
 * `iteration.id`) are always set; `revoke_at` is sent only when set, never
 * as "" (which Go's strfmt reads as 1970, i.e. revoked).
 */

/** N of a version name `vN` (0 for an incomplete `v0`). */
export function incrementalVersion(name: string): number {
  const n = Number(name.slice(1));
  return Number.isSafeInteger(n) ? n : 0;
}

/** `BUILD_DONE` → `DONE`. */
function buildStatus(status: Build['status']): V2021BuildStatus {
  return status.slice('BUILD_'.length) as V2021BuildStatus;
}

function image(artifact: Artifact): V2021Image {
  return {
    id: artifact.id,
    image_id: artifact.external_identifier,
    region: artifact.region,
    created_at: artifact.created_at,
  };
}

export function toV2021Build(build: Build): V2021Build {
  return {
    id: build.id,
    iteration_id: build.version_id,
    component_type: build.component_type,
    packer_run_uuid: build.packer_run_uuid,
    cloud_provider: build.platform,
    status: buildStatus(build.status),
    labels: build.labels,
    images: build.artifacts.map(image),
    source_image_id: build.source_external_identifier,
    created_at: build.created_at,
    updated_at: build.updated_at,
  };
}

type IterationFields = Omit<V2021IterationforList, 'build_statuses'>;

function iterationFields(version: Version): IterationFields {
  const fields: IterationFields = {
    id: version.id,
    bucket_slug: version.bucket_name,
    fingerprint: version.fingerprint,
    incremental_version: incrementalVersion(version.name),
    complete: version.name !== 'v0',
    author_id: version.author_id,
    created_at: version.created_at,
    updated_at: version.updated_at,
  };
  if (version.revoke_at === undefined) return fields;
  fields.revoke_at = version.revoke_at;
  fields.revocation_message = version.revocation_message ?? '';
  fields.revocation_author = version.revocation_author ?? '';
  fields.revocation_type = (
    version.revocation_type === 'REVOCATION_TYPE_UNSET' || version.revocation_type === undefined
      ? 'UNSET'
      : version.revocation_type
  ) as V2021RevocationType;
  const from = version.revocation_inherited_from;
  if (from) {
    fields.revocation_inherited_from = {
      bucket_slug: from.bucket_name,
      href: from.href,
      iteration_id: from.version_id,
      iteration_fingerprint: from.version_fingerprint,
      iteration_incremental_version: incrementalVersion(from.version_name),
    };
  }
  return fields;
}

export function toV2021Iteration(version: Version): V2021Iteration {
  return {
    ...iterationFields(version),
    builds: version.builds.map(toV2021Build),
    has_descendants: version.has_descendants,
    template_type: version.template_type,
  };
}

export function toV2021IterationForList(version: Version): V2021IterationforList {
  return {
    ...iterationFields(version),
    build_statuses: Object.fromEntries(
      version.builds.map((build) => [build.component_type, buildStatus(build.status)]),
    ),
  };
}

export function toV2021Bucket(bucket: Bucket): V2021Bucket {
  const latest = bucket.latest_version;
  return {
    id: bucket.id,
    slug: bucket.name,
    description: bucket.description,
    labels: bucket.labels,
    location: bucket.location,
    created_at: bucket.created_at,
    updated_at: bucket.updated_at,
    latest_version: latest ? incrementalVersion(latest.name) : 0,
    ...(latest
      ? {
          latest_iteration: {
            ...iterationFields(latest),
            builds: latest.builds.map(toV2021Build),
          },
        }
      : {}),
    iteration_count: bucket.version_count,
    platforms: bucket.platforms,
    parents: bucket.parents,
    children: bucket.children,
  };
}

export function toV2021Channel(channel: Channel): V2021Channel {
  return {
    id: channel.id,
    slug: channel.name,
    bucket_slug: channel.bucket_name,
    author_id: channel.author_id,
    created_at: channel.created_at,
    updated_at: channel.updated_at,
    managed: channel.managed,
    restricted: channel.restricted,
    iteration: channel.version ? toV2021Iteration(channel.version) : null,
  };
}

function channelIteration(version: ChannelVersion | null): V2021ChannelIteration | null {
  return (
    version && {
      id: version.id,
      fingerprint: version.fingerprint,
      incremental_version: incrementalVersion(version.name),
    }
  );
}

export function toV2021ChannelAssignment(entry: ChannelAssignment): V2021ChannelAssignment {
  return {
    author_id: entry.author_id,
    promoted_at: entry.assigned_at,
    iteration: channelIteration(entry.version),
  };
}

export function toV2021Ancestry(relation: BucketAncestry): V2021BucketAncestry {
  const { parent, child } = relation;
  return {
    ...(parent
      ? {
          parent: {
            bucket_slug: parent.bucket_name,
            channel: parent.channel_name,
            channel_iteration: channelIteration(parent.channel_version),
            iteration_id: parent.version_id,
            iteration_fingerprint: parent.version_fingerprint,
            iteration_incremental_version: incrementalVersion(parent.version_name),
          },
        }
      : {}),
    ...(child
      ? {
          child: {
            bucket_slug: child.bucket_name,
            iteration_id: child.version_id,
            iteration_fingerprint: child.version_fingerprint,
            iteration_incremental_version: incrementalVersion(child.version_name),
          },
        }
      : {}),
    status: relation.status,
  };
}

/** BuildUpdates / CreateBuild's `build`, as the 2021-04-30 wire has them (schema-checked). */
export interface V2021BuildFields {
  cloud_provider?: string;
  images?: V2021ImageInput[];
  labels?: Record<string, string>;
  packer_run_uuid?: string;
  source_channel_id?: string;
  source_image_id?: string;
  source_iteration_id?: string;
  status?: V2021BuildStatus;
}

/**
 * 2021-04-30 build fields → 2023-01-01 UpdateBuild fields. Absent stays
 * absent (no update mask: absent = unchanged); an empty parent id is no
 * parent (protobuf's zero value); a region Go omitted is "".
 */
export function toBuildFields(fields: V2021BuildFields): UpdateBuildBody {
  const out: UpdateBuildBody = {};
  if (fields.status !== undefined) out.status = `BUILD_${fields.status}`;
  if (fields.cloud_provider !== undefined) out.platform = fields.cloud_provider;
  if (fields.packer_run_uuid !== undefined) out.packer_run_uuid = fields.packer_run_uuid;
  if (fields.labels !== undefined) out.labels = fields.labels;
  if (fields.source_image_id !== undefined) out.source_external_identifier = fields.source_image_id;
  if (fields.source_iteration_id) out.parent_version_id = fields.source_iteration_id;
  if (fields.source_channel_id) out.parent_channel_id = fields.source_channel_id;
  if (fields.images !== undefined) {
    out.artifacts = fields.images.map((item) => ({
      external_identifier: item.image_id,
      region: item.region ?? '',
    }));
  }
  return out;
}
