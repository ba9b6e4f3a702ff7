/** An operating-system package installed in an image. */
export interface OsPackage {
  /** The purl type: `deb` (dpkg) or `apk` (Alpine). */
  readonly type: 'deb' | 'apk';
  /** The purl namespace: the distribution, `debian` or `alpine`. */
  readonly distribution: string;
  readonly name: string;
  readonly version: string;
  /** `amd64`, `x86_64`, `all`, …; absent when the database does not say. */
  readonly architecture?: string;
  /** The licence as the database states it (an SPDX expression on Alpine), if it does. */
  readonly license?: string;
  /** The database file the package was read from, e.g. `/var/lib/dpkg/status`. */
  readonly database: string;
}

/** A package database: where it lives in the image and how to read it. */
interface PackageDatabase {
  /** Path relative to `/`. */
  readonly path: string;
  readonly parse: (text: string, database: string) => OsPackage[];
}

/**
 * The package databases read from an image's merged filesystem. The purl
 * namespaces are the distributions these formats come from: the scan does
 * not tell Debian from its derivatives.
 */
export const PACKAGE_DATABASES: readonly PackageDatabase[] = [
  { path: 'var/lib/dpkg/status', parse: parseDpkgStatus },
  { path: 'lib/apk/db/installed', parse: parseApkInstalled },
];

/**
 * Packages of a dpkg status file (deb822 stanzas separated by blank lines)
 * whose `Status` ends in `installed`: removed packages whose configuration
 * files remain (`deinstall ok config-files`) and half-installed ones are left
 * out. A `License` field is read when present (dpkg itself has none).
 */
export function parseDpkgStatus(text: string, database = '/var/lib/dpkg/status'): OsPackage[] {
  return stanzas(text).flatMap((lines) => {
    const fields = new Map<string, string>();
    for (const line of lines) {
      // Continuation lines (multi-line Description, Conffiles) start with a space or a tab.
      if (line.startsWith(' ') || line.startsWith('\t')) continue;
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const name = fields.get('package');
    const version = fields.get('version');
    const status = (fields.get('status') ?? '').split(/\s+/);
    if (!name || !version || status[status.length - 1] !== 'installed') return [];
    return [
      compact({
        type: 'deb' as const,
        distribution: 'debian',
        name,
        version,
        architecture: fields.get('architecture'),
        license: fields.get('license'),
        database,
      }),
    ];
  });
}

/**
 * Packages of an Alpine `installed` database: one stanza per package, one
 * `X:value` line per field (`P` name, `V` version, `A` architecture, `L`
 * licence; file lines `F:`/`R:` and checksums are skipped).
 */
export function parseApkInstalled(text: string, database = '/lib/apk/db/installed'): OsPackage[] {
  return stanzas(text).flatMap((lines) => {
    const fields = new Map<string, string>();
    for (const line of lines) {
      if (line.length >= 2 && line[1] === ':' && !fields.has(line[0])) {
        fields.set(line[0], line.slice(2).trim());
      }
    }
    const name = fields.get('P');
    const version = fields.get('V');
    if (!name || !version) return [];
    return [
      compact({
        type: 'apk' as const,
        distribution: 'alpine',
        name,
        version,
        architecture: fields.get('A'),
        license: fields.get('L'),
        database,
      }),
    ];
  });
}

function stanzas(text: string): string[][] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => block.split('\n').filter((line) => line.trim() !== ''))
    .filter((lines) => lines.length > 0);
}

function compact(pkg: OsPackage): OsPackage {
  return Object.fromEntries(
    Object.entries(pkg).filter(([, value]) => value !== undefined && value !== ''),
  ) as unknown as OsPackage;
}
