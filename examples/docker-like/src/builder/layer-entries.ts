import type { Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { PathConflictError, SourceNotFoundError, SourceUnsupportedError } from '../errors';
import type { LayerEntry } from '../oci/tar-layer';
import type { FileSpec } from './build-settings';

const FILE_MODE = 0o644;
const EXECUTABLE_MODE = 0o755;
const DIRECTORY_MODE = 0o755;

/**
 * Turns the `files` blocks into layer entries. Every parent directory gets an
 * entry of its own (mode 0755), file modes are normalized (0644, or 0755 when
 * any execute bit is set, unless `mode` is given) and owners are dropped, so
 * the layer does not depend on the build machine's umask or user.
 *
 * @throws {@link SourceNotFoundError} when a source cannot be read.
 * @throws {@link SourceUnsupportedError} for sockets, devices and FIFOs.
 * @throws {@link PathConflictError} when one path would be a file and a directory.
 */
export async function collectLayerEntries(
  files: readonly FileSpec[],
  signal: AbortSignal,
): Promise<LayerEntry[]> {
  const entries = new Map<string, { entry: LayerEntry; origin: string }>();
  const add = (entry: LayerEntry, origin: string) => {
    for (const parent of parentsOf(entry.path)) {
      setEntry(
        entries,
        { type: 'directory', path: parent, mode: DIRECTORY_MODE },
        `parent directory of ${origin}`,
      );
    }
    setEntry(entries, entry, origin);
  };

  for (const file of files) {
    signal.throwIfAborted();
    const target = file.destination.slice(1);
    if (file.content !== undefined) {
      add(
        {
          type: 'file',
          path: target,
          mode: file.mode ?? FILE_MODE,
          data: Buffer.from(file.content, 'utf8'),
        },
        `${file.field} (${file.destination})`,
      );
      continue;
    }
    const source = file.source as string;
    const field = `${file.field}.source`;
    const info = await statSource(source, field);
    if (info.isDirectory()) {
      if (target !== '')
        add(
          { type: 'directory', path: target, mode: DIRECTORY_MODE },
          `${file.field} (${file.destination})`,
        );
      await addDirectory(source, target, file, add, signal);
    } else if (info.isFile()) {
      const path = file.intoDirectory ? posix.join(target, basename(source)) : target;
      add(await fileEntry(source, path, info, file, field), `${file.field} (/${path})`);
    } else {
      throw new SourceUnsupportedError(field, source, kindOf(info));
    }
  }
  return [...entries.values()].map((e) => e.entry);
}

async function addDirectory(
  dir: string,
  target: string,
  file: FileSpec,
  add: (entry: LayerEntry, origin: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const field = `${file.field}.source`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new SourceNotFoundError(field, dir, reasonOf(error), { cause: error });
  }
  // readdir order depends on the file system; sorting keeps the walk, and so any error, stable.
  for (const name of names.sort()) {
    signal.throwIfAborted();
    const source = join(dir, name);
    const path = target === '' ? name : `${target}/${name}`;
    const origin = `${file.field} (/${path})`;
    let info: Stats;
    try {
      info = await lstat(source);
    } catch (error) {
      throw new SourceNotFoundError(field, source, reasonOf(error), { cause: error });
    }
    if (info.isSymbolicLink()) {
      add({ type: 'symlink', path, target: await readlink(source) }, origin);
    } else if (info.isDirectory()) {
      add({ type: 'directory', path, mode: DIRECTORY_MODE }, origin);
      await addDirectory(source, path, file, add, signal);
    } else if (info.isFile()) {
      add(await fileEntry(source, path, info, file, field), origin);
    } else {
      throw new SourceUnsupportedError(field, source, kindOf(info));
    }
  }
}

async function fileEntry(
  source: string,
  path: string,
  info: Stats,
  file: FileSpec,
  field: string,
): Promise<LayerEntry> {
  let data: Buffer;
  try {
    data = await readFile(source);
  } catch (error) {
    throw new SourceNotFoundError(field, source, reasonOf(error), { cause: error });
  }
  const mode = file.mode ?? ((info.mode & 0o111) !== 0 ? EXECUTABLE_MODE : FILE_MODE);
  return { type: 'file', path, mode, data };
}

function setEntry(
  entries: Map<string, { entry: LayerEntry; origin: string }>,
  entry: LayerEntry,
  origin: string,
): void {
  const existing = entries.get(entry.path);
  if (existing !== undefined) {
    const wasDirectory = existing.entry.type === 'directory';
    const isDirectory = entry.type === 'directory';
    if (wasDirectory && isDirectory) return;
    if (wasDirectory !== isDirectory) {
      throw new PathConflictError(
        `/${entry.path}`,
        `${existing.entry.type} from ${existing.origin}`,
        `${entry.type} from ${origin}`,
      );
    }
  }
  // A later file replaces an earlier one at the same path, as a later COPY would.
  entries.set(entry.path, { entry, origin });
}

function parentsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

async function statSource(source: string, field: string): Promise<Stats> {
  try {
    return await stat(source);
  } catch (error) {
    throw new SourceNotFoundError(field, source, reasonOf(error), { cause: error });
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a parent of the path is a file';
  return (error as Error).message;
}

function kindOf(info: Stats): string {
  if (info.isSocket()) return 'socket';
  if (info.isFIFO()) return 'FIFO';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  return 'special file';
}
