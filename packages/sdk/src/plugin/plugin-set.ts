import { closest, distance } from 'fastest-levenshtein';
import { InvalidArgumentError } from '../errors/sdk.errors';
import { PluginRegistrationError, UnknownComponentError } from '../errors/plugin.errors';
import { PLUGIN_API_VERSION, SDK_VERSION } from '../version';
import type { ComponentLocation } from './build-context';
import { describeLocation } from './build-context';
import type { Builder, BuilderClass } from './builder';
import type { ConfigClass } from './config/config-class';
import type { ConfigSchema } from './config/config-schema.builder';
import { compileConfigSchema } from './config/config-schema.builder';
import { parseConfig } from './config/parse-config';
import type {
  DataSource,
  DataSourceClass,
  DataSourceContext,
  DataSourceOutput,
} from './data-source';
import { freezeOutputs, outputDeclarationProblems, executeAndCheck } from './data-source-outputs';
import type { PostProcessor, PostProcessorClass } from './post-processor';

/** Identity of a plugin package. */
export interface PluginInfo {
  /** Package name, e.g. `@imprint/example-aws-like`. */
  readonly name: string;
  /** Package version. */
  readonly version: string;
}

/** One configuration field as `describe()` reports it. */
export interface ConfigFieldDescription {
  /** Template key. */
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly doc: string;
  readonly default?: unknown;
  /** Fields of a nested block. */
  readonly fields?: readonly ConfigFieldDescription[];
}

/** One builder or post-processor as `describe()` reports it. */
export interface ComponentDescription {
  readonly name: string;
  readonly fields: readonly ConfigFieldDescription[];
}

/** One data source as `describe()` reports it: its configuration fields and its outputs. */
export interface DataSourceDescription extends ComponentDescription {
  readonly outputs: readonly DataSourceOutput[];
}

/** Where a data source is configured, as `executeDataSource` takes it: `component` is its registered name. */
export type DataSourceLocation = Omit<ComponentLocation, 'kind'> & { readonly kind?: 'data' };

/** What a plugin offers: the output of `PluginSet.describe()`. */
export interface PluginDescription {
  readonly name: string;
  readonly version: string;
  readonly sdkVersion: string;
  readonly apiVersion: number;
  readonly builders: readonly ComponentDescription[];
  readonly postProcessors: readonly ComponentDescription[];
  readonly dataSources: readonly DataSourceDescription[];
}

/** A prepared component and its validated configuration. */
export interface Prepared<T, C extends object = object> {
  readonly component: T;
  readonly config: C;
  readonly warnings: readonly string[];
}

const COMPONENT_NAME = /^[a-z0-9][a-z0-9._-]*$/;

type ComponentKind = 'builder' | 'post-processor' | 'data source';

/** What each kind's class must implement. */
const CONTRACT_METHODS: Readonly<Record<ComponentKind, readonly string[]>> = {
  builder: ['prepare', 'run'],
  'post-processor': ['prepare', 'postProcess'],
  'data source': ['prepare', 'execute'],
};

/**
 * The builders, post-processors and data sources one plugin package offers. A plugin
 * package's main export is its `PluginSet` (`module.exports = plugin` or
 * `export default plugin`); the runner finds it with `loadPlugin`.
 *
 * @example
 * ```ts
 * const plugin = new PluginSet({ name: '@acme/imprint-plugin-tar', version: '1.0.0' })
 *   .registerBuilder('tar', TarBuilder)
 *   .registerPostProcessor('tar-compress', CompressPostProcessor)
 *   .registerDataSource('tar-latest', LatestTarDataSource);
 * export default plugin;
 * ```
 */
export class PluginSet {
  /** The plugin API this set speaks; the loader refuses other versions. */
  readonly apiVersion = PLUGIN_API_VERSION;
  /** The SDK version the set was built with. */
  readonly sdkVersion = SDK_VERSION;
  private readonly builders = new Map<string, BuilderClass>();
  private readonly postProcessors = new Map<string, PostProcessorClass>();
  private readonly dataSources = new Map<string, DataSourceClass>();
  /** Each data source's outputs, as checked at registration. */
  private readonly outputs = new Map<string, readonly DataSourceOutput[]>();

  constructor(readonly info: PluginInfo) {
    if (typeof info?.name !== 'string' || info.name === '') {
      throw new InvalidArgumentError('PluginSet name', 'the plugin package name', info?.name);
    }
    if (typeof info.version !== 'string' || info.version === '') {
      throw new InvalidArgumentError(
        'PluginSet version',
        'the plugin package version',
        info.version,
      );
    }
  }

  /**
   * Registers a builder class under `name` (the template's source type).
   * @throws {@link PluginRegistrationError} for empty or duplicate names, classes
   *   that do not implement {@link Builder}, and inconsistent config classes.
   */
  registerBuilder<C extends object>(name: string, builder: BuilderClass<C>): this {
    this.register('builder', name, builder, this.builders);
    return this;
  }

  /**
   * Registers a post-processor class under `name`.
   * @throws {@link PluginRegistrationError} as {@link PluginSet.registerBuilder} does.
   */
  registerPostProcessor<C extends object>(
    name: string,
    postProcessor: PostProcessorClass<C>,
  ): this {
    this.register('post-processor', name, postProcessor, this.postProcessors);
    return this;
  }

  /**
   * Registers a data source class under `name` (the template's data type:
   * `data "<name>" "<label>" { … }`).
   * @throws {@link PluginRegistrationError} as {@link PluginSet.registerBuilder}
   *   does, and for a missing or invalid static `outputs` list.
   */
  registerDataSource<C extends object>(name: string, dataSource: DataSourceClass<C>): this {
    this.register('data source', name, dataSource, this.dataSources);
    return this;
  }

  /** Names of the registered builders, in registration order. */
  builderNames(): string[] {
    return [...this.builders.keys()];
  }

  /** Names of the registered post-processors, in registration order. */
  postProcessorNames(): string[] {
    return [...this.postProcessors.keys()];
  }

  /** Names of the registered data sources, in registration order. */
  dataSourceNames(): string[] {
    return [...this.dataSources.keys()];
  }

  /** Everything the plugin offers, with each component's configuration fields (and data sources' outputs). */
  describe(): PluginDescription {
    const components = (map: Map<string, { configClass: ConfigClass }>): ComponentDescription[] =>
      [...map].map(([name, cls]) => ({
        name,
        fields: describeFields(compileConfigSchema(cls.configClass)),
      }));
    return {
      name: this.info.name,
      version: this.info.version,
      sdkVersion: this.sdkVersion,
      apiVersion: this.apiVersion,
      builders: components(this.builders),
      postProcessors: components(this.postProcessors),
      dataSources: components(this.dataSources).map((c) => ({
        ...c,
        outputs: this.outputs.get(c.name)!.map((o) => ({ ...o })),
      })),
    };
  }

  /**
   * Creates the builder registered as `name`, converts and validates its raw
   * configuration, and prepares it.
   * @throws {@link UnknownComponentError} when there is no such builder.
   * @throws {@link ConfigError} for invalid configuration.
   */
  async createBuilder(
    name: string,
    rawConfig: unknown,
    location: Omit<ComponentLocation, 'kind' | 'component'> = {},
  ): Promise<Prepared<Builder>> {
    const cls = this.lookup('builder', name, this.builders);
    return prepare(new cls(), cls.configClass, rawConfig, {
      ...location,
      kind: 'source',
      component: name,
    });
  }

  /** Like {@link PluginSet.createBuilder}, for post-processors. */
  async createPostProcessor(
    name: string,
    rawConfig: unknown,
    location: Omit<ComponentLocation, 'kind' | 'component'> = {},
  ): Promise<Prepared<PostProcessor>> {
    const cls = this.lookup('post-processor', name, this.postProcessors);
    return prepare(new cls(), cls.configClass, rawConfig, {
      ...location,
      kind: 'post-processor',
      component: name,
    });
  }

  /**
   * Creates the data source registered as `name`, converts and validates its
   * raw configuration, and prepares it; run it with {@link PluginSet.executeDataSource}.
   * @throws {@link UnknownComponentError} when there is no such data source.
   * @throws {@link ConfigError} for invalid configuration.
   */
  async createDataSource(
    name: string,
    rawConfig: unknown,
    location: Omit<ComponentLocation, 'kind' | 'component'> = {},
  ): Promise<Prepared<DataSource>> {
    const cls = this.lookup('data source', name, this.dataSources);
    return prepare(new cls(), cls.configClass, rawConfig, {
      ...location,
      kind: 'data',
      component: name,
    });
  }

  /**
   * Runs a prepared data source and checks the result against the outputs
   * declared by the class registered as `location.component`: every output
   * present with its type, nothing undeclared. Returns a copy holding exactly
   * the declared outputs.
   * @throws {@link UnknownComponentError} when there is no such data source.
   * @throws {@link DataSourceOutputError} when the result does not match.
   * @throws whatever the data source's `execute()` throws.
   */
  async executeDataSource(
    dataSource: DataSource,
    context: DataSourceContext,
    location: DataSourceLocation,
  ): Promise<Record<string, unknown>> {
    const outputs = this.lookup('data source', location.component, this.outputs);
    return executeAndCheck(dataSource, outputs, context, { ...location, kind: 'data' });
  }

  private lookup<T>(kind: ComponentKind, name: string, map: Map<string, T>): T {
    const found = map.get(name);
    if (found !== undefined) return found;
    const names = [...map.keys()];
    const near = names.length > 0 ? closest(name, names) : undefined;
    const suggestion =
      near !== undefined && distance(name, near) <= Math.max(2, Math.floor(name.length / 3))
        ? near
        : undefined;
    throw new UnknownComponentError(this.info.name, kind, name, names, suggestion);
  }

  private register(
    kind: ComponentKind,
    name: unknown,
    cls: unknown,
    into: Map<string, unknown>,
  ): void {
    const shownName = typeof name === 'string' ? name : String(name);
    const fail = (problem: string, cause?: unknown): never => {
      throw new PluginRegistrationError(
        this.info.name,
        shownName,
        problem,
        cause === undefined ? undefined : { cause },
      );
    };
    if (typeof name !== 'string' || name === '') fail(`a ${kind} needs a non-empty name`);
    if (!COMPONENT_NAME.test(shownName)) {
      fail(
        `${kind} names use lower-case letters, digits, '.', '_' and '-' (e.g. 'aws-like'), got '${shownName}'`,
      );
    }
    const taken = this.kindOf(shownName);
    if (taken !== undefined) {
      fail(`the name is already registered as a ${taken}; names are unique within a plugin`);
    }
    if (
      typeof cls !== 'function' ||
      typeof (cls as { prototype?: unknown }).prototype !== 'object'
    ) {
      fail(`expected a ${kind} class, got ${typeof cls}`);
    }
    const ctor = cls as {
      name: string;
      prototype: Record<string, unknown>;
      configClass?: unknown;
      outputs?: unknown;
    };
    const missing = CONTRACT_METHODS[kind].filter((m) => typeof ctor.prototype[m] !== 'function');
    if (missing.length > 0) {
      fail(
        `${ctor.name || 'the class'} does not implement the ${kind} contract: missing method${missing.length > 1 ? 's' : ''} ${missing.map((m) => `${m}()`).join(', ')}`,
      );
    }
    if (typeof ctor.configClass !== 'function') {
      fail(
        `${ctor.name || 'the class'} has no static configClass; declare \`static readonly configClass = MyConfig\` (a class with @Field members)`,
      );
    }
    try {
      compileConfigSchema(ctor.configClass as ConfigClass);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error), error);
    }
    if (kind === 'data source') {
      const problems = outputDeclarationProblems(ctor.outputs);
      if (problems.length > 0) {
        fail(
          `${ctor.name || 'the class'} declares invalid outputs (declare \`static readonly outputs: readonly DataSourceOutput[] = [{ name, type, description }]\`):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
        );
      }
      // A frozen copy: later changes to the class's array cannot change what was checked.
      this.outputs.set(shownName, freezeOutputs(ctor.outputs as readonly DataSourceOutput[]));
    }
    into.set(shownName, cls);
  }

  private kindOf(name: string): ComponentKind | undefined {
    if (this.builders.has(name)) return 'builder';
    if (this.postProcessors.has(name)) return 'post-processor';
    if (this.dataSources.has(name)) return 'data source';
    return undefined;
  }
}

async function prepare<T extends { prepare(config: object, location: ComponentLocation): unknown }>(
  component: T,
  configClass: ConfigClass,
  rawConfig: unknown,
  location: ComponentLocation,
): Promise<Prepared<T>> {
  const config = parseConfig(configClass, rawConfig, location);
  const warnings = await component.prepare(config, location);
  if (
    warnings !== undefined &&
    !(Array.isArray(warnings) && warnings.every((w) => typeof w === 'string'))
  ) {
    throw new InvalidArgumentError(
      `${describeLocation(location)}: prepare() result`,
      'nothing or a list of warning strings',
      warnings,
    );
  }
  return { component, config, warnings: (warnings as string[] | undefined) ?? [] };
}

function describeFields(schema: ConfigSchema): ConfigFieldDescription[] {
  return schema.fields.map((f) => ({
    name: f.key,
    type: f.type,
    required: f.required,
    doc: f.doc,
    ...(f.defaultValue === undefined ? {} : { default: f.defaultValue }),
    ...(f.nested ? { fields: describeFields(f.nested.schema) } : {}),
  }));
}

/** True for a `PluginSet` from any copy of the SDK. */
export function isPluginSet(value: unknown): value is PluginSet {
  if (value instanceof PluginSet) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.describe === 'function' &&
    typeof candidate.createBuilder === 'function' &&
    typeof candidate.createPostProcessor === 'function' &&
    'apiVersion' in candidate
  );
}
