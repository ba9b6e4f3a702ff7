import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Entry, ZipFile } from 'yauzl';
import * as yauzl from 'yauzl';
import type { OsvInput } from './vulnerability-import';

/*
 * Where `imprint-registry vulns import` reads OSV records from, all local
 * (the registry never fetches at run time):
 * - a `.json` file holding one record or an array of records;
 * - a `.zip` of such files, as OSV publishes each ecosystem
 *   (`https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip`);
 * - a directory, walked recursively for both, in name order.
 * A file that is not JSON (or a .zip that is not a zip) is reported as a
 * problem of that source, and the import goes on; a path that does not exist
 * is an error before any write.
 */

/** A JSON file larger than this is refused (OSV records are a few KiB; `all.zip` entries are single records). */
export const MAX_OSV_FILE_BYTES = 256 * 1024 * 1024;

/** A source that cannot be read at all. */
export class OsvSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OsvSourceError';
  }
}

/** Checks that `source` exists and is a file or directory, before the import opens anything. */
export async function checkOsvSource(source: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OsvSourceError(
      code === 'ENOENT'
        ? `${source}: no such file or directory; give an OSV .json file, a .zip of them or a directory`
        : `${source}: cannot be read (${code ?? String(error)})`,
    );
  }
  if (!stat.isFile() && !stat.isDirectory()) {
    throw new OsvSourceError(`${source}: not a file or directory`);
  }
}

const isOsvFile = (name: string) => /\.(json|zip)$/i.test(name);

/** Every .json/.zip file under `dir`, sorted, depth first. */
async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && isOsvFile(entry.name)) yield full;
  }
}

/** One file's text → its records (an array is spread, `file.json[3]` naming each). */
function* recordsOf(source: string, text: string): Generator<OsvInput> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    yield { source, value: undefined, unreadable: `not JSON: ${(error as Error).message}` };
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) yield { source: `${source}[${i}]`, value: value[i] };
  } else {
    yield { source, value };
  }
}

/** The open zip, or why it cannot be read. */
function openZip(file: string): Promise<ZipFile | { unreadable: string }> {
  return new Promise((resolve) =>
    // autoClose off: entries are read after the listing ends, when yauzl would have closed the file.
    yauzl.open(
      file,
      { lazyEntries: true, validateEntrySizes: true, autoClose: false },
      (error, zip) =>
        resolve(error ? { unreadable: `not a readable zip (${error.message})` } : zip),
    ),
  );
}

function readEntry(zip: ZipFile, entry: Entry): Promise<string> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const parts: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => parts.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    });
  });
}

/** The records of a zip's .json entries, in archive order, one entry in memory at a time. */
async function* zipRecords(file: string): AsyncGenerator<OsvInput> {
  const zip = await openZip(file);
  // Like a .json file that is not JSON: a problem of this source, and the import goes on.
  if ('unreadable' in zip) {
    yield { source: file, value: undefined, unreadable: zip.unreadable };
    return;
  }
  try {
    const entries: Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: Entry) => {
        entries.push(entry);
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    for (const entry of entries) {
      if (entry.fileName.endsWith('/') || !/\.json$/i.test(entry.fileName)) continue;
      const source = `${file}:${entry.fileName}`;
      if (entry.uncompressedSize > MAX_OSV_FILE_BYTES) {
        yield { source, value: undefined, unreadable: `larger than ${MAX_OSV_FILE_BYTES} bytes` };
        continue;
      }
      let text: string;
      try {
        text = await readEntry(zip, entry);
      } catch (error) {
        // A damaged entry (bad CRC, truncated data) is a problem of that entry, not of the import.
        yield {
          source,
          value: undefined,
          unreadable: `cannot be read: ${(error as Error).message}`,
        };
        continue;
      }
      yield* recordsOf(source, text);
    }
  } finally {
    zip.close();
  }
}

async function* fileRecords(file: string): AsyncGenerator<OsvInput> {
  if (/\.zip$/i.test(file)) {
    yield* zipRecords(file);
    return;
  }
  const { size } = await fs.stat(file);
  if (size > MAX_OSV_FILE_BYTES) {
    yield { source: file, value: undefined, unreadable: `larger than ${MAX_OSV_FILE_BYTES} bytes` };
    return;
  }
  yield* recordsOf(file, await fs.readFile(file, 'utf8'));
}

/** Every OSV record under `source` (a file or a directory); call {@link checkOsvSource} first. */
export async function* readOsvSource(source: string): AsyncGenerator<OsvInput> {
  const stat = await fs.stat(source);
  if (stat.isDirectory()) {
    for await (const file of walk(source)) yield* fileRecords(file);
  } else {
    yield* fileRecords(source);
  }
}
