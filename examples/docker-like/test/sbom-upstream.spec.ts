import { Spec } from '@cyclonedx/cyclonedx-library';
import type { DockerLikeImageArtifact } from '@imprint/example-docker-like';
import { PackageURL } from 'packageurl-js';
import { cycloneDxSchemaErrors } from './helpers/cyclonedx-schema';
import { FIXTURE_DATABASES, packagePurls, sbomOf, testImages, textFile } from './helpers/sbom';

/**
 * The source package in package purls (`upstream=glibc` on libc6), as syft
 * writes it: OSV's Debian, Ubuntu and Alpine records name source packages, so
 * the registry needs the source to match a binary package's vulnerabilities.
 */

jest.setTimeout(60_000);

const { image } = testImages();

const SOURCE_PROPERTIES = [
  'imprint:docker-like:source_package',
  'imprint:docker-like:source_version',
];

/** The source properties of each package component, by package name. */
const sourceProperties = (artifact: DockerLikeImageArtifact) =>
  Object.fromEntries(
    (sbomOf(artifact).document.components ?? [])
      .filter((c) => c.type === 'library')
      .map((c) => [c.name, (c.properties ?? []).filter((p) => SOURCE_PROPERTIES.includes(p.name))]),
  );

const stanza = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n');
const dpkg = (name: string, version: string, source?: string) =>
  stanza({
    Package: name,
    Status: 'install ok installed',
    Architecture: 'amd64',
    ...(source === undefined ? {} : { Source: source }),
    Version: version,
  });

describe('the upstream qualifier: the source package of a binary package', () => {
  it('dpkg: Source: names it, with the source version when dpkg states one', async () => {
    const status = [
      // A source version in parentheses: binary and source versions differ.
      dpkg('libgcc-s1', '12.2.0-14', 'gcc-12 (12.2.0-14)'),
      // A binary-only rebuild (binNMU) of a package whose source has its name.
      dpkg('bash', '5.2.15-2+b7', 'bash (5.2.15-2)'),
      dpkg('zlib1g', '1:1.2.13.dfsg-1', 'zlib'),
      // Values dpkg does not write, from an image: no build fails over them.
      dpkg('libssl3', '3.0.15-1~deb12u1', 'openssl (3.0.15-1~deb12u1'),
      dpkg('coreutils', '9.1-1', 'coreutils'),
      dpkg('sed', '4.9-1', ''),
      dpkg('grep', '3.8-5', '(3.8-5)'),
      dpkg('gzip', '1.12-1', 'Not A Name'),
    ].join('\n\n');
    const debian = await image('dpkg', [
      textFile('/etc/os-release', 'ID=debian\nVERSION_ID="12"\n'),
      textFile('/var/lib/dpkg/status', `${status}\n`),
    ]);
    expect(packagePurls(debian)).toEqual([
      'pkg:deb/debian/bash@5.2.15-2+b7?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2',
      'pkg:deb/debian/coreutils@9.1-1?arch=amd64&distro=debian-12',
      'pkg:deb/debian/grep@3.8-5?arch=amd64&distro=debian-12',
      'pkg:deb/debian/gzip@1.12-1?arch=amd64&distro=debian-12',
      'pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14',
      'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl',
      'pkg:deb/debian/sed@4.9-1?arch=amd64&distro=debian-12',
      'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib',
    ]);
    // A purl reader gets the source back as written: name, then `@version`.
    const upstreams = packagePurls(debian).map(
      (purl) => PackageURL.fromString(purl as string).qualifiers?.upstream,
    );
    expect(upstreams).toEqual([
      'bash@5.2.15-2',
      undefined,
      undefined,
      undefined,
      'gcc-12@12.2.0-14',
      'openssl',
      undefined,
      'zlib',
    ]);
    expect(sourceProperties(debian)).toEqual({
      bash: [
        { name: 'imprint:docker-like:source_package', value: 'bash' },
        { name: 'imprint:docker-like:source_version', value: '5.2.15-2' },
      ],
      coreutils: [],
      grep: [],
      gzip: [],
      'libgcc-s1': [
        { name: 'imprint:docker-like:source_package', value: 'gcc-12' },
        { name: 'imprint:docker-like:source_version', value: '12.2.0-14' },
      ],
      libssl3: [{ name: 'imprint:docker-like:source_package', value: 'openssl' }],
      sed: [],
      zlib1g: [{ name: 'imprint:docker-like:source_package', value: 'zlib' }],
    });
    expect(
      await cycloneDxSchemaErrors(JSON.stringify(sbomOf(debian).document), Spec.Version.v1dot7),
    ).toEqual([]);
  });

  it('dpkg and apk fixtures: libc6 from glibc, a subpackage from its origin, none for the rest', async () => {
    const both = await image('fixtures', [
      textFile('/etc/os-release', 'ID=alpine\nVERSION_ID=3.20.3\n'),
      FIXTURE_DATABASES.dpkgStatus,
      FIXTURE_DATABASES.apkInstalled,
    ]);
    expect(packagePurls(both)).toEqual([
      'pkg:apk/alpine/ca-certificates-bundle@20240226-r0?arch=x86_64&distro=alpine-3.20.3&upstream=ca-certificates',
      // o:musl is the package itself: nothing to state.
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.20.3',
      // No Source: line, the source is the package itself.
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64',
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc',
    ]);
    expect(sourceProperties(both)).toEqual({
      'base-files': [],
      'ca-certificates-bundle': [
        { name: 'imprint:docker-like:source_package', value: 'ca-certificates' },
      ],
      libc6: [{ name: 'imprint:docker-like:source_package', value: 'glibc' }],
      musl: [],
    });
  });

  it('apk: no o: line, or one naming the package itself, states no upstream', async () => {
    const apk = await image('apk', [
      textFile(
        '/lib/apk/db/installed',
        [
          'P:libcrypto3\nV:3.3.2-r0\nA:x86_64\no:openssl',
          'P:busybox\nV:1.36.1-r29\nA:x86_64\no:busybox',
          'P:scanelf\nV:1.3.7-r2\nA:x86_64',
          'P:libssl3\nV:3.3.2-r0\nA:x86_64\no:',
        ].join('\n\n') + '\n',
      ),
    ]);
    expect(packagePurls(apk)).toEqual([
      'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64',
      'pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&upstream=openssl',
      'pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64',
      'pkg:apk/alpine/scanelf@1.3.7-r2?arch=x86_64',
    ]);
  });
});
