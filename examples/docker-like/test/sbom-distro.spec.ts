import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Spec } from '@cyclonedx/cyclonedx-library';
import type { DockerLikeImageArtifact, PushedImageArtifact } from '@imprint/example-docker-like';
import { postProcess } from './helpers/build';
import { cycloneDxSchemaErrors } from './helpers/cyclonedx-schema';
import {
  FIXTURE_DATABASES,
  packagePurls,
  sbomOf,
  testImages,
  textFile as text,
} from './helpers/sbom';

/**
 * The distribution release in package purls (`distro=debian-12`), read from
 * the os-release of the image's merged filesystem: vulnerability data is per
 * release (OSV's `Debian:12`, `Alpine:v3.20`), so the registry needs it to
 * tell bookworm's openssl from bullseye's.
 */

jest.setTimeout(60_000);

const { dpkgStatus, apkInstalled } = FIXTURE_DATABASES;
const { image, dirs } = testImages();

// As the distributions ship them (abridged).
const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`;
const DEBIAN_SID = `PRETTY_NAME="Debian GNU/Linux trixie/sid"
NAME="Debian GNU/Linux"
VERSION_CODENAME=trixie
ID=debian
`;
const UBUNTU_2204 = `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
ID=ubuntu
ID_LIKE=debian
`;
const ALPINE_3203 = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.3
PRETTY_NAME="Alpine Linux v3.20"
`;
const MINT_213 = `NAME="Linux Mint"
VERSION_ID="21.3"
ID=linuxmint
ID_LIKE="ubuntu debian"
`;

const osReleaseProperties = (artifact: DockerLikeImageArtifact | PushedImageArtifact) =>
  (sbomOf(artifact).document.metadata.component.properties ?? []).filter((p) =>
    p.name.startsWith('imprint:docker-like:os_release_'),
  );

describe('purls of an image with an os-release', () => {
  it('Debian 12: /etc/os-release + dpkg status give distro=debian-12', async () => {
    const debian = await image('debian', [text('/etc/os-release', DEBIAN_12), dpkgStatus]);
    expect(packagePurls(debian)).toEqual([
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12',
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
    ]);
    expect(sbomOf(debian).document.components?.find((c) => c.name === 'libc6')).toMatchObject({
      purl: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
      'bom-ref': 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
    });
    expect(osReleaseProperties(debian)).toEqual([
      { name: 'imprint:docker-like:os_release_id', value: 'debian' },
      {
        name: 'imprint:docker-like:os_release_pretty_name',
        value: 'Debian GNU/Linux 12 (bookworm)',
      },
      { name: 'imprint:docker-like:os_release_version_id', value: '12' },
    ]);
    expect(
      await cycloneDxSchemaErrors(JSON.stringify(sbomOf(debian).document), Spec.Version.v1dot7),
    ).toEqual([]);
  });

  it('Alpine 3.20: /etc/os-release + apk database give distro=alpine-3.20.3', async () => {
    const alpine = await image('alpine', [text('/etc/os-release', ALPINE_3203), apkInstalled]);
    expect(packagePurls(alpine)).toEqual([
      'pkg:apk/alpine/ca-certificates-bundle@20240226-r0?arch=x86_64&distro=alpine-3.20.3&upstream=ca-certificates',
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.20.3',
    ]);
  });

  it('Ubuntu: ID names the namespace; /etc/os-release as the usual link to /usr/lib/os-release', async () => {
    const root = await dirs.make('ubuntu-rootfs');
    await mkdir(join(root, 'usr/lib'), { recursive: true });
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'usr/lib/os-release'), UBUNTU_2204);
    await symlink('../usr/lib/os-release', join(root, 'etc/os-release'));
    const ubuntu = await image('ubuntu', [{ source: root, destination: '/' }, dpkgStatus]);
    expect(packagePurls(ubuntu)).toEqual([
      'pkg:deb/ubuntu/base-files@12.4+deb12u5?arch=amd64&distro=ubuntu-22.04',
      'pkg:deb/ubuntu/libc6@2.36-9+deb12u4?arch=amd64&distro=ubuntu-22.04&upstream=glibc',
    ]);
  });

  it('/etc/os-release wins over /usr/lib/os-release; once whited out, the latter is read', async () => {
    const both = await image('both', [
      text('/etc/os-release', DEBIAN_12),
      text('/usr/lib/os-release', UBUNTU_2204),
      dpkgStatus,
    ]);
    expect(packagePurls(both)[0]).toBe(
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12',
    );
    const child = await image('child', [text('/etc/.wh.os-release', '')], both.layoutDir);
    expect(packagePurls(child)[0]).toBe(
      'pkg:deb/ubuntu/base-files@12.4+deb12u5?arch=amd64&distro=ubuntu-22.04',
    );
  });

  it('a later layer that replaces os-release changes the release of the packages below', async () => {
    const bookworm = await image('bookworm', [text('/etc/os-release', DEBIAN_12), dpkgStatus]);
    const sid = await image('sid', [text('/etc/os-release', DEBIAN_SID)], bookworm.layoutDir);
    // No VERSION_ID (testing, sid): no release to state.
    expect(packagePurls(sid)).toEqual([
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64',
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc',
    ]);
    expect(osReleaseProperties(sid)).toEqual([
      { name: 'imprint:docker-like:os_release_id', value: 'debian' },
      { name: 'imprint:docker-like:os_release_pretty_name', value: 'Debian GNU/Linux trixie/sid' },
    ]);
  });

  it("keeps the format's own namespace, without distro, for a distribution it does not know", async () => {
    const mint = await image('mint', [text('/etc/os-release', MINT_213), dpkgStatus]);
    expect(packagePurls(mint)).toEqual([
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64',
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc',
    ]);
    // The image component still says what the image is.
    expect(osReleaseProperties(mint)).toContainEqual({
      name: 'imprint:docker-like:os_release_id',
      value: 'linuxmint',
    });
    // An apk database in a Debian image is not Debian's.
    const mixed = await image('mixed', [text('/etc/os-release', DEBIAN_12), apkInstalled]);
    expect(packagePurls(mixed)).toEqual([
      'pkg:apk/alpine/ca-certificates-bundle@20240226-r0?arch=x86_64&upstream=ca-certificates',
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64',
    ]);
  });

  it('states no distro and no os-release properties when the image has no os-release', async () => {
    const bare = await image('bare', [dpkgStatus]);
    expect(packagePurls(bare)).toEqual([
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64',
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc',
    ]);
    expect(osReleaseProperties(bare)).toEqual([]);
  });

  it('push keeps the os-release properties; the document stays byte-identical across builds', async () => {
    const files = [text('/etc/os-release', DEBIAN_12), dpkgStatus];
    const first = await image('repeat', files);
    const again = await image('repeat', files);
    expect(JSON.stringify(sbomOf(again).document)).toBe(JSON.stringify(sbomOf(first).document));

    const registry = await dirs.make('registry');
    const pushed = (
      await postProcess<PushedImageArtifact>(
        'docker-like-push',
        { registry_dir: registry, repository: 'examples/debian', tag: '12' },
        first,
        await dirs.make('push'),
      )
    ).artifact;
    expect(sbomOf(pushed).document.metadata.component.properties).toEqual(
      sbomOf(first).document.metadata.component.properties,
    );
    expect(packagePurls(pushed)).toEqual(packagePurls(first));
  });
});
