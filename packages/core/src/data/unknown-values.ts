import { ConfigError, SDK_ERROR_CODES, type ConfigProblem } from '@imprint/sdk';

/*
 * `validate` prepares components before any data block is read, with stand-in
 * outputs (Packer's validate does the same with unknown values). A stand-in
 * cannot pass a field's own rule (an AMI id pattern, a path that must exist),
 * so a problem on a field whose value comes from a data block says nothing yet:
 * it is dropped here, and the run checks the field again with the real output.
 */

const DATA_REFERENCE = /\$\{\s*data\./;

/** Dotted paths (`a.b.0.c`) of the values in `config` that use a data block's output. */
export function dataValuedPaths(config: unknown, at = ''): string[] {
  if (typeof config === 'string') return DATA_REFERENCE.test(config) ? [at] : [];
  if (config === null || typeof config !== 'object') return [];
  return Object.entries(config).flatMap(([key, value]) =>
    dataValuedPaths(value, at === '' ? key : `${at}.${key}`),
  );
}

const normal = (path: string): string => path.replace(/\[(\d+)\]/g, '.$1');

function dependsOnData(problem: ConfigProblem, paths: readonly string[]): boolean {
  if (problem.kind !== 'invalid') return false;
  const at = normal(problem.path);
  return paths.some((p) => p === at || p.startsWith(`${at}.`) || at.startsWith(`${p}.`));
}

/**
 * `error` without the problems of fields whose values come from data blocks:
 * the same error when none were dropped, a narrower `ConfigError` when some
 * remain, `undefined` when every problem was about such a field.
 */
export function withoutDataValuedProblems(
  error: unknown,
  paths: readonly string[],
): unknown | undefined {
  // By code, not class: a plugin may bring its own copy of the SDK.
  if (paths.length === 0 || !isConfigError(error)) return error;
  const remaining = error.problems.filter((p) => !dependsOnData(p, paths));
  if (remaining.length === error.problems.length) return error;
  return remaining.length === 0 ? undefined : new ConfigError(error.location, remaining);
}

function isConfigError(error: unknown): error is ConfigError {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === SDK_ERROR_CODES.CONFIG_INVALID &&
    Array.isArray((error as { problems?: unknown }).problems)
  );
}
