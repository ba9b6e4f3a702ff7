import type {
  BuildContext,
  Builder,
  DataSource,
  PackerArtifact,
  PluginSet,
  PostProcessResult,
  PostProcessor,
  Ui,
} from '@imprint/sdk';
import { BadRequestError } from '../errors';
import type { BuildInfo } from '../protocol/messages';
import type { HostArgs } from './args';
import { WorkDir } from './work-dir';

/**
 * The host's one component, prepared from a `prepare` request: the plugin's
 * own `createBuilder`/`createPostProcessor`/`createDataSource`, so its
 * configuration errors come back in its own words.
 */
export class PreparedComponent {
  private constructor(
    private readonly args: HostArgs,
    private readonly component: Builder | PostProcessor | DataSource,
    readonly warnings: readonly string[],
    private readonly plugin: PluginSet,
    private readonly build: BuildInfo | undefined,
    readonly workDir: WorkDir | undefined,
  ) {}

  static async create(
    plugin: PluginSet,
    args: HostArgs,
    config: Record<string, unknown>,
    build: BuildInfo | undefined,
    cwd: string,
  ): Promise<PreparedComponent> {
    // Packer gives data sources no packer_build_name: the bridge then sends an empty name.
    const named = build !== undefined && build.name !== '' ? build : undefined;
    const location = named === undefined ? {} : { name: named.name };
    const workDir = named === undefined ? undefined : new WorkDir(cwd, named.name);
    if (args.kind === 'builder') {
      const raw = withoutUndeclaredCommunicator(plugin, args.component, config);
      workDir?.check(build?.force === true);
      const { component, warnings } = await plugin.createBuilder(args.component, raw, location);
      return new PreparedComponent(args, component, warnings, plugin, build, workDir);
    }
    if (args.kind === 'post-processor') {
      const { component, warnings } = await plugin.createPostProcessor(
        args.component,
        config,
        location,
      );
      return new PreparedComponent(args, component, warnings, plugin, build, workDir);
    }
    const { component, warnings } = await plugin.createDataSource(args.component, config, location);
    return new PreparedComponent(args, component, warnings, plugin, build, undefined);
  }

  async run(ui: Ui, signal: AbortSignal): Promise<PackerArtifact> {
    const builder = this.as<Builder>('builder', 'run');
    const workDir = this.dir().forBuilder(this.build?.force === true);
    try {
      return await builder.run(this.context(ui, signal, workDir));
    } finally {
      this.workDir?.removeIfEmpty();
    }
  }

  async postProcess(
    ui: Ui,
    signal: AbortSignal,
    input: PackerArtifact,
  ): Promise<PostProcessResult> {
    const postProcessor = this.as<PostProcessor>('post-processor', 'postProcess');
    const workDir = this.dir().forPostProcessor();
    try {
      return await postProcessor.postProcess(this.context(ui, signal, workDir), input);
    } finally {
      this.workDir?.removeIfEmpty();
    }
  }

  async execute(ui: Ui, signal: AbortSignal): Promise<Record<string, unknown>> {
    const dataSource = this.as<DataSource>('data-source', 'execute');
    return this.plugin.executeDataSource(
      dataSource,
      { ui, signal },
      { component: this.args.component, ...(this.build?.name ? { name: this.build.name } : {}) },
    );
  }

  private as<T>(kind: HostArgs['kind'], op: string): T {
    if (this.args.kind !== kind) {
      throw new BadRequestError(
        `${op} is for a ${kind}; this host runs the ${this.args.kind} '${this.args.component}'`,
      );
    }
    return this.component as T;
  }

  private dir(): WorkDir {
    if (this.workDir === undefined) {
      throw new BadRequestError(
        'prepare had no "build" (packer_build_name): there is no work directory',
      );
    }
    return this.workDir;
  }

  private context(ui: Ui, signal: AbortSignal, workDir: string): BuildContext {
    return { ui, signal, workDir, buildName: `${this.build!.type}.${this.build!.name}` };
  }
}

/**
 * The manifest gives every builder a `communicator` attribute (Packer templates
 * set `communicator = "none"` on builders that need no SSH); a builder that does
 * not declare the field must not see it as an unknown key.
 */
function withoutUndeclaredCommunicator(
  plugin: PluginSet,
  builder: string,
  config: Record<string, unknown>,
): Record<string, unknown> {
  if (!Object.hasOwn(config, 'communicator')) return config;
  const described = plugin.describe().builders.find((b) => b.name === builder);
  if (described === undefined || described.fields.some((f) => f.name === 'communicator')) {
    return config;
  }
  const { communicator: _ignored, ...rest } = config;
  return rest;
}
