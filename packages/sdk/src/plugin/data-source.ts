import type { ComponentLocation } from './build-context';
import type { ConfigClass } from './config/config-class';
import type { Ui } from './ui';

/** The value types a data source output may have; templates check references against them. */
export const DATA_SOURCE_OUTPUT_TYPES = ['string', 'number', 'boolean', 'map', 'list'] as const;

/** One of {@link DATA_SOURCE_OUTPUT_TYPES}. */
export type DataSourceOutputType = (typeof DATA_SOURCE_OUTPUT_TYPES)[number];

/** Output names are what templates write after the block: `data.<type>.<name>.<output>`. */
export const DATA_SOURCE_OUTPUT_NAME = /^[a-z][a-z0-9_]*$/;

/** One output of a data source as `describe()` reports it and templates reference it. */
export interface DataSourceOutput {
  /** snake_case, e.g. `external_identifier`. */
  readonly name: string;
  readonly type: DataSourceOutputType;
  /** One sentence for `describe()` and the docs. */
  readonly description: string;
}

/** What a data source's `execute()` receives. */
export interface DataSourceContext {
  /** Output to the person running the build. */
  readonly ui: Ui;
  /** Aborted when the run is cancelled (Ctrl-C, timeout): stop work and throw. */
  readonly signal: AbortSignal;
}

/**
 * A data source (Packer's `packersdk.Datasource`): prepared with its validated
 * configuration, then executed once per run, before any source is built, to
 * return values that templates reference as `data.<type>.<name>.<output>`.
 *
 * @example
 * ```ts
 * class LatestImage implements DataSource<LatestImageConfig> {
 *   static readonly configClass = LatestImageConfig;
 *   static readonly outputs: readonly DataSourceOutput[] = [
 *     { name: 'id', type: 'string', description: 'Id of the image.' },
 *   ];
 *   private config!: LatestImageConfig;
 *   prepare(config: LatestImageConfig) { this.config = config; }
 *   async execute(ctx: DataSourceContext) { return { id: await find(this.config, ctx.signal) }; }
 * }
 * plugin.registerDataSource('latest-image', LatestImage);
 * ```
 */
export interface DataSource<C extends object = object> {
  /**
   * Receives the configuration, already converted to the config class and
   * validated (same rules and errors as {@link Builder.prepare}). Check
   * cross-field rules here and throw a `ConfigError`; return warnings, if any.
   */
  prepare(config: C, location: ComponentLocation): void | string[] | Promise<void | string[]>;
  /**
   * Returns every declared output, by name. Missing, wrongly typed or
   * undeclared outputs are a `DataSourceOutputError` raised by the SDK.
   */
  execute(context: DataSourceContext): Promise<Record<string, unknown>>;
}

/** A data source class: constructed without arguments, with its config class and outputs as static members. */
export interface DataSourceClass<C extends object = object> {
  new (): DataSource<C>;
  /** The class describing and validating the data source's configuration. */
  readonly configClass: ConfigClass<C>;
  /** Every output `execute()` returns. */
  readonly outputs: readonly DataSourceOutput[];
}
