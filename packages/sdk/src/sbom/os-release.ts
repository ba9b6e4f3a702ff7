import type { RootFileReader } from './root-file-reader';

/**
 * Where an image states its operating system, relative to `/`, in the order
 * os-release(5) asks applications to look: `/etc/os-release` wins whenever it
 * exists; `/usr/lib/os-release` is read only when it does not.
 *
 * On Debian, Ubuntu and Alpine `/etc/os-release` is a symbolic link to
 * `../usr/lib/os-release`. A {@link RootFileReader} that reads regular files
 * only (a layer scan) gives the link as absent, and the fallback finds the
 * same content.
 */
export const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release'] as const;

/** The os-release fields the SBOM uses; each is absent when the file does not set it (or sets it empty). */
export interface OsRelease {
  /** `ID`: the distribution, lower case (`debian`, `ubuntu`, `alpine`). */
  readonly id?: string;
  /** `VERSION_ID`: its release (`12`, `22.04`, `3.20.3`); absent on rolling releases (Debian sid). */
  readonly versionId?: string;
  /** `PRETTY_NAME`, for people (`Debian GNU/Linux 12 (bookworm)`). */
  readonly prettyName?: string;
}

// The os-release keys read, and the field each fills.
const FIELDS = [
  ['ID', 'id'],
  ['VERSION_ID', 'versionId'],
  ['PRETTY_NAME', 'prettyName'],
] as const satisfies readonly (readonly [string, keyof OsRelease])[];

// os-release(5): variable names are shell-like; anything else on a line makes it no assignment.
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
// The characters os-release(5) says must be escaped inside double quotes, as in the shell.
const DOUBLE_QUOTE_ESCAPABLE = new Set(['"', '\\', '`', '$']);

/**
 * The fields of an os-release file that the SBOM uses. Lines are read as
 * os-release(5) describes them (a subset of shell assignments):
 *
 * - blank lines and lines whose first non-blank character is `#` are skipped;
 * - `KEY=value` (unquoted: a backslash escapes the next character, as in the shell),
 *   `KEY="value"` (a backslash escapes only `"`, `\`, `` ` `` and `$`; before any
 *   other character it stays, as the shell keeps it) and `KEY='value'` (no escapes at all);
 * - a later assignment of a key replaces an earlier one, as sourcing the file would.
 *
 * The file comes from the image, not from the template: a line that is no
 * valid assignment (an unterminated quote, text after the closing quote —
 * os-release(5) does not allow concatenated strings) is skipped rather than
 * failing the build, so one bad line costs only its own field.
 *
 * @example
 * ```ts
 * parseOsRelease('ID=debian\nVERSION_ID="12"\n'); // { id: 'debian', versionId: '12' }
 * ```
 */
export function parseOsRelease(text: string): OsRelease {
  const values = new Map<string, string>();
  for (const rawLine of text.replace(/\r\n/g, '\n').split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    const value = match === null ? undefined : unquote(match[2]);
    if (match !== null && value !== undefined) values.set(match[1], value);
  }
  const release: { -readonly [K in keyof OsRelease]: string } = {};
  for (const [key, field] of FIELDS) {
    const value = values.get(key);
    // An empty assignment (`VERSION_ID=`) states nothing.
    if (value !== undefined && value !== '') release[field] = value;
  }
  return release;
}

/** The value of one assignment's right-hand side; undefined when it is malformed. */
function unquote(raw: string): string | undefined {
  const quote = raw[0];
  if (quote !== '"' && quote !== "'") return unescapeUnquoted(raw);
  let value = '';
  let i = 1;
  for (; i < raw.length && raw[i] !== quote; i++) {
    if (quote === '"' && raw[i] === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1];
      value += DOUBLE_QUOTE_ESCAPABLE.has(next) ? next : `\\${next}`;
      i++;
    } else {
      value += raw[i];
    }
  }
  // No closing quote, or something after it (`"a""b"`, `"a" b`).
  if (i >= raw.length || raw.slice(i + 1).trim() !== '') return undefined;
  return value;
}

/**
 * An unquoted value: a backslash takes the next character literally. An
 * unescaped quote or blank would start shell syntax os-release(5) does not
 * allow there, so such a value is malformed.
 */
function unescapeUnquoted(raw: string): string | undefined {
  let value = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && i + 1 < raw.length) {
      value += raw[++i];
    } else if (raw[i] === '"' || raw[i] === "'" || /\s/.test(raw[i])) {
      return undefined;
    } else {
      value += raw[i];
    }
  }
  return value;
}

/**
 * The os-release of a root filesystem: `/etc/os-release` when present, else
 * `/usr/lib/os-release`; undefined when it has neither (scratch images,
 * distroless bases without one).
 */
export async function readOsRelease(read: RootFileReader): Promise<OsRelease | undefined> {
  for (const path of OS_RELEASE_PATHS) {
    const content = await read(path);
    if (content !== undefined) return parseOsRelease(content);
  }
  return undefined;
}
