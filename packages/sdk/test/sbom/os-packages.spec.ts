import type { OsPackage, RootFileReader } from '@imprint/sdk';
import {
  OS_PACKAGE_PATHS,
  osPackagePurl,
  parseApkInstalled,
  parseDpkgStatus,
  readOsPackages,
} from '@imprint/sdk';

/**
 * OS package discovery: the dpkg and apk databases of a root filesystem, read
 * through a file reader, and the package URL of each package.
 */

const DPKG_STATUS = [
  'Package: base-files',
  'Status: install ok installed',
  'Architecture: amd64',
  'Version: 12.4+deb12u5',
  'Description: Debian base system miscellaneous files',
  ' This package contains the basic filesystem hierarchy.',
  '',
  'Package: libc6',
  'Status: install ok installed',
  'Architecture: amd64',
  'Source: glibc',
  'Version: 2.36-9+deb12u4',
  'License: LGPL-2.1-or-later',
  '',
  'Package: bash',
  'Status: install ok installed',
  'Source: bash (5.2.15-2)',
  'Version: 5.2.15-2+b7',
  '',
  'Package: vim-tiny',
  'Status: deinstall ok config-files',
  'Version: 2:9.0.1378-2',
  '',
].join('\n');

const APK_INSTALLED = [
  'C:Q1Dq8mqa3NtyVHUTCfOuz3Q2KLjSE=',
  'P:musl',
  'V:1.2.4-r2',
  'A:x86_64',
  'L:MIT',
  'o:musl',
  'F:lib',
  'R:ld-musl-x86_64.so.1',
  '',
  'P:ca-certificates-bundle',
  'V:20240226-r0',
  'A:x86_64',
  'L:MPL-2.0 AND MIT',
  'o:ca-certificates',
  '',
].join('\n');

/** A reader over an in-memory root filesystem (path relative to `/` → text). */
const rootOf =
  (files: Record<string, string>): RootFileReader =>
  async (path) =>
    Object.hasOwn(files, path) ? files[path] : undefined;

describe('parseDpkgStatus', () => {
  it('lists installed packages with source, architecture and licence; leaves removed ones out', () => {
    expect(parseDpkgStatus(DPKG_STATUS)).toEqual([
      {
        type: 'deb',
        distribution: 'debian',
        name: 'base-files',
        version: '12.4+deb12u5',
        architecture: 'amd64',
        database: '/var/lib/dpkg/status',
      },
      {
        type: 'deb',
        distribution: 'debian',
        name: 'libc6',
        version: '2.36-9+deb12u4',
        source: 'glibc',
        architecture: 'amd64',
        license: 'LGPL-2.1-or-later',
        database: '/var/lib/dpkg/status',
      },
      {
        type: 'deb',
        distribution: 'debian',
        name: 'bash',
        version: '5.2.15-2+b7',
        source: 'bash',
        sourceVersion: '5.2.15-2',
        database: '/var/lib/dpkg/status',
      },
    ]);
  });

  it('reads CRLF files and states nothing for an empty or damaged one', () => {
    expect(parseDpkgStatus(DPKG_STATUS.replace(/\n/g, '\r\n')).map((p) => p.name)).toEqual([
      'base-files',
      'libc6',
      'bash',
    ]);
    expect(parseDpkgStatus('')).toEqual([]);
    expect(parseDpkgStatus('\u0000\u0001 not a status file\n\nPackage: x')).toEqual([]);
  });
});

describe('parseApkInstalled', () => {
  it('lists packages; an origin other than the package itself is its source', () => {
    const apk = { type: 'apk', distribution: 'alpine', database: '/db' };
    const [musl, bundle, ...rest] = parseApkInstalled(APK_INSTALLED, '/db');
    // musl's origin is musl itself: no source.
    expect(musl).toEqual({
      ...apk,
      name: 'musl',
      version: '1.2.4-r2',
      architecture: 'x86_64',
      license: 'MIT',
    });
    expect(bundle).toEqual({
      ...apk,
      name: 'ca-certificates-bundle',
      version: '20240226-r0',
      source: 'ca-certificates',
      architecture: 'x86_64',
      license: 'MPL-2.0 AND MIT',
    });
    expect(rest).toEqual([]);
    expect(parseApkInstalled(APK_INSTALLED)[0].database).toBe('/lib/apk/db/installed');
  });
});

describe('readOsPackages', () => {
  it('reads the databases and os-release of a root filesystem, and places packages in its release', async () => {
    const found = await readOsPackages(
      rootOf({
        'etc/os-release':
          'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
        'var/lib/dpkg/status': DPKG_STATUS,
      }),
    );
    expect(found.osRelease).toEqual({
      id: 'debian',
      versionId: '12',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    expect(found.packages.map(osPackagePurl)).toEqual([
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12',
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
      'pkg:deb/debian/bash@5.2.15-2+b7?distro=debian-12&upstream=bash%405.2.15-2',
    ]);
  });

  it('reads dpkg before apk; /usr/lib/os-release only when /etc/os-release is absent', async () => {
    const found = await readOsPackages(
      rootOf({
        'usr/lib/os-release': 'ID=alpine\nVERSION_ID=3.20.3\n',
        'lib/apk/db/installed': APK_INSTALLED,
        'var/lib/dpkg/status': DPKG_STATUS,
      }),
    );
    expect(found.osRelease).toEqual({ id: 'alpine', versionId: '3.20.3' });
    // Alpine is no distribution of dpkg's: its packages keep the format's own, without distro.
    expect(found.packages.map((p) => [p.type, p.distribution, p.distro])).toEqual([
      ['deb', 'debian', undefined],
      ['deb', 'debian', undefined],
      ['deb', 'debian', undefined],
      ['apk', 'alpine', 'alpine-3.20.3'],
      ['apk', 'alpine', 'alpine-3.20.3'],
    ]);
    const both = await readOsPackages(
      rootOf({ 'etc/os-release': 'ID=ubuntu\n', 'usr/lib/os-release': 'ID=debian\n' }),
    );
    expect(both).toEqual({ osRelease: { id: 'ubuntu' }, packages: [] });
  });

  it('states no os-release and no packages for a filesystem without them', async () => {
    await expect(readOsPackages(rootOf({}))).resolves.toEqual({ packages: [] });
  });

  it('asks the reader only for OS_PACKAGE_PATHS, and passes its errors on', async () => {
    const asked: string[] = [];
    await readOsPackages(async (path) => {
      asked.push(path);
      return undefined;
    });
    expect(asked.sort()).toEqual([...OS_PACKAGE_PATHS].sort());
    expect(OS_PACKAGE_PATHS).toEqual([
      'var/lib/dpkg/status',
      'lib/apk/db/installed',
      'etc/os-release',
      'usr/lib/os-release',
    ]);
    const failure = new Error('instance gone');
    await expect(readOsPackages(() => Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe('osPackagePurl', () => {
  const pkg: OsPackage = {
    type: 'apk',
    distribution: 'alpine',
    name: 'musl',
    version: '1.2.4-r2',
    database: '/lib/apk/db/installed',
  };

  it('has no qualifiers when the package states none', () => {
    expect(osPackagePurl(pkg)).toBe('pkg:apk/alpine/musl@1.2.4-r2');
  });

  it('encodes names and versions the purl spec escapes', () => {
    expect(
      osPackagePurl({
        ...pkg,
        type: 'deb',
        distribution: 'ubuntu',
        name: 'g++',
        version: '4:12.2.0-3',
      }),
    ).toBe('pkg:deb/ubuntu/g%2B%2B@4:12.2.0-3');
  });
});
