import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The npm name of the fixture plugin {@link linkAskerPlugin} links. */
export const ASKER = 'imprint-plugin-asker';

/**
 * Links the fixture plugin `test/fixtures/imprint-plugin-asker` (a builder
 * `asker` that reports progress, asks its question and returns an artifact
 * whose id is the answer) into `<dir>/node_modules`, where `loadPlugin` finds
 * it. The Go tests link the same fixture.
 */
export async function linkAskerPlugin(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await symlink(join(__dirname, '..', 'fixtures', ASKER), join(dir, 'node_modules', ASKER), 'dir');
}
