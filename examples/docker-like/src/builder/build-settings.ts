import { posix, resolve } from 'node:path';
import type { ComponentLocation, ConfigProblem } from '@imprint/sdk';
import { ConfigError, isUnsafeKey } from '@imprint/sdk';
import type { DockerLikeConfig } from '../config/docker-like.config';

/** The `base` value that starts from an empty image. */
export const SCRATCH = 'scratch';

/** Where the new image starts from. */
export type BaseSource =
  | { readonly kind: 'scratch' }
  | { readonly kind: 'layout'; readonly dir: string; readonly ref?: string };

/** One `files` block, checked and normalized. */
export interface FileSpec {
  /** Template path of the block, e.g. `files[1]`, for messages. */
  readonly field: string;
  /** Normalized absolute image path, without a trailing slash (`/` for the root). */
  readonly destination: string;
  /** The destination ended with `/`: a source file goes inside it. */
  readonly intoDirectory: boolean;
  /** Absolute path on the build machine. */
  readonly source?: string;
  readonly content?: string;
  readonly mode?: number;
}

/** Everything `run()` needs, derived once from the validated config in `prepare()`. */
export interface BuildSettings {
  readonly base: BaseSource;
  /** As configured; resolved against the work directory at run time. */
  readonly outputDir: string;
  readonly files: readonly FileSpec[];
  /** Environment variables to set, sorted by name. */
  readonly env: readonly (readonly [string, string])[];
  readonly labels: Readonly<Record<string, string>>;
  readonly cmd?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly workdir?: string;
  readonly tag: string;
  readonly architecture?: string;
  readonly os?: string;
  /** The creation time, RFC 3339. */
  readonly created: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks the rules class-validator cannot express (one field against
 * another, paths, map values) and resolves defaults.
 *
 * @param environment where `SOURCE_DATE_EPOCH` is read from.
 * @throws {@link ConfigError} listing every problem, each with its template path.
 */
export function resolveBuildSettings(
  config: DockerLikeConfig,
  location: ComponentLocation,
  environment: NodeJS.ProcessEnv = process.env,
): BuildSettings {
  const problems: ConfigProblem[] = [];
  const invalid = (path: string, message: string) =>
    problems.push({ path, kind: 'invalid', message });

  const baseRef = config.baseRef === '' ? undefined : config.baseRef;
  const base: BaseSource =
    config.base === SCRATCH
      ? { kind: 'scratch' }
      : {
          kind: 'layout',
          dir: resolve(config.base),
          ...(baseRef === undefined ? {} : { ref: baseRef }),
        };
  if (base.kind === 'scratch' && baseRef !== undefined) {
    invalid(
      'base_ref',
      'only applies when base is an OCI layout directory, not "scratch"; remove it',
    );
  }

  const files = config.files.map((file, i) => checkFile(file, `files[${i}]`, invalid));
  const env = checkMap(config.env, 'env', invalid, (name) =>
    ENV_NAME.test(name)
      ? undefined
      : 'is not a valid variable name (letters, digits and _, not starting with a digit)',
  );
  const labels = checkMap(config.labels, 'labels', invalid, (name) =>
    name === '' ? 'label keys cannot be empty' : undefined,
  );

  if (config.workdir !== undefined && !posix.isAbsolute(config.workdir)) {
    invalid(
      'workdir',
      `must be an absolute path such as "/app" (got ${JSON.stringify(config.workdir)})`,
    );
  }
  const created = resolveCreated(config, environment, invalid);

  if (problems.length > 0) throw new ConfigError(location, problems);
  return {
    base,
    outputDir: config.outputDir,
    files,
    env: Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    labels,
    ...(config.cmd === undefined ? {} : { cmd: [...config.cmd] }),
    ...(config.entrypoint === undefined ? {} : { entrypoint: [...config.entrypoint] }),
    ...(config.workdir === undefined ? {} : { workdir: normalizeAbsolute(config.workdir) }),
    tag: config.tag,
    ...(config.architecture === undefined ? {} : { architecture: config.architecture }),
    ...(config.os === undefined ? {} : { os: config.os }),
    created,
  };
}

function checkFile(
  file: DockerLikeConfig['files'][number],
  field: string,
  invalid: (path: string, message: string) => void,
): FileSpec {
  const hasSource = file.source !== undefined;
  const hasContent = file.content !== undefined;
  if (hasSource === hasContent) {
    invalid(
      field,
      hasSource
        ? 'set either source or content, not both'
        : 'set source (a path to copy) or content (text to write)',
    );
  }
  const destination = file.destination;
  const intoDirectory = destination.endsWith('/');
  let normalized = destination;
  if (!destination.startsWith('/')) {
    invalid(
      `${field}.destination`,
      `must be an absolute path in the image such as "/app/run.sh" (got ${JSON.stringify(destination)})`,
    );
  } else if (destination.split('/').includes('..')) {
    invalid(
      `${field}.destination`,
      `must not contain '..': it would point outside the intended directory (got ${JSON.stringify(destination)})`,
    );
  } else if (destination.includes('\0')) {
    invalid(`${field}.destination`, 'must not contain NUL characters');
  } else {
    normalized = normalizeAbsolute(destination);
    if (hasContent && intoDirectory) {
      invalid(
        `${field}.destination`,
        `names a directory (it ends with '/'); give the file's full path, e.g. "${destination}file.txt"`,
      );
    }
  }
  return {
    field,
    destination: normalized,
    intoDirectory,
    ...(hasSource ? { source: resolve(file.source as string) } : {}),
    ...(hasContent ? { content: file.content } : {}),
    ...(file.mode === undefined ? {} : { mode: Number.parseInt(file.mode, 8) }),
  };
}

function checkMap(
  map: Record<string, unknown>,
  field: string,
  invalid: (path: string, message: string) => void,
  checkKey: (key: string) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    const problem = isUnsafeKey(key) ? 'this key is not allowed' : checkKey(key);
    if (problem !== undefined) invalid(`${field}.${key}`, problem);
    else if (typeof value !== 'string')
      invalid(`${field}.${key}`, `must be a string (got ${JSON.stringify(value)})`);
    else out[key] = value;
  }
  return out;
}

function resolveCreated(
  config: DockerLikeConfig,
  environment: NodeJS.ProcessEnv,
  invalid: (path: string, message: string) => void,
): string {
  if (config.created !== undefined && config.sourceDateEpoch !== undefined) {
    invalid('created', 'set created or source_date_epoch, not both');
    return '';
  }
  if (config.created !== undefined) {
    const time = Date.parse(config.created);
    if (!RFC3339.test(config.created) || Number.isNaN(time)) {
      invalid(
        'created',
        `must be an RFC 3339 time such as "2024-01-01T00:00:00Z" (got ${JSON.stringify(config.created)})`,
      );
      return '';
    }
    return formatTime(time);
  }
  if (config.sourceDateEpoch !== undefined) return formatTime(config.sourceDateEpoch * 1000);
  const fromEnvironment = environment.SOURCE_DATE_EPOCH;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    if (!/^\d+$/.test(fromEnvironment)) {
      invalid(
        'source_date_epoch',
        `is taken from the SOURCE_DATE_EPOCH environment variable, which is ${JSON.stringify(fromEnvironment)}, not a number of seconds; fix or unset it`,
      );
      return '';
    }
    return formatTime(Number(fromEnvironment) * 1000);
  }
  return formatTime(0);
}

/** `/app/./data/` → `/app/data`; the root stays `/`. */
function normalizeAbsolute(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** RFC 3339 in UTC, without a fraction when there is none: `1970-01-01T00:00:00Z`. */
function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
