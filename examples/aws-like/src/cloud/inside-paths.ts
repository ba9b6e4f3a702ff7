import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, posix, relative, sep } from 'node:path';
import { InvalidCloudRequestError } from '../errors';

// Path checks for files written into an image or an instance: a path given by
// a template must land inside the image's root, whatever `..` or links it holds.

/** An absolute path inside an image (`/etc/motd`) as a path relative to its root (`etc/motd`). */
export function relativeInside(operation: string, path: string): string {
  const inside = posix.normalize(`/${path}`).slice(1);
  if (!path.startsWith('/') || inside === '') {
    throw new InvalidCloudRequestError(
      operation,
      `file paths are absolute paths inside the image, e.g. /etc/motd; got ${JSON.stringify(path)}`,
    );
  }
  return inside;
}

/** Whether `path` is `root` or below it; `''` (see {@link resolvedPath}) never is. */
export function isInside(path: string, root: string): boolean {
  if (path === '') return false;
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The real path, or `''` (never inside anything) for a dangling link. */
export async function resolvedPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return '';
  }
}
