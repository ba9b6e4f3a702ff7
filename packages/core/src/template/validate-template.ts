import type { Builder, PluginInfo, PluginSet, PostProcessor } from '@imprint/sdk';
import { loadPlugin } from '@imprint/sdk';
import type { PlannedData } from '../data/data-plan';
import { checkBuiltinArguments, mockValues, planData, withDataValues } from '../data/data-plan';
import { dataValuedPaths, withoutDataValuedProblems } from '../data/unknown-values';
import { TemplateConfigError } from '../errors';
import type { SourceDefinition, Template } from './template';

/** One build to run: a source of a build block, prepared with its post-processor chains. */
export interface PlannedBuild {
  /** Build name (`<type>.<name>`, or `<build>.<type>.<name>` when a source is in several blocks); also the registry component type. */
  readonly name: string;
  readonly source: SourceDefinition;
  readonly builder: Builder;
  readonly postProcessors: readonly (readonly {
    readonly type: string;
    readonly component: PostProcessor;
  }[])[];
  /** Warnings the components returned from `prepare()`. */
  readonly warnings: readonly string[];
}

/** A template whose every component is prepared: ready to run. */
export interface PreparedTemplate {
  readonly template: Template;
  readonly builds: readonly PlannedBuild[];
  /** The data blocks, in dependency order, with their data sources (executed by the run, not here). */
  readonly data: readonly PlannedData[];
  /** The plugins used, for the build metadata. */
  readonly plugins: readonly PluginInfo[];
  /**
   * Builds whose components could not be fully checked yet because a field's
   * value comes from a data block (checked again once the data is read).
   */
  readonly deferred: readonly string[];
}

/** Options of {@link validateTemplate}. */
export interface ValidateOptions {
  /** Directory plugins are resolved from (default: the template's directory). */
  readonly pluginDir?: string;
}

/**
 * Loads every plugin the template needs and prepares every builder and
 * post-processor, so that all configuration problems are reported at once,
 * before anything runs. Data blocks are checked (type, arguments, every
 * reference's output and type) but not executed: components are prepared
 * with stand-in outputs, so validation never contacts the registry.
 *
 * @throws {@link TemplateConfigError} listing each failing component (the SDK's
 *   `ConfigError`, `UnknownComponentError`, `PluginNotFoundError` with the `npm install` to run…).
 */
export async function validateTemplate(
  template: Template,
  options: ValidateOptions = {},
): Promise<PreparedTemplate> {
  const fromDir = options.pluginDir ?? template.dir;
  const problems: Error[] = [];
  const plugins = new Map<string, Promise<PluginSet>>();
  const pluginFor = (type: string): Promise<PluginSet> => {
    const pkg = template.requiredPlugins[type];
    let loading = plugins.get(pkg);
    if (loading === undefined) {
      loading = loadPlugin(pkg, fromDir);
      plugins.set(pkg, loading);
    }
    return loading;
  };
  const reported = new Set<Error>();
  const fail = (error: unknown): undefined => {
    const e = error instanceof Error ? error : new Error(String(error));
    if (!reported.has(e)) {
      reported.add(e);
      problems.push(e);
    }
    return undefined;
  };

  // A problem on a field fed by a data block waits for the block's real output.
  const deferred = new Set<string>();
  const failOrDefer =
    (build: string | undefined, rawConfig: unknown) =>
    (error: unknown): undefined => {
      const left = withoutDataValuedProblems(error, dataValuedPaths(rawConfig));
      if (left !== undefined) fail(left);
      else if (build !== undefined) deferred.add(build);
      return undefined;
    };

  const data = await planData(template, pluginFor, fail);
  const mocked = data.length === 0 ? template : withDataValues(template, mockValues(data));
  for (const plan of data) {
    const { definition } = plan;
    const config = mocked.data.get(definition.key)?.config ?? definition.config;
    if ('builtin' in plan.source) {
      try {
        checkBuiltinArguments(plan.source.builtin, definition, config, template.file);
      } catch (error) {
        fail(error);
      }
    } else {
      await plan.source.plugin
        .createDataSource(definition.type, config, { name: definition.name, file: template.file })
        .catch(failOrDefer(undefined, definition.config));
    }
  }

  const counts = new Map<string, number>();
  for (const block of template.builds)
    for (const s of block.sources) counts.set(s, (counts.get(s) ?? 0) + 1);

  const planned: (PlannedBuild | undefined)[] = [];
  for (const [b, block] of mocked.builds.entries()) {
    for (const key of block.sources) {
      const source = mocked.sources.get(key) as SourceDefinition;
      const name = (counts.get(key) ?? 0) > 1 ? `${block.name ?? `build${b}`}.${key}` : key;
      const builder = await pluginFor(source.type)
        .then((p) =>
          p.createBuilder(source.type, source.config, { name: source.name, file: template.file }),
        )
        .catch(failOrDefer(name, template.sources.get(key)?.config));
      const warnings: string[] = [...(builder?.warnings ?? [])];
      const chains: { type: string; component: PostProcessor }[][] = [];
      let ok = builder !== undefined;
      for (const [c, chain] of block.postProcessors.entries()) {
        const prepared: { type: string; component: PostProcessor }[] = [];
        for (const [i, pp] of chain.entries()) {
          const result = await pluginFor(pp.type)
            .then((p) =>
              p.createPostProcessor(pp.type, pp.config, {
                ...(pp.name === undefined ? {} : { name: pp.name }),
                file: template.file,
              }),
            )
            .catch(failOrDefer(name, template.builds[b].postProcessors[c][i].config));
          if (result === undefined) ok = false;
          else {
            warnings.push(...result.warnings);
            prepared.push({ type: pp.type, component: result.component });
          }
        }
        chains.push(prepared);
      }
      planned.push(
        ok && builder
          ? { name, source, builder: builder.component, postProcessors: chains, warnings }
          : undefined,
      );
    }
  }
  // A post-processor failing for every source would be listed once per source: keep distinct messages.
  const distinct = problems.filter(
    (p, i) => problems.findIndex((q) => q.message === p.message) === i,
  );
  if (distinct.length > 0) throw new TemplateConfigError(template.file, distinct);
  const infos = await Promise.all([...plugins.values()]);
  return {
    template,
    builds: planned.filter((p): p is PlannedBuild => p !== undefined),
    data,
    deferred: [...deferred],
    plugins: infos.map((p) => ({ name: p.info.name, version: p.info.version })),
  };
}
