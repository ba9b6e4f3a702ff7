import type { PackerArtifact } from '../artifact/packer-artifact';
import type { BuildContext, ComponentLocation } from './build-context';
import type { ConfigClass } from './config/config-class';

/**
 * A builder (Packer's `packersdk.Builder`): prepared once with its validated
 * configuration, then run to produce an artifact.
 *
 * @example
 * ```ts
 * class TarBuilder implements Builder<TarConfig> {
 *   static readonly configClass = TarConfig;
 *   private config!: TarConfig;
 *   prepare(config: TarConfig) { this.config = config; }
 *   async run(ctx: BuildContext) { ...; return new TarArtifact(...); }
 * }
 * plugin.registerBuilder('tar', TarBuilder);
 * ```
 */
export interface Builder<C extends object = object> {
  /**
   * Receives the configuration, already converted to the config class and
   * validated. Check cross-field rules here and throw a `ConfigError`; return
   * warnings to print, if any.
   */
  prepare(config: C, location: ComponentLocation): void | string[] | Promise<void | string[]>;
  /** Builds the artifact. Throw to fail the build; honour `context.signal`. */
  run(context: BuildContext): Promise<PackerArtifact>;
}

/** A builder class: constructed without arguments, with its config class as a static member. */
export interface BuilderClass<C extends object = object> {
  new (): Builder<C>;
  /** The class describing and validating the builder's configuration. */
  readonly configClass: ConfigClass<C>;
}
