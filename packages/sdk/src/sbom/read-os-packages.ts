import type { OsPackage } from './os-packages';
import { PACKAGE_DATABASES, inDistribution } from './os-packages';
import type { OsRelease } from './os-release';
import { OS_RELEASE_PATHS, readOsRelease } from './os-release';
import type { RootFileReader } from './root-file-reader';

/** What {@link readOsPackages} found in a root filesystem. */
export interface OsPackages {
  /** What its os-release states; absent when it has none. */
  readonly osRelease?: OsRelease;
  /** The installed packages: dpkg's first, then apk's, each in database order. */
  readonly packages: readonly OsPackage[];
}

/**
 * Every file {@link readOsPackages} may read, relative to `/`: for a reader
 * that must know them up front (a layer scan keeps only the files it is
 * asked for).
 */
export const OS_PACKAGE_PATHS: readonly string[] = Object.freeze([
  ...PACKAGE_DATABASES.map((db) => db.path),
  ...OS_RELEASE_PATHS,
]);

/**
 * The operating system and OS packages of a root filesystem: its os-release
 * (`/etc/os-release`, else `/usr/lib/os-release`) and the packages of its
 * dpkg status file (`/var/lib/dpkg/status`) and apk database
 * (`/lib/apk/db/installed`), placed in the distribution the os-release names
 * (purl namespace and `distro`). A filesystem without any of them gives no
 * os-release and no packages. The files come from the image, not from
 * whoever builds it: what cannot be read as the format describes is skipped,
 * never thrown; only the reader's own errors reject.
 *
 * @example
 * ```ts
 * const { osRelease, packages } = await readOsPackages(async (path) =>
 *   readFile(join(rootDir, path), 'utf8').catch(() => undefined),
 * );
 * packages.map(osPackagePurl); // ['pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64&distro=debian-12', …]
 * ```
 */
export async function readOsPackages(read: RootFileReader): Promise<OsPackages> {
  const osRelease = await readOsRelease(read);
  const packages: OsPackage[] = [];
  for (const db of PACKAGE_DATABASES) {
    const content = await read(db.path);
    if (content === undefined) continue;
    for (const pkg of db.parse(content, `/${db.path}`)) {
      packages.push(inDistribution(pkg, osRelease));
    }
  }
  return osRelease === undefined ? { packages } : { osRelease, packages };
}
