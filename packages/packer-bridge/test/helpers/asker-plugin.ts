import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

/** The npm name of the fixture plugin {@link installAskerPlugin} installs. */
export const ASKER = 'imprint-plugin-asker';

/**
 * Makes a project directory with the fixture plugin
 * `test/fixtures/imprint-plugin-asker` (a builder `asker` that reports
 * progress, asks its question and returns an artifact whose id is the answer)
 * copied into its `node_modules`, where `loadPlugin` finds it. The directory
 * is under this package's `test/.tmp/` (ignored by git), so the plugin's own
 * `require('@imprint/sdk')` resolves to this repository's SDK by walking up, as
 * an installed plugin's does. The Go tests install the same fixture.
 */
export async function installAskerPlugin(): Promise<string> {
  const root = join(__dirname, '..', '.tmp');
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, 'asker-'));
  await cp(join(__dirname, '..', 'fixtures', ASKER), join(dir, 'node_modules', ASKER), {
    recursive: true,
  });
  return dir;
}
