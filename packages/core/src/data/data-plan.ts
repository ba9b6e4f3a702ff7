import type { DataSourceOutput, PluginSet } from '@imprint/sdk';
import { ConfigError } from '@imprint/sdk';
import { TemplateInvalidError } from '../errors';
import type { DataDefinition, Template } from '../template/template';
import type { BuiltinDataSource } from './builtin-data-sources';
import { BUILTIN_DATA_SOURCES, builtinArguments } from './builtin-data-sources';
import type { DataValues } from './data-refs';
import { referenceText, substituteData } from './data-refs';

/** A data block checked at validate time: its data source and the outputs it declares. */
export interface PlannedData {
  readonly definition: DataDefinition;
  readonly outputs: readonly DataSourceOutput[];
  /** The built-in data source, or the plugin providing the type. */
  readonly source: { readonly builtin: BuiltinDataSource } | { readonly plugin: PluginSet };
}

/**
 * Resolves each data block's type (built in, or a plugin's through
 * `required_plugins`) and its declared outputs, then checks every
 * `${data.…}` reference: the output exists, and a map or list output is used
 * as a whole value, not inside a string. Nothing is executed. Problems are
 * passed to `fail`; blocks that could not be resolved are left out.
 */
export async function planData(
  template: Template,
  pluginFor: (type: string) => Promise<PluginSet>,
  fail: (error: unknown) => undefined,
): Promise<PlannedData[]> {
  const plans = new Map<string, PlannedData>();
  for (const definition of template.data.values()) {
    const builtin = BUILTIN_DATA_SOURCES.get(definition.type);
    if (builtin !== undefined) {
      plans.set(definition.key, { definition, outputs: builtin.outputs, source: { builtin } });
      continue;
    }
    const plugin = await pluginFor(definition.type).catch(fail);
    if (plugin === undefined) continue;
    const described = plugin.describe().dataSources?.find((d) => d.name === definition.type);
    if (described === undefined) {
      // createDataSource names the plugin's data sources and a suggestion.
      await plugin.createDataSource(definition.type, {}, { name: definition.name }).catch(fail);
      continue;
    }
    plans.set(definition.key, { definition, outputs: described.outputs, source: { plugin } });
  }
  for (const ref of template.dataReferences) {
    const plan = plans.get(ref.block);
    if (plan === undefined) continue;
    const output = plan.outputs.find((o) => o.name === ref.output);
    const location = {
      file: ref.file,
      ...(ref.line === undefined ? {} : { line: ref.line }),
      field: ref.field,
    };
    if (output === undefined) {
      fail(
        new TemplateInvalidError(
          location,
          `'${referenceText(ref)}': ${plan.definition.type} has no output '${ref.output}' (outputs: ${plan.outputs.map((o) => o.name).join(', ')})`,
        ),
      );
    } else if (!ref.whole && (output.type === 'map' || output.type === 'list')) {
      fail(
        new TemplateInvalidError(
          location,
          `'${referenceText(ref)}' is a ${output.type} and cannot be part of a string; use it as the whole value ("\${${referenceText(ref)}}")`,
        ),
      );
    }
  }
  return [...plans.values()];
}

/**
 * Stand-in outputs of every planned block for validation, one per declared
 * type (as Packer's validate uses its data sources' output spec): a string
 * holds the reference's text.
 */
export function mockValues(plans: readonly PlannedData[]): DataValues {
  const mock = (key: string, o: DataSourceOutput): unknown => {
    switch (o.type) {
      case 'string':
        return `data.${key}.${o.name}`;
      case 'number':
        return 0;
      case 'boolean':
        return false;
      case 'map':
        return {};
      case 'list':
        return [];
    }
  };
  return new Map(
    plans.map((p) => [
      p.definition.key,
      Object.fromEntries(p.outputs.map((o) => [o.name, mock(p.definition.key, o)])),
    ]),
  );
}

/** Checks a built-in block's arguments (after references are resolved) like a plugin's configuration. */
export function checkBuiltinArguments(
  builtin: BuiltinDataSource,
  definition: DataDefinition,
  config: Readonly<Record<string, unknown>>,
  file: string,
): Record<string, string> {
  const { args, problems } = builtinArguments(builtin, config);
  if (problems.length > 0) {
    throw new ConfigError(
      { kind: 'data', component: definition.type, name: definition.name, file },
      problems,
    );
  }
  return args;
}

/** The template with every `${data.…}` reference replaced by the outputs in `values`. */
export function withDataValues(template: Template, values: DataValues): Template {
  const sub = <T>(v: T): T => substituteData(v, values);
  return {
    ...template,
    data: new Map([...template.data].map(([k, d]) => [k, { ...d, config: sub(d.config) }])),
    sources: new Map([...template.sources].map(([k, s]) => [k, { ...s, config: sub(s.config) }])),
    builds: template.builds.map((b) => ({
      ...b,
      ...(b.name === undefined ? {} : { name: sub(b.name) }),
      postProcessors: b.postProcessors.map((chain) =>
        chain.map((pp) => ({
          ...pp,
          ...(pp.name === undefined ? {} : { name: sub(pp.name) }),
          config: sub(pp.config),
        })),
      ),
    })),
    ...(template.registry === undefined ? {} : { registry: sub(template.registry) }),
  };
}
