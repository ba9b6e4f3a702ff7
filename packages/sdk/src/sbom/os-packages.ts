import type { OsRelease } from './os-release';

/** An operating-system package installed in an image, as {@link readOsPackages} reads it. */
export interface OsPackage {
  /** The purl type: `deb` (dpkg) or `apk` (Alpine). */
  readonly type: 'deb' | 'apk';
  /** The purl namespace: the distribution (`debian`, `ubuntu`, `alpine`); see {@link inDistribution}. */
  readonly distribution: string;
  /**
   * The distribution's release, `<ID>-<VERSION_ID>` of the image's os-release
   * (`debian-12`): the purl's `distro` qualifier, as syft writes it and the
   * purl spec's deb and apk examples show. Vulnerability data is per release
   * (OSV's `Debian:12`), so without it bookworm's openssl is bullseye's.
   */
  readonly distro?: string;
  readonly name: string;
  readonly version: string;
  /**
   * The source package the binary package was built from, when the database
   * names one other than the package itself (dpkg `Source:`, apk `o:` origin;
   * for dpkg also the package's own name at another version, after a
   * binary-only rebuild): the purl's `upstream` qualifier, as syft writes it. OSV's Debian, Ubuntu and Alpine
   * records name source packages (`glibc`), never binaries (`libc6`).
   */
  readonly source?: string;
  /**
   * The source package's version, when dpkg states one (`Source: glibc (2.36-9)`):
   * it differs from `version` after a binary-only rebuild (`2.36-9+b1`).
   */
  readonly sourceVersion?: string;
  /** `amd64`, `x86_64`, `all`, …; absent when the database does not say. */
  readonly architecture?: string;
  /** The licence as the database states it (an SPDX expression on Alpine), if it does. */
  readonly license?: string;
  /** The database file the package was read from, e.g. `/var/lib/dpkg/status`. */
  readonly database: string;
}

/** A package database: where it lives in a root filesystem and how to read it. */
interface PackageDatabase {
  /** Path relative to `/`. */
  readonly path: string;
  readonly parse: (text: string, database: string) => OsPackage[];
}

/**
 * The distributions (os-release `ID`s) whose packages each database format
 * holds and that the purl spec names as namespaces; the first, the format's
 * own, is the namespace when the image has no os-release or one naming a
 * distribution not listed here (a derivative such as Linux Mint or Raspbian,
 * whose releases are not the listed distribution's, so no `distro` either).
 */
const DISTRIBUTIONS = {
  deb: ['debian', 'ubuntu'],
  apk: ['alpine'],
} as const satisfies Record<OsPackage['type'], readonly string[]>;

/**
 * The package databases read from a root filesystem. The parsers
 * state each format's own distribution; {@link inDistribution} then places
 * the packages in the one the image's os-release names.
 */
export const PACKAGE_DATABASES: readonly PackageDatabase[] = [
  { path: 'var/lib/dpkg/status', parse: parseDpkgStatus },
  { path: 'lib/apk/db/installed', parse: parseApkInstalled },
];

// dpkg's `Source:` field: a source package name (Debian Policy 5.6.1: lower
// case letters, digits, `+`, `-`, `.`), then its version in parentheses when
// it is not the binary package's. Anchored at the start only: what follows a
// well-formed prefix is ignored, so a damaged field still names its source.
const DPKG_SOURCE = /^([a-z0-9][a-z0-9+.-]+)(?:\s*\(\s*([^\s()]+)\s*\))?/;

/**
 * Packages of a dpkg status file (deb822 stanzas separated by blank lines)
 * whose `Status` ends in `installed`: removed packages whose configuration
 * files remain (`deinstall ok config-files`) and half-installed ones are left
 * out. A `License` field is read when present (dpkg itself has none).
 * `Source: name` or `Source: name (version)` gives the source package; dpkg
 * leaves the field out when the source is the binary package itself.
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
    const status = (fields.get('status') ?? '').split(/\s+/);
    if (status[status.length - 1] !== 'installed') return [];
    return packageOf('deb', fields, DPKG_KEYS, database, (name) =>
      dpkgSource(name, fields.get('source')),
    );
  });
}

/**
 * Packages of an Alpine `installed` database: one stanza per package, one
 * `X:value` line per field (`P` name, `V` version, `A` architecture, `L`
 * licence, `o` origin: the aport, i.e. the source package, that built it;
 * file lines `F:`/`R:` and checksums are skipped). A subpackage
 * (`ca-certificates-bundle`) has another origin (`ca-certificates`); a main
 * package has its own name, which states nothing new.
 */
export function parseApkInstalled(text: string, database = '/lib/apk/db/installed'): OsPackage[] {
  return stanzas(text).flatMap((lines) => {
    const fields = new Map<string, string>();
    for (const line of lines) {
      if (line.length >= 2 && line[1] === ':' && !fields.has(line[0])) {
        fields.set(line[0], line.slice(2).trim());
      }
    }
    return packageOf('apk', fields, APK_KEYS, database, (name) => sourceOf(name, fields.get('o')));
  });
}

/**
 * A package placed in the distribution of the image's os-release: its `ID`
 * becomes the purl namespace when it is a distribution of the package's
 * format, and `<ID>-<VERSION_ID>` its `distro`. Without os-release, with
 * another `ID`, or without `VERSION_ID` (Debian testing and sid have none),
 * the package keeps what its database says alone, and has no `distro`.
 */
export function inDistribution(pkg: OsPackage, release: OsRelease | undefined): OsPackage {
  const id = release?.id;
  if (id === undefined || !(DISTRIBUTIONS[pkg.type] as readonly string[]).includes(id)) return pkg;
  return {
    ...pkg,
    distribution: id,
    ...(release?.versionId === undefined ? {} : { distro: `${id}-${release.versionId}` }),
  };
}

/**
 * The source of a dpkg package from its `Source:` field. The database comes
 * from the image, not from whoever builds it: a field that names no valid source
 * states none, and a version without its closing parenthesis is left out,
 * rather than failing the build.
 */
function dpkgSource(name: string, field: string | undefined): Partial<OsPackage> {
  const match = DPKG_SOURCE.exec(field ?? '');
  return match === null ? {} : sourceOf(name, match[1], match[2]);
}

/**
 * `source` and `sourceVersion` of a package built from `source`: nothing
 * when that is the package itself at its own version, so that only a
 * package whose source differs carries an `upstream` qualifier.
 */
function sourceOf(name: string, source: string | undefined, version?: string): Partial<OsPackage> {
  if (source === undefined || source === '' || (source === name && version === undefined)) {
    return {};
  }
  return version === undefined ? { source } : { source, sourceVersion: version };
}

/** The database fields that hold a package's name, version, architecture and licence. */
interface FieldKeys {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly license: string;
}

// dpkg field names are case-insensitive: the parser lower-cases them.
const DPKG_KEYS: FieldKeys = {
  name: 'package',
  version: 'version',
  architecture: 'architecture',
  license: 'license',
};
const APK_KEYS: FieldKeys = { name: 'P', version: 'V', architecture: 'A', license: 'L' };

/**
 * The package one stanza's fields describe, in its format's own
 * distribution; none without a name and a version.
 */
function packageOf(
  type: OsPackage['type'],
  fields: ReadonlyMap<string, string>,
  keys: FieldKeys,
  database: string,
  source: (name: string) => Partial<OsPackage>,
): OsPackage[] {
  const name = fields.get(keys.name);
  const version = fields.get(keys.version);
  if (!name || !version) return [];
  return [
    compact({
      type,
      distribution: DISTRIBUTIONS[type][0],
      name,
      version,
      ...source(name),
      architecture: fields.get(keys.architecture),
      license: fields.get(keys.license),
      database,
    }),
  ];
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
