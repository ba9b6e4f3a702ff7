import { lstat, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
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

// What reading a file of an image can meet that says "no such file here":
// the image decides what its paths hold, and a missing file is no error.
const ABSENT_FILE_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'EACCES']);

/**
 * The text of the regular file at `inside` (relative to `root`), following
 * links only while they stay inside `root`; `undefined` when there is none.
 */
export async function readFileInside(root: string, inside: string): Promise<string | undefined> {
  const target = await resolvedPath(join(root, inside));
  if (!isInside(target, await realpath(root))) return undefined;
  try {
    if (!(await lstat(target)).isFile()) return undefined;
    return await readFile(target, 'utf8');
  } catch (error) {
    if (ABSENT_FILE_CODES.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}
