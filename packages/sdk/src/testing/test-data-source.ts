import type { ComponentLocation } from '../plugin/build-context';
import type { DataSourceContext } from '../plugin/data-source';
import type { PluginSet } from '../plugin/plugin-set';
import { RecordingUi } from './recording-ui';

/** A {@link DataSourceContext} for tests, with its controls. */
export interface TestDataSourceContext extends DataSourceContext {
  readonly ui: RecordingUi;
  /** Aborts `signal`, as the runner does on Ctrl-C. */
  readonly abort: (reason?: unknown) => void;
}

/** A data source context for tests: a {@link RecordingUi} and an abortable signal. */
export function createTestDataSourceContext(): TestDataSourceContext {
  const controller = new AbortController();
  return {
    ui: new RecordingUi(),
    signal: controller.signal,
    abort: (reason?: unknown) => controller.abort(reason),
  };
}

/** What {@link runDataSource} returns. */
export interface DataSourceRun {
  /** The checked outputs, exactly the declared ones. */
  readonly outputs: Record<string, unknown>;
  /** Warnings `prepare()` returned. */
  readonly warnings: readonly string[];
  /** Everything the data source wrote. */
  readonly ui: RecordingUi;
}

/**
 * Runs a plugin's data source the way the runner does: creates it with its
 * raw configuration (converted and validated), prepares it, executes it and
 * checks its outputs against the declared ones. Errors are the runner's:
 * `ConfigError`, `UnknownComponentError`, `DataSourceOutputError`, or what
 * `execute()` throws.
 *
 * @example
 * ```ts
 * const { outputs } = await runDataSource(plugin, 'aws-like-ami', { region: 'us-east-1', name: 'base-*' });
 * expect(outputs.id).toMatch(/^ami-/);
 * ```
 */
export async function runDataSource(
  plugin: PluginSet,
  name: string,
  rawConfig: unknown,
  options: {
    /** Name and file for messages; the name defaults to `test`. */
    readonly location?: Omit<ComponentLocation, 'kind' | 'component'>;
    /** A context to run in, e.g. one already aborted; a fresh one by default. */
    readonly context?: TestDataSourceContext;
  } = {},
): Promise<DataSourceRun> {
  const location = options.location ?? { name: 'test' };
  const context = options.context ?? createTestDataSourceContext();
  const { component, warnings } = await plugin.createDataSource(name, rawConfig, location);
  const outputs = await plugin.executeDataSource(component, context, {
    ...location,
    component: name,
  });
  return { outputs, warnings, ui: context.ui };
}
