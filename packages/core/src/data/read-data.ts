import type { RegistryClient } from '@imprint/client';
import type { Ui } from '@imprint/sdk';
import { describeLocation } from '@imprint/sdk';
import { DataSourceFailedError, RegistryNotConfiguredError } from '../errors';
import type { Emit } from '../run/events';
import type { DeclaredParent } from '../registry/registry-port';
import type { Template } from '../template/template';
import { declaresParent } from './builtin-data-sources';
import type { PlannedData } from './data-plan';
import { checkBuiltinArguments } from './data-plan';
import { substituteData } from './data-refs';

/** What reading a template's data blocks gives the run. */
export interface DataResult {
  /** Outputs by block (`<type>.<name>`). */
  readonly values: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /**
   * Parents to declare, by the `external_identifier` of each artifact data
   * block: a build whose source image is one of them declares that version
   * (and channel, when the block read a channel) as its parent.
   */
  readonly parents: ReadonlyMap<string, DeclaredParent>;
}

/**
 * Executes each data block once, in dependency order, each with the outputs
 * of the blocks before it substituted into its arguments. Built-in blocks
 * read the registry through `client`; plugin blocks run their data source
 * (outputs checked against its declared ones by the SDK).
 *
 * @throws {@link DataSourceFailedError} (revoked version, no such channel or
 *   artifact, a registry error), the SDK's `ConfigError` / `DataSourceOutputError`.
 */
export async function readData(
  template: Template,
  plans: readonly PlannedData[],
  client: RegistryClient | undefined,
  run: { readonly signal: AbortSignal; readonly emit: Emit },
): Promise<DataResult> {
  const values = new Map<string, Readonly<Record<string, unknown>>>();
  const parents = new Map<string, DeclaredParent>();
  const ui: Ui = {
    say: (m) => run.emit('say', m),
    message: (m) => run.emit('message', m),
    error: (m) => run.emit('error', m),
    progress: (u) => run.emit('progress', u.step),
  };
  for (const plan of plans) {
    const { definition } = plan;
    const location = {
      kind: 'data' as const,
      component: definition.type,
      name: definition.name,
      file: template.file,
    };
    const where = describeLocation(location);
    const config = substituteData(definition.config, values);
    run.emit('info', `reading data.${definition.key}`);
    let outputs: Record<string, unknown>;
    if ('builtin' in plan.source) {
      const args = checkBuiltinArguments(plan.source.builtin, definition, config, template.file);
      if (client === undefined)
        throw new RegistryNotConfiguredError(template.file, [definition.key]);
      try {
        outputs = await plan.source.builtin.execute(args, {
          client,
          signal: run.signal,
          warn: (m) => run.emit('warning', m),
          where,
        });
      } catch (error) {
        if (error instanceof DataSourceFailedError) throw error;
        throw new DataSourceFailedError(where, (error as Error).message, { cause: error });
      }
    } else {
      const { plugin } = plan.source;
      const prepared = await plugin.createDataSource(definition.type, config, {
        name: definition.name,
        file: template.file,
      });
      for (const w of prepared.warnings) run.emit('warning', `${where}: ${w}`);
      outputs = await plugin.executeDataSource(
        prepared.component,
        { ui, signal: run.signal },
        { component: definition.type, name: definition.name, file: template.file },
      );
    }
    values.set(definition.key, outputs);
    if (declaresParent(definition.type)) {
      parents.set(String(outputs.external_identifier), {
        versionId: String(outputs.version_id),
        ...(outputs.channel_id ? { channelId: String(outputs.channel_id) } : {}),
        block: definition.key,
      });
    }
  }
  return { values, parents };
}
