import type { Build, RegistryClient, Version } from '@imprint/client';
import type { ConfigProblem, DataSourceOutput } from '@imprint/sdk';
import { DataSourceFailedError } from '../errors';
import type { Template } from '../template/template';

/*
 * The registry's own data sources, built into the runner: they read a bucket
 * through the run's registry client. Each has one definition and answers to
 * Packer's type name too (`hcp-packer-version`, `hcp-packer-artifact`), whose
 * arguments and outputs are the same, so a Packer template's data blocks work
 * unchanged. This module only types the client: `imprint validate` loads it
 * without loading `@imprint/client`.
 */

/** What a built-in data source's execution gets besides its arguments. */
export interface BuiltinContext {
  readonly client: RegistryClient;
  readonly signal: AbortSignal;
  /** A warning for the person running the build (e.g. a scheduled revocation). */
  readonly warn: (message: string) => void;
  /** How the block is named in messages: `imprint-artifact data 'base'`. */
  readonly where: string;
}

/** One argument of a built-in data source (all are strings). */
export interface BuiltinArgument {
  readonly key: string;
  readonly required: boolean;
  readonly doc: string;
}

/** A data source built into the runner. */
export interface BuiltinDataSource {
  /** Type names it answers to: Imprint's first, then Packer's. */
  readonly names: readonly string[];
  readonly arguments: readonly BuiltinArgument[];
  readonly outputs: readonly DataSourceOutput[];
  /** Rules across arguments, beyond required/unknown/string. */
  crossCheck(args: Readonly<Record<string, string>>): ConfigProblem[];
  execute(
    args: Readonly<Record<string, string>>,
    ctx: BuiltinContext,
  ): Promise<Record<string, unknown>>;
}

const s = (name: string, description: string): DataSourceOutput => ({
  name,
  type: 'string',
  description,
});

/** The version a channel points at, or the one a fingerprint names; checked for revocation. */
async function readVersion(
  args: Readonly<Record<string, string>>,
  ctx: BuiltinContext,
): Promise<{ version: Version; channelId: string }> {
  const bucket = args.bucket_name;
  let version: Version;
  let channelId = '';
  if (args.channel_name !== undefined) {
    const channel = await ctx.client.getChannel(bucket, args.channel_name, { signal: ctx.signal });
    if (!channel.version) {
      throw new DataSourceFailedError(
        ctx.where,
        `channel '${args.channel_name}' of bucket '${bucket}' points at no version; assign one with: imprint channels assign ${bucket} ${args.channel_name} <fingerprint>`,
      );
    }
    version = channel.version;
    channelId = channel.id;
  } else {
    version = await ctx.client.getVersion(bucket, args.version_fingerprint, { signal: ctx.signal });
  }
  checkRevocation(version, bucket, ctx);
  return { version, channelId };
}

/** Packer's rule: a revoked version is an error naming it, its message and who revoked it; a scheduled one a warning. */
function checkRevocation(version: Version, bucket: string, ctx: BuiltinContext): void {
  const at = version.revoke_at ? Date.parse(version.revoke_at) : undefined;
  const named = `version ${version.name} (fingerprint ${version.fingerprint}) of bucket '${bucket}'`;
  if (version.status === 'VERSION_REVOKED' || (at !== undefined && at <= Date.now())) {
    const message = version.revocation_message ? `: ${version.revocation_message}` : '';
    const author = version.revocation_author ? ` (revoked by ${version.revocation_author})` : '';
    throw new DataSourceFailedError(
      ctx.where,
      `${named} is revoked${message}${author}; build from another version (point the channel elsewhere) or restore it`,
    );
  }
  if (at !== undefined) {
    ctx.warn(`${ctx.where}: ${named} is scheduled to be revoked at ${version.revoke_at}`);
  }
}

const versionSelection = (args: Readonly<Record<string, string>>): ConfigProblem[] =>
  (args.channel_name === undefined) === (args.version_fingerprint === undefined)
    ? [
        {
          path: 'channel_name',
          kind: 'invalid',
          message: 'set exactly one of channel_name and version_fingerprint',
        },
      ]
    : [];

/** `imprint-version` / `hcp-packer-version`: the version a channel points at. */
export const IMPRINT_VERSION: BuiltinDataSource = {
  names: ['imprint-version', 'hcp-packer-version'],
  arguments: [
    { key: 'bucket_name', required: true, doc: 'Bucket to read.' },
    { key: 'channel_name', required: true, doc: 'Channel whose version to read.' },
  ],
  outputs: [
    s('id', 'Id of the version.'),
    s('fingerprint', 'Fingerprint of the version.'),
    s('name', 'Name of the version (v1, v2, …).'),
    s('bucket_name', 'Bucket of the version.'),
    s('channel_id', 'Id of the channel read.'),
    s('status', 'Status of the version (VERSION_ACTIVE, …).'),
    s('author_id', 'Who created the version.'),
    s('created_at', 'When the version was created (RFC 3339).'),
    s('updated_at', 'When the version was last updated (RFC 3339).'),
    s('revoke_at', 'When the version is (to be) revoked, or an empty string.'),
  ],
  crossCheck: () => [],
  async execute(args, ctx) {
    const { version, channelId } = await readVersion(args, ctx);
    return {
      id: version.id,
      fingerprint: version.fingerprint,
      name: version.name,
      bucket_name: version.bucket_name,
      channel_id: channelId,
      status: version.status,
      author_id: version.author_id,
      created_at: version.created_at,
      updated_at: version.updated_at,
      revoke_at: version.revoke_at ?? '',
    };
  },
};

/** `imprint-artifact` / `hcp-packer-artifact`: one artifact of a version, by platform and region. */
export const IMPRINT_ARTIFACT: BuiltinDataSource = {
  names: ['imprint-artifact', 'hcp-packer-artifact'],
  arguments: [
    { key: 'bucket_name', required: true, doc: 'Bucket to read.' },
    { key: 'channel_name', required: false, doc: 'Channel whose version to read.' },
    { key: 'version_fingerprint', required: false, doc: 'Fingerprint of the version to read.' },
    { key: 'platform', required: true, doc: 'Platform of the artifact (e.g. aws).' },
    { key: 'region', required: true, doc: 'Region of the artifact.' },
    { key: 'component_type', required: false, doc: 'Build (component type) to take it from.' },
  ],
  outputs: [
    s('external_identifier', 'The artifact itself, e.g. an image id.'),
    s('region', 'Region of the artifact.'),
    s('platform', 'Platform of the artifact.'),
    s('component_type', 'Build (component type) that made it.'),
    s('version_id', 'Id of the version.'),
    s('version_fingerprint', 'Fingerprint of the version.'),
    s('channel_id', 'Id of the channel read, or an empty string when read by fingerprint.'),
    s('build_id', 'Id of the build that made it.'),
    { name: 'labels', type: 'map', description: 'Labels of that build.' },
    s('created_at', 'When the artifact was stored (RFC 3339).'),
  ],
  crossCheck: versionSelection,
  async execute(args, ctx) {
    const { version, channelId } = await readVersion(args, ctx);
    const candidates = (version.builds ?? []).filter(
      (b: Build) =>
        b.status === 'BUILD_DONE' &&
        b.platform === args.platform &&
        (args.component_type === undefined || b.component_type === args.component_type),
    );
    for (const build of candidates) {
      const artifact = build.artifacts.find((a) => a.region === args.region);
      if (artifact === undefined) continue;
      return {
        external_identifier: artifact.external_identifier,
        region: artifact.region,
        platform: build.platform,
        component_type: build.component_type,
        version_id: version.id,
        version_fingerprint: version.fingerprint,
        channel_id: channelId,
        build_id: build.id,
        labels: { ...build.labels },
        created_at: artifact.created_at,
      };
    }
    const held = (version.builds ?? []).flatMap((b) =>
      b.artifacts.map((a) => `${b.platform}/${a.region} (${b.component_type})`),
    );
    const wanted = `platform '${args.platform}', region '${args.region}'${args.component_type === undefined ? '' : `, component_type '${args.component_type}'`}`;
    throw new DataSourceFailedError(
      ctx.where,
      `version ${version.name} (fingerprint ${version.fingerprint}) of bucket '${args.bucket_name}' has no artifact for ${wanted}; it has: ${held.join(', ') || 'none'}`,
    );
  },
};

/** Every built-in data source by each of its type names. */
export const BUILTIN_DATA_SOURCES: ReadonlyMap<string, BuiltinDataSource> = new Map(
  [IMPRINT_VERSION, IMPRINT_ARTIFACT].flatMap((d) => d.names.map((n) => [n, d] as const)),
);

/** Type names of the data sources built into the runner: Imprint's and Packer's. */
export const BUILTIN_DATA_SOURCE_NAMES: readonly string[] = [...BUILTIN_DATA_SOURCES.keys()];

/**
 * The data blocks of a template that read the registry (built-in types), e.g.
 * `['imprint-artifact.base']`: a run needs a registry client for them, even
 * without a `registry` block.
 */
export function registryDataBlocks(template: Pick<Template, 'data'>): string[] {
  return [...template.data.values()]
    .filter((d) => BUILTIN_DATA_SOURCES.has(d.type))
    .map((d) => d.key);
}

/** Whether a data block type's artifact can declare its builds' parent (`parent_version_id`). */
export function declaresParent(type: string): boolean {
  return BUILTIN_DATA_SOURCES.get(type) === IMPRINT_ARTIFACT;
}

/**
 * The arguments of a built-in block, checked like a plugin's configuration:
 * unknown, missing and non-string arguments, then cross-argument rules.
 */
export function builtinArguments(
  source: BuiltinDataSource,
  config: Readonly<Record<string, unknown>>,
): { args: Record<string, string>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const args: Record<string, string> = {};
  const known = source.arguments.map((a) => a.key);
  for (const [key, value] of Object.entries(config)) {
    if (!known.includes(key)) {
      problems.push({
        path: key,
        kind: 'unknown',
        message: `known arguments: ${known.join(', ')}`,
      });
    } else if (typeof value !== 'string' || value === '') {
      problems.push({
        path: key,
        kind: 'invalid',
        message: `must be a non-empty string, got ${JSON.stringify(value)}`,
      });
    } else {
      args[key] = value;
    }
  }
  for (const a of source.arguments) {
    if (a.required && !Object.hasOwn(config, a.key)) {
      problems.push({ path: a.key, kind: 'missing', message: a.doc });
    }
  }
  if (problems.length === 0) problems.push(...source.crossCheck(args));
  return { args, problems };
}
