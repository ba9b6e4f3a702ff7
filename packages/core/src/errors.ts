import { ImprintError } from '@imprint/sdk';

/** Stable codes of every error `@imprint/core` throws. */
export const CORE_ERROR_CODES = {
  TEMPLATE_SYNTAX: 'IMPRINT_ERR_TEMPLATE_SYNTAX',
  TEMPLATE_INVALID: 'IMPRINT_ERR_TEMPLATE_INVALID',
  TEMPLATE_UNKNOWN_VARIABLE: 'IMPRINT_ERR_TEMPLATE_UNKNOWN_VARIABLE',
  TEMPLATE_VARIABLE: 'IMPRINT_ERR_TEMPLATE_VARIABLE',
  TEMPLATE_UNKNOWN_SOURCE: 'IMPRINT_ERR_TEMPLATE_UNKNOWN_SOURCE',
  TEMPLATE_UNKNOWN_PLUGIN: 'IMPRINT_ERR_TEMPLATE_UNKNOWN_PLUGIN',
  TEMPLATE_CONFIG: 'IMPRINT_ERR_TEMPLATE_CONFIG',
  REGISTRY_NOT_CONFIGURED: 'IMPRINT_ERR_RUN_REGISTRY_NOT_CONFIGURED',
  VERSION_COMPLETE: 'IMPRINT_ERR_RUN_VERSION_COMPLETE',
  TEMPLATE_TYPE_MISMATCH: 'IMPRINT_ERR_RUN_TEMPLATE_TYPE_MISMATCH',
  SPOOL_INVALID: 'IMPRINT_ERR_SPOOL_INVALID',
  RUN_OPTIONS: 'IMPRINT_ERR_RUN_OPTIONS',
  DATA_SOURCE_FAILED: 'IMPRINT_ERR_RUN_DATA_SOURCE',
} as const;

/** One of {@link CORE_ERROR_CODES}. */
export type CoreErrorCode = (typeof CORE_ERROR_CODES)[keyof typeof CORE_ERROR_CODES];

/** Where in a template a problem is. */
export interface TemplateLocation {
  /** Template file path. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** Dotted field path, e.g. `sources.docker-like.base.tag`. */
  readonly field?: string;
}

function where(location: TemplateLocation): string {
  const line = location.line === undefined ? '' : `:${location.line}`;
  const field = location.field === undefined || location.field === '' ? '' : ` (${location.field})`;
  return `${location.file}${line}${field}`;
}

/**
 * Base class of template problems: each names the file, the line and the
 * field (`template.pkr.json:12 (sources.docker-like.base): …`).
 */
export abstract class TemplateError extends ImprintError {
  abstract override readonly code: CoreErrorCode;
  /** Template file path. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** Dotted field path. */
  readonly field?: string;

  constructor(location: TemplateLocation, problem: string, options?: ErrorOptions) {
    super(`${where(location)}: ${problem}`, options);
    this.file = location.file;
    if (location.line !== undefined) this.line = location.line;
    if (location.field !== undefined) this.field = location.field;
  }
}

/** The template is not valid JSON. */
export class TemplateSyntaxError extends TemplateError {
  readonly code = CORE_ERROR_CODES.TEMPLATE_SYNTAX;
}

/** The template does not match `schema/template.schema.json`. */
export class TemplateInvalidError extends TemplateError {
  readonly code = CORE_ERROR_CODES.TEMPLATE_INVALID;
}

/** `${var.x}` names a variable the template does not declare. */
export class UnknownVariableError extends TemplateError {
  readonly code = CORE_ERROR_CODES.TEMPLATE_UNKNOWN_VARIABLE;
}

/** A variable has no value, a value of the wrong type, or an override names an undeclared variable. */
export class TemplateVariableError extends TemplateError {
  readonly code = CORE_ERROR_CODES.TEMPLATE_VARIABLE;
}

/** A build block references a source the template does not define. */
export class UnknownSourceError extends TemplateError {
  readonly code = CORE_ERROR_CODES.TEMPLATE_UNKNOWN_SOURCE;
}

/** A source or post-processor type has no entry in `required_plugins`. */
export class UnknownPluginError extends TemplateError {
  readonly code = CORE_ERROR_CODES.TEMPLATE_UNKNOWN_PLUGIN;
}

/**
 * Components could not be prepared: every problem of the template at once
 * (configuration errors, unknown components, plugins that are not installed).
 */
export class TemplateConfigError extends ImprintError {
  readonly code = CORE_ERROR_CODES.TEMPLATE_CONFIG;
  constructor(
    readonly file: string,
    /** One error per failing component (SDK errors such as `ConfigError`, `PluginNotFoundError`). */
    readonly problems: readonly Error[],
  ) {
    super(
      `${file}: ${problems.length} component${problems.length === 1 ? '' : 's'} cannot be prepared:\n${problems
        .map((p) => `  - ${p.message.replace(/\n/g, '\n    ')}`)
        .join('\n')}`,
    );
  }
}

/** An option of `runBuild` has a value it cannot take. */
export class RunOptionsError extends ImprintError {
  readonly code = CORE_ERROR_CODES.RUN_OPTIONS;
  constructor(
    /** The option, e.g. `parallel`. */
    readonly option: string,
    message: string,
  ) {
    super(`runBuild option ${option}: ${message}`);
  }
}

/**
 * The template has a `registry` block, or reads the registry through data
 * sources, but no registry client or URL was given.
 */
export class RegistryNotConfiguredError extends ImprintError {
  readonly code = CORE_ERROR_CODES.REGISTRY_NOT_CONFIGURED;
  constructor(file: string, dataBlocks: readonly string[] = []) {
    super(
      dataBlocks.length > 0
        ? `${file} reads the registry (${dataBlocks.map((b) => `data.${b}`).join(', ')}) but no registry is configured: pass the registry option (a RegistryClient or client options) or set IMPRINT_REGISTRY_URL`
        : `${file} has a registry block but no registry is configured: pass the registry option (a RegistryClient or client options), set IMPRINT_REGISTRY_URL, or disable publishing with registry: 'off'`,
    );
  }
}

/**
 * A data block could not be read at run time: the registry has no such
 * channel, version or artifact, the version is revoked, or a plugin's data
 * source failed.
 */
export class DataSourceFailedError extends ImprintError {
  readonly code = CORE_ERROR_CODES.DATA_SOURCE_FAILED;
  constructor(
    /** The block, as messages name it: `imprint-artifact data 'base' (file)`. */
    readonly block: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${block}: ${problem}`, options);
  }
}

/** The fingerprint names a version whose builds are all done already (Packer's rule). */
export class VersionCompleteError extends ImprintError {
  readonly code = CORE_ERROR_CODES.VERSION_COMPLETE;
  constructor(bucket: string, fingerprint: string, versionName: string) {
    super(
      `version ${versionName} of bucket '${bucket}' (fingerprint ${fingerprint}) is already complete; change the fingerprint (unset IMPRINT_BUILD_FINGERPRINT) to build a new version`,
    );
  }
}

/**
 * The fingerprint names a version created from a template of another type
 * (`HCL2` vs `JSON`); Packer refuses to change it too.
 */
export class TemplateTypeMismatchError extends ImprintError {
  readonly code = CORE_ERROR_CODES.TEMPLATE_TYPE_MISMATCH;
  constructor(
    readonly bucket: string,
    readonly fingerprint: string,
    /** `template_type` stored on the version. */
    readonly storedType: string,
    /** Type of the template being run. */
    readonly templateType: string,
    file: string,
  ) {
    super(
      `version of bucket '${bucket}' with fingerprint ${fingerprint} was created from a ${storedType} template, but ${file} is ${templateType}; a version keeps its template type: resume it with the ${storedType} template, or build a new version with another fingerprint (unset IMPRINT_BUILD_FINGERPRINT / drop --fingerprint)`,
    );
  }
}

/** A spool file cannot be read or does not have the expected shape. */
export class SpoolInvalidError extends ImprintError {
  readonly code = CORE_ERROR_CODES.SPOOL_INVALID;
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`spool file ${file}: ${problem}`, options);
  }
}
