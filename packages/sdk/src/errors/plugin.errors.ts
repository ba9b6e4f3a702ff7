import { SDK_ERROR_CODES } from './error-codes';
import { ImprintError } from './imprint.error';
import type { ComponentLocation } from '../plugin/build-context';
import { describeLocation } from '../plugin/build-context';

/** One problem in a component's configuration. */
export interface ConfigProblem {
  /** Dotted template key path, e.g. `source_ami_filter.owners`. */
  readonly path: string;
  /** What is wrong: `unknown`, `missing`, or `invalid`. */
  readonly kind: 'unknown' | 'missing' | 'invalid';
  /** Human message, without the field and location. */
  readonly message?: string;
  /** For unknown fields: the closest known key. */
  readonly suggestion?: string;
}

/** A component's configuration is invalid; lists every problem at once. */
export class ConfigError extends ImprintError {
  readonly code = SDK_ERROR_CODES.CONFIG_INVALID;

  constructor(
    readonly location: ComponentLocation,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(ConfigError.format(location, problems));
  }

  /** One line per problem, e.g. `unknown field 'regoin' in aws-like source 'base': did you mean 'region'?`. */
  static describeProblem(location: ComponentLocation, problem: ConfigProblem): string {
    const where = describeLocation(location);
    switch (problem.kind) {
      case 'unknown':
        return `unknown field '${problem.path}' in ${where}${problem.suggestion ? `: did you mean '${problem.suggestion}'?` : `${problem.message ? `: ${problem.message}` : ''}`}`;
      case 'missing':
        return `missing required field '${problem.path}' in ${where}${problem.message ? ` (${problem.message})` : ''}`;
      default:
        return `invalid field '${problem.path}' in ${where}: ${problem.message ?? 'invalid value'}`;
    }
  }

  private static format(location: ComponentLocation, problems: readonly ConfigProblem[]): string {
    const lines = problems.map((p) => ConfigError.describeProblem(location, p));
    if (lines.length === 1) return lines[0];
    return `${describeLocation(location)} has ${lines.length} configuration problems:\n${lines.map((l) => `  - ${l}`).join('\n')}`;
  }
}

/** A config class's `@Field` declarations are inconsistent; found when the class is first used. */
export class ConfigSchemaError extends ImprintError {
  readonly code = SDK_ERROR_CODES.CONFIG_SCHEMA;

  constructor(
    readonly configClass: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Config class ${configClass} is inconsistent (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** A component could not be registered in a `PluginSet`. */
export class PluginRegistrationError extends ImprintError {
  readonly code = SDK_ERROR_CODES.PLUGIN_REGISTRATION;

  constructor(
    readonly plugin: string,
    readonly component: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot register '${component}' in plugin ${plugin}: ${problem}`, options);
  }
}

/** A template asked a plugin for a builder, post-processor or data source it does not have. */
export class UnknownComponentError extends ImprintError {
  readonly code = SDK_ERROR_CODES.UNKNOWN_COMPONENT;

  constructor(
    readonly plugin: string,
    readonly kind: 'builder' | 'post-processor' | 'data source',
    readonly component: string,
    readonly available: readonly string[],
    suggestion?: string,
  ) {
    super(
      `Plugin ${plugin} has no ${kind} named '${component}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; it has: ${available.length > 0 ? available.map((a) => `'${a}'`).join(', ') : 'none'}.`,
    );
  }
}

/** A plugin package could not be resolved from the given directory. */
export class PluginNotFoundError extends ImprintError {
  readonly code = SDK_ERROR_CODES.PLUGIN_NOT_FOUND;

  constructor(
    readonly packageName: string,
    readonly fromDir: string,
    options?: ErrorOptions,
  ) {
    super(
      `Cannot find plugin package '${packageName}' from ${fromDir}. Install it there: cd ${fromDir} && npm install ${packageName}`,
      options,
    );
  }
}

/** A plugin package was found but could not be loaded, or does not export a `PluginSet`. */
export class PluginLoadError extends ImprintError {
  readonly code = SDK_ERROR_CODES.PLUGIN_LOAD;

  constructor(
    readonly packageName: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot load plugin '${packageName}': ${problem}`, options);
  }
}

/** A plugin was built against another plugin API version than this SDK's. */
export class PluginApiVersionError extends ImprintError {
  readonly code = SDK_ERROR_CODES.PLUGIN_API_VERSION;

  constructor(
    readonly packageName: string,
    readonly pluginApiVersion: unknown,
    readonly pluginSdkVersion: unknown,
    readonly expectedApiVersion: number,
    readonly sdkVersion: string,
  ) {
    super(
      `Plugin '${packageName}' speaks plugin API version ${String(pluginApiVersion)} (built with @imprint/sdk ${String(pluginSdkVersion)}), but this runner speaks version ${expectedApiVersion} (@imprint/sdk ${sdkVersion}). Install a release of the plugin built for @imprint/sdk ${sdkVersion}, or a runner that matches the plugin.`,
    );
  }
}

/** One thing wrong with what a data source's `execute()` returned. */
export interface DataSourceOutputProblem {
  /** The output's name, or `(result)` when the result is not an object of outputs. */
  readonly output: string;
  /** Human message, without the output and location. */
  readonly problem: string;
}

/**
 * A data source's `execute()` returned outputs that do not match its declared
 * `outputs`: one missing or of the wrong type, or one it does not declare.
 * This is a bug in the plugin, not in the template.
 */
export class DataSourceOutputError extends ImprintError {
  readonly code = SDK_ERROR_CODES.DATA_SOURCE_OUTPUT;

  constructor(
    readonly location: ComponentLocation,
    readonly problems: readonly DataSourceOutputProblem[],
  ) {
    const where = describeLocation(location);
    const lines = problems.map((p) =>
      p.output === '(result)' ? p.problem : `output '${p.output}' ${p.problem}`,
    );
    const fix =
      "The data source's execute() must return exactly its declared outputs, each of its declared type; fix execute() or its static outputs.";
    super(
      lines.length === 1
        ? `${where} returned invalid outputs: ${lines[0]}. ${fix}`
        : `${where} returned invalid outputs (${lines.length} problems):\n${lines.map((l) => `  - ${l}`).join('\n')}\n${fix}`,
    );
  }
}
