import { PackageURL } from 'packageurl-js';

/** The OSV (ecosystem, release, name) a package's purl maps to. */
export interface OsvPackage {
  /** OSV ecosystem without release, as OSV spells it: 'npm', 'PyPI', 'Debian', … */
  ecosystem: string;
  /** The distribution release OSV qualifies the ecosystem with ('12', '22.04', 'v3.20'), '' when none. */
  release: string;
  /** The package name as {@link matchName} compares it. */
  name: string;
  /**
   * The version OSV's ranges speak of, when it is not the package's own: the
   * source version of a deb/apk binary package (`upstream=glibc@2.36-9`).
   */
  version?: string;
}

/** purl types whose OSV ecosystem does not depend on the purl namespace. */
const PURL_ECOSYSTEMS = new Map<string, string>([
  ['npm', 'npm'],
  ['pypi', 'PyPI'],
  ['golang', 'Go'],
  ['cargo', 'crates.io'],
  ['gem', 'RubyGems'],
  ['maven', 'Maven'],
  ['nuget', 'NuGet'],
  ['composer', 'Packagist'],
  ['hex', 'Hex'],
  ['pub', 'Pub'],
]);

/** Debian codenames some SBOM tools write as the `distro` qualifier instead of the number. */
const DEBIAN_CODENAMES = new Map<string, string>([
  ['buster', '10'],
  ['bullseye', '11'],
  ['bookworm', '12'],
  ['trixie', '13'],
]);

/**
 * The name as matching compares it: PyPI names are normalised per PEP 503
 * (case and runs of `-`, `_`, `.` do not distinguish projects), every other
 * ecosystem's names are compared as written (Go module paths and Maven
 * coordinates are case-sensitive).
 */
export function matchName(ecosystem: string, name: string): string {
  return ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

/**
 * Splits an OSV `package.ecosystem` value into the ecosystem and its release.
 * Ubuntu's trailing ':LTS' is dropped because purls never carry it; other
 * qualifiers stay in the release ('Ubuntu:Pro:18.04:LTS' → 'Pro:18.04'), so
 * that ESM-only fixes never match a standard release.
 *
 * @example
 * ```ts
 * splitOsvEcosystem('Debian:12'); // { ecosystem: 'Debian', release: '12' }
 * splitOsvEcosystem('npm'); // { ecosystem: 'npm', release: '' }
 * ```
 */
export function splitOsvEcosystem(value: string): { ecosystem: string; release: string } {
  const colon = value.indexOf(':');
  if (colon < 0) return { ecosystem: value, release: '' };
  const ecosystem = value.slice(0, colon);
  let release = value.slice(colon + 1);
  if (ecosystem === 'Ubuntu' && release.endsWith(':LTS'))
    release = release.slice(0, -':LTS'.length);
  return { ecosystem, release };
}

/** `debian-12`, `debian-12.5`, `bookworm`, `debian-bookworm` → '12'; anything else ''. */
function debianRelease(distro: string): string {
  const value = distro.toLowerCase().replace(/^debian-/, '');
  return /^\d+/.exec(value)?.[0] ?? DEBIAN_CODENAMES.get(value) ?? '';
}

/** `ubuntu-22.04` → '22.04'. */
function ubuntuRelease(distro: string): string {
  return /^ubuntu-(\d+\.\d+)/i.exec(distro)?.[1] ?? '';
}

/** `alpine-3.20.3` → 'v3.20': OSV names Alpine releases by their branch. */
function alpineRelease(distro: string): string {
  const match = /^alpine-(\d+)\.(\d+)/i.exec(distro);
  return match ? `v${match[1]}.${match[2]}` : '';
}

/** The OSV identity of an operating-system package (purl types deb and apk), or undefined. */
function distroPackage(type: string, namespace: string, name: string, distro: string) {
  const vendor = namespace.toLowerCase();
  if (type === 'deb' && vendor === 'debian') {
    return { ecosystem: 'Debian', release: debianRelease(distro), name };
  }
  if (type === 'deb' && vendor === 'ubuntu') {
    return { ecosystem: 'Ubuntu', release: ubuntuRelease(distro), name };
  }
  if (type === 'apk' && vendor === 'alpine') {
    return { ecosystem: 'Alpine', release: alpineRelease(distro), name };
  }
  return undefined;
}

/** How each ecosystem writes a package's full name from the purl's namespace and name. */
function fullName(ecosystem: string, namespace: string, name: string): string {
  if (!namespace) return name;
  switch (ecosystem) {
    case 'npm':
    case 'Go':
    case 'Packagist':
      return `${namespace}/${name}`;
    case 'Maven':
      return `${namespace}:${name}`;
    default:
      // Hex organisations and other namespaces are not part of the OSV name.
      return name;
  }
}

/**
 * purl → OSV identity, or undefined when the purl type has no OSV ecosystem
 * (or the purl does not parse).
 *
 * @example
 * ```ts
 * osvPackageOf('pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12');
 * // { ecosystem: 'Debian', release: '12', name: 'openssl' }
 * osvPackageOf('pkg:deb/debian/bash@5.2.15-2+b7?distro=debian-12&upstream=bash%405.2.15-2');
 * // { ecosystem: 'Debian', release: '12', name: 'bash', version: '5.2.15-2' }
 * ```
 */
export function osvPackageOf(purl: string): OsvPackage | undefined {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl.trim());
  } catch {
    return undefined;
  }
  const type = parsed.type.toLowerCase();
  const namespace = parsed.namespace ?? '';
  if (!parsed.name) return undefined;
  if (type === 'deb' || type === 'apk') {
    const qualifier = (key: string) => {
      const value = parsed.qualifiers?.[key];
      return typeof value === 'string' ? value : '';
    };
    // OSV's Debian, Ubuntu and Alpine records name SOURCE packages (glibc, not
    // libc6): the `upstream` qualifier (syft's, `name` or `name@version`) gives it.
    const [source = '', sourceVersion = ''] = qualifier('upstream').split('@');
    const found = distroPackage(type, namespace, source || parsed.name, qualifier('distro'));
    if (found === undefined) return undefined;
    return sourceVersion ? { ...found, version: sourceVersion } : found;
  }
  const ecosystem = PURL_ECOSYSTEMS.get(type);
  if (ecosystem === undefined) return undefined;
  return {
    ecosystem,
    release: '',
    name: matchName(ecosystem, fullName(ecosystem, namespace, parsed.name)),
  };
}
