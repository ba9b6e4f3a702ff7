/** A variable's declared type; overrides given as strings are converted to it. */
export type VariableType = 'string' | 'number' | 'bool' | 'list' | 'map';

/** One `sources` entry: `"<type>.<name>": { ...config }`. */
export interface SourceDefinition {
  /** `<type>.<name>`, e.g. `docker-like.base`. */
  readonly key: string;
  /** Builder type, e.g. `docker-like`. */
  readonly type: string;
  /** Source name, e.g. `base`. */
  readonly name: string;
  /** Configuration after variable interpolation. */
  readonly config: Record<string, unknown>;
  /** Line of the source's key in the template. */
  readonly line?: number;
}

/** One `data` block: `"<type>.<name>": { ...arguments }` (HCL2: `data "<type>" "<name>" { … }`). */
export interface DataDefinition {
  /** `<type>.<name>`, e.g. `imprint-artifact.base`; referenced as `data.<type>.<name>.<output>`. */
  readonly key: string;
  /** Data source type, e.g. `imprint-artifact` (built in) or a plugin's. */
  readonly type: string;
  readonly name: string;
  /** Arguments after variable interpolation; `${data.…}` references stay until run time. */
  readonly config: Record<string, unknown>;
  readonly line?: number;
}

/** A `${data.<type>.<name>.<output>}` reference and where it is. */
export interface DataReferenceSite {
  /** `<type>.<name>` of the data block. */
  readonly block: string;
  readonly output: string;
  /** `true` when it is the whole value, `false` inside a longer string. */
  readonly whole: boolean;
  readonly file: string;
  readonly line?: number;
  /** Dotted field path, e.g. `sources.plain.a.source_image`. */
  readonly field: string;
}

/** One post-processor of a chain. */
export interface PostProcessorDefinition {
  readonly type: string;
  readonly name?: string;
  /** Configuration without `type` and `name`. */
  readonly config: Record<string, unknown>;
  readonly line?: number;
  /** Dotted field path, e.g. `build.0.post_processors.0.1`. */
  readonly field: string;
}

/** One `build` block. */
export interface BuildBlock {
  readonly name?: string;
  /** Source keys, each defined in `sources`. */
  readonly sources: readonly string[];
  /** Chains of post-processors. */
  readonly postProcessors: readonly (readonly PostProcessorDefinition[])[];
}

/** The `registry` block. */
export interface RegistryBlock {
  readonly bucketName: string;
  readonly description?: string;
  readonly bucketLabels: Readonly<Record<string, string>>;
  readonly buildLabels: Readonly<Record<string, string>>;
  readonly channels: readonly string[];
}

/** A loaded, validated template with variables resolved. */
export interface Template {
  /** Absolute path of the template file. */
  readonly file: string;
  /** Directory of the template file (plugins resolve from here by default). */
  readonly dir: string;
  /**
   * The template's language, as the registry records it on a version's
   * `template_type`: `HCL2` for `*.hcl` files, `JSON` otherwise.
   */
  readonly templateType: 'JSON' | 'HCL2';
  /** Component type → npm package. */
  readonly requiredPlugins: Readonly<Record<string, string>>;
  /** Resolved variable values. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Data blocks in dependency order: a block comes after those it references. */
  readonly data: ReadonlyMap<string, DataDefinition>;
  /** Every `${data.…}` reference of the template, in data blocks, sources, post-processors and the registry block. */
  readonly dataReferences: readonly DataReferenceSite[];
  readonly sources: ReadonlyMap<string, SourceDefinition>;
  readonly builds: readonly BuildBlock[];
  readonly registry?: RegistryBlock;
}

/** Where variable values come from, besides defaults (lowest to highest precedence: env, var files, vars). */
export interface VariableOptions {
  /** Explicit values (highest precedence), like `-var name=value`. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** JSON files of `{ name: value }`, later files win. */
  readonly varFiles?: readonly string[];
  /** Environment to read `IMPRINT_VAR_<name>` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}
