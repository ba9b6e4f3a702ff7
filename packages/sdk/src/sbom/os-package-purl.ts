import { PackageURL } from 'packageurl-js';
import type { OsPackage } from './os-packages';

/**
 * The package URL of an OS package, as syft writes it and OSV matches it:
 * type `deb` or `apk`, the distribution as namespace, and the qualifiers
 * `arch`, `distro` (`debian-12`) and `upstream` (the source package,
 * `glibc` or `glibc@2.36-9` when dpkg states its version) when known.
 *
 * @example
 * ```ts
 * osPackagePurl({
 *   type: 'deb', distribution: 'debian', distro: 'debian-12', name: 'libc6',
 *   version: '2.36-9+deb12u4', source: 'glibc', architecture: 'amd64',
 *   database: '/var/lib/dpkg/status',
 * }); // 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc'
 * ```
 */
export function osPackagePurl(pkg: OsPackage): string {
  const qualifiers = {
    ...(pkg.architecture === undefined ? {} : { arch: pkg.architecture }),
    ...(pkg.distro === undefined ? {} : { distro: pkg.distro }),
    // syft's form: `upstream=<source>`, or `<source>@<version>` when the version is stated.
    ...(pkg.source === undefined
      ? {}
      : {
          upstream: pkg.source + (pkg.sourceVersion === undefined ? '' : `@${pkg.sourceVersion}`),
        }),
  };
  return new PackageURL(
    pkg.type,
    pkg.distribution,
    pkg.name,
    pkg.version,
    Object.keys(qualifiers).length === 0 ? undefined : qualifiers,
  ).toString();
}
