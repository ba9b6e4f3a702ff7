import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real temporary directories for a test file: `make()` creates one under the
 * OS temp dir, `cleanup()` (call it in afterEach/afterAll) removes them all.
 */
export function tempDirs(): {
  make: (label?: string) => Promise<string>;
  cleanup: () => Promise<void>;
} {
  const made: string[] = [];
  return {
    async make(label = 'test') {
      const dir = await mkdtemp(join(tmpdir(), `imprint-docker-like-${label}-`));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
