import type { BuildMetadata, RegistryClientOptions } from '@imprint/client';
import { RegistryClient } from '@imprint/client';
import { RegistryNotConfiguredError, RunOptionsError } from '../errors';
import type { Emit } from '../run/events';
import { ciMetadata, gitCommit } from '../run/metadata';
import type { Template } from '../template/template';
import type { PreparedTemplate } from '../template/validate-template';
import { RUNNER_VERSION } from '../version';
import { ClientRegistry } from './client-registry';
import { NullRegistry } from './null-registry';
import type { DeclaredParent, RegistryPort } from './registry-port';

type Env = Readonly<Record<string, string | undefined>>;

/** Where a run publishes: `'off'`, a client, or client options (`RunBuildOptions.registry`). */
export type RegistryOption = 'off' | RegistryClient | RegistryClientOptions;

/** What a run's registry needs besides the template. */
export interface RunRegistryOptions {
  /** The run's client ({@link registryClient}); `undefined` when publishing is off. */
  readonly client: RegistryClient | undefined;
  /** Parents read by artifact data blocks, by `external_identifier`. */
  readonly parents: ReadonlyMap<string, DeclaredParent>;
  readonly env: Env;
  readonly fingerprint: string;
  readonly runId: string;
  readonly heartbeatMs: number;
  readonly emit: Emit;
}

/**
 * The registry of a run: a {@link ClientRegistry} when the template has a
 * `registry` block and publishing is configured, a {@link NullRegistry} when
 * it is off.
 *
 * @throws {@link RegistryNotConfiguredError} when the template publishes but nothing says where.
 */
export async function runRegistry(
  prepared: PreparedTemplate,
  options: RunRegistryOptions,
): Promise<RegistryPort> {
  const { template } = prepared;
  const { client } = options;
  if (client === undefined || template.registry === undefined) return new NullRegistry();
  const block = template.registry;
  const { metadata, gitSha } = await buildMetadata(prepared, options.env, options.runId);
  return new ClientRegistry(client, {
    target: {
      bucket: block.bucketName,
      ...(block.description === undefined ? {} : { description: block.description }),
      bucketLabels: block.bucketLabels,
      fingerprint: options.fingerprint,
      templateType: template.templateType,
      file: template.file,
    },
    components: prepared.builds.map((b) => b.name),
    channels: block.channels,
    runId: options.runId,
    heartbeatMs: options.heartbeatMs,
    emit: options.emit,
    metadata,
    buildLabels: {
      ...(gitSha === undefined ? {} : { git_sha: gitSha }),
      ...block.buildLabels,
    },
    parents: options.parents,
  });
}

/**
 * The client of a run, used to publish (`registry` block) and by the registry
 * data blocks (`dataBlocks`, e.g. `imprint-artifact.base`): `undefined` when
 * neither needs one or publishing is off.
 *
 * @throws {@link RunOptionsError} when the registry is off but data blocks read it;
 *   {@link RegistryNotConfiguredError} when it is needed and nothing says where.
 */
export function registryClient(
  template: Template,
  option: RegistryOption | undefined,
  env: Env,
  dataBlocks: readonly string[],
): RegistryClient | undefined {
  const off = option === 'off' || (option === undefined && isOff(env));
  if (off && dataBlocks.length > 0) {
    throw new RunOptionsError(
      'registry',
      `the registry is off, but ${template.file} reads it through ${dataBlocks.map((b) => `data.${b}`).join(', ')}; give a registry (a client, client options or IMPRINT_REGISTRY_URL) or remove those data blocks`,
    );
  }
  if ((template.registry === undefined && dataBlocks.length === 0) || off) return undefined;
  if (option instanceof RegistryClient) return option;
  if (
    option !== undefined &&
    typeof (option as { upsertBucket?: unknown }).upsertBucket === 'function'
  ) {
    return option as unknown as RegistryClient;
  }
  if (option !== undefined) return new RegistryClient(option as RegistryClientOptions);
  if (env.IMPRINT_REGISTRY_URL) {
    return new RegistryClient({
      baseUrl: env.IMPRINT_REGISTRY_URL,
      ...(env.IMPRINT_CLIENT_ID ? { clientId: env.IMPRINT_CLIENT_ID } : {}),
      ...(env.IMPRINT_CLIENT_SECRET ? { clientSecret: env.IMPRINT_CLIENT_SECRET } : {}),
    });
  }
  throw new RegistryNotConfiguredError(
    template.file,
    template.registry === undefined ? dataBlocks : [],
  );
}

function isOff(env: Env): boolean {
  return env.IMPRINT_REGISTRY === 'off' || env.IMPRINT_REGISTRY === '0';
}

/** What Packer gathers once per run: runner, plugins and run id; git commit; CI system. */
async function buildMetadata(
  prepared: PreparedTemplate,
  env: Env,
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
