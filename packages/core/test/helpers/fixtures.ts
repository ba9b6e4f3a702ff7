import { resolve } from 'node:path';
import {
  createTempDirs,
  useTestRegistry,
  type TempDirs,
  writeJsonFile,
  type TestRegistry,
} from '@imprint/registry/testing';

/** The repository root: plugins resolve from here (the examples are workspace packages). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Temp directories removed after the suite. */
export function tempDirs(): TempDirs {
  return createTempDirs('imprint-core-');
}

/** Writes `template` as pretty JSON (so that lines are predictable) and returns the path. */
export const writeTemplate = writeJsonFile;

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineContaining(text: string, needle: string, after = 0): number {
  const lines = text.split('\n');
  for (let i = after; i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
  throw new Error(`'${needle}' not found`);
}

/**
 * A real registry on 127.0.0.1 (SQLite in a temp dir, `@imprint/registry/testing`)
 * for one test file; `dirs` is cleaned up after the suite too.
 */
export function useRegistry(dirs: TempDirs): TestRegistry {
  afterAll(() => dirs.cleanup());
  return useTestRegistry(
    { beforeAll, afterAll },
    { database: { prefix: 'imprint-core-registry' } },
  );
}
