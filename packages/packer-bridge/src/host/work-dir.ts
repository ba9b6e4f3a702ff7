import { mkdirSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { OutputExistsError } from '../errors';

/**
 * A build's work directory under Packer (PROTOCOL.md §3): `<cwd>/output-<build
 * name>`, Packer's own convention for builders' output, so a plugin's relative
 * outputs land where Packer users look for them.
 */
export class WorkDir {
  readonly path: string;

  constructor(cwd: string, buildName: string) {
    this.path = join(cwd, `output-${buildName.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  }

  /** For a builder, at prepare and again at run: a non-empty directory needs `-force`. */
  check(force: boolean): void {
    if (!force && entries(this.path).length > 0) throw new OutputExistsError(this.path);
  }

  /** A builder's directory at run: checked, emptied under `-force`, created. */
  forBuilder(force: boolean): string {
    this.check(force);
    for (const entry of entries(this.path)) {
      rmSync(join(this.path, entry), { recursive: true, force: true });
    }
    mkdirSync(this.path, { recursive: true });
    return this.path;
  }

  /** A post-processor's directory: the builder's, created if missing. */
  forPostProcessor(): string {
    mkdirSync(this.path, { recursive: true });
    return this.path;
  }

  /** Removes the directory when nothing was left in it. */
  removeIfEmpty(): void {
    try {
      if (entries(this.path).length === 0) rmdirSync(this.path);
    } catch {
      // Gone already, or not ours to remove: either way nothing to clean.
    }
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
}
