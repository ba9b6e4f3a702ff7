import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import type { ArtifactSbom, PackerArtifact } from '@imprint/sdk';
import { ARTIFACT_SBOM_STATE_KEY, decodeArtifactSbom } from '@imprint/sdk';
import type { CloudClient } from '@imprint/example-aws-like';
import { InvalidCloudRequestError, sequentialIds } from '@imprint/example-aws-like';
import type { CloudFixture } from './helpers';
import { createCloudFixture, prepareBuilder, rejectionOf, wrapClient } from './helpers';
import { imagesIn, steppingClock } from './helpers';

/**
 * The SBOM an aws-like build states under `imprint.sbom`: the OS packages its
 * provisioners left on the instance, read with the SDK's readOsPackages.
 */

jest.setTimeout(30_000);

const DEBIAN_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
// Two packages as dpkg writes them; libc6 comes from another source package.
const DPKG_STATUS = `Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a-0+deb12u1

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4
License: LGPL-2.1-or-later
`;
// In document order: the library sorts components by bom-ref (the purl).
const DEBIAN_PURLS = [
  'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
  'pkg:deb/debian/tzdata@2024a-0+deb12u1?arch=all&distro=debian-12',
];

interface Component {
  type: string;
  name: string;
  'bom-ref'?: string;
  purl?: string;
  properties?: { name: string; value: string }[];
  licenses?: unknown[];
}
type Document = {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; component: Component };
  components?: Component[];
};

let fx: CloudFixture;
afterEach(() => fx.cleanup());

const fileStep = (destination: string, content: string) => ({ type: 'file', destination, content });

async function build(
  provision: unknown[],
  client?: CloudClient,
): Promise<PackerArtifact & { sourceAmi: string; amis: Record<string, string> }> {
  const { builder } = await prepareBuilder(client ?? fx.cloud, {
    region: 'us-east-1',
    source_ami: fx.base.imageId,
    ami_name: 'web-server',
    ami_regions: ['eu-west-1'],
    provision,
  });
  return builder.run(fx.context());
}

function sbomOf(artifact: PackerArtifact): ArtifactSbom & { document: Document } {
  const sbom = decodeArtifactSbom(artifact.state(ARTIFACT_SBOM_STATE_KEY));
  if (sbom === undefined) throw new Error('the artifact states no SBOM');
  return sbom as ArtifactSbom & { document: Document };
}

const purls = (sbom: { document: Document }) => (sbom.document.components ?? []).map((c) => c.purl);
const properties = (component: Component) =>
  Object.fromEntries((component.properties ?? []).map((p) => [p.name, p.value]));

describe('the SBOM of an aws-like image (imprint.sbom)', () => {
  it('lists the dpkg packages a provisioner wrote, in the Debian release os-release names', async () => {
    fx = await createCloudFixture({ generateId: sequentialIds(), now: steppingClock() });
    const artifact = await build([
      fileStep('/etc/os-release', DEBIAN_12),
      fileStep('/var/lib/dpkg/status', DPKG_STATUS),
    ]);
    const sbom = sbomOf(artifact);
    expect(sbom.format).toBe('cyclonedx');
    expect(sbom.name).toBe('ami-us-east-1');
    expect(sbom.name).toMatch(/^[A-Za-z0-9_-]{3,36}$/);
    expect(purls(sbom)).toEqual(DEBIAN_PURLS);
    const libc = sbom.document.components!.find((c) => c.name === 'libc6')!;
    expect(libc).toMatchObject({ type: 'library', 'bom-ref': DEBIAN_PURLS[0] });
    expect(libc.licenses).toEqual([{ license: { id: 'LGPL-2.1-or-later' } }]);
    expect(properties(libc)).toEqual({
      'imprint:aws-like:package_database': '/var/lib/dpkg/status',
    });

    const image = sbom.document.metadata.component;
    expect(image).toMatchObject({
      type: 'operating-system',
      name: 'web-server',
      'bom-ref': artifact.amis['us-east-1'],
    });
    expect(properties(image)).toEqual({
      'imprint:aws-like:region': 'us-east-1',
      'imprint:aws-like:source_ami': fx.base.imageId,
      'imprint:aws-like:os_release_id': 'debian',
      'imprint:aws-like:os_release_version_id': '12',
      'imprint:aws-like:os_release_pretty_name': 'Debian GNU/Linux 12 (bookworm)',
    });
    // The image's creation date (the stepping clock's), not the wall clock.
    const [created] = await fx.cloud.describeImages({
      region: 'us-east-1',
      imageIds: [artifact.amis['us-east-1']],
    });
    expect(sbom.document.metadata.timestamp).toBe(created.creationDate);
    expect(created.creationDate).toBe('2024-01-01T00:01:00.000Z');
    expect(sbom.document.specVersion).toBe('1.7');
    expect(sbom.document.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('validates against the CycloneDX 1.7 JSON schema', async () => {
    fx = await createCloudFixture();
    const sbom = sbomOf(
      await build([
        fileStep('/etc/os-release', DEBIAN_12),
        fileStep('/var/lib/dpkg/status', DPKG_STATUS),
      ]),
    );
    // The library's own strict validator and schema files; it needs ajv 8, ajv-formats and
    // ajv-formats-draft2019 (devDependencies).
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot7);
    expect(await validator.validate(JSON.stringify(sbom.document))).toBeNull();
  });

  it('is byte-identical when the same build runs again in another cloud', async () => {
    const documents: string[] = [];
    for (let run = 0; run < 2; run++) {
      fx = await createCloudFixture({ generateId: sequentialIds(), now: steppingClock() });
      const artifact = await build([fileStep('/var/lib/dpkg/status', DPKG_STATUS)]);
      documents.push(JSON.stringify(sbomOf(artifact).document));
      if (run === 0) await fx.cleanup();
    }
    expect(documents[1]).toBe(documents[0]);
  });

  it('states an SBOM without components for an image without package databases', async () => {
    fx = await createCloudFixture();
    const sbom = sbomOf(await build([fileStep('/etc/motd', 'hello\n')]));
    expect(sbom.document.components ?? []).toEqual([]);
    // The base image's os-release (Ubuntu 22.04) is still stated.
    expect(properties(sbom.document.metadata.component)).toMatchObject({
      'imprint:aws-like:os_release_id': 'ubuntu',
      'imprint:aws-like:os_release_version_id': '22.04',
    });
  });

  it('follows links inside the instance, never one that leads out of it', async () => {
    fx = await createCloudFixture();
    // A status file outside the instance: the build must not list its package.
    const outside = join(fx.root, 'host-status');
    await writeFile(outside, DPKG_STATUS);
    const artifact = await build([
      {
        type: 'shell',
        inline: [
          'mkdir -p usr/lib var/lib/dpkg',
          `printf '%s' '${DEBIAN_12}' > usr/lib/os-release`,
          'ln -sf ../usr/lib/os-release etc/os-release',
          `ln -s '${outside}' var/lib/dpkg/status`,
        ],
      },
    ]);
    const sbom = sbomOf(artifact);
    expect(purls(sbom)).toEqual([]);
    expect(properties(sbom.document.metadata.component)).toMatchObject({
      'imprint:aws-like:os_release_id': 'debian',
    });
  });

  it('is frozen: a consumer cannot change what the next one reads', async () => {
    fx = await createCloudFixture();
    const artifact = await build([fileStep('/var/lib/dpkg/status', DPKG_STATUS)]);
    const sbom = artifact.state(ARTIFACT_SBOM_STATE_KEY) as { document: Document };
    expect(() => {
      sbom.document.components![0].name = 'changed';
    }).toThrow(TypeError);
    expect(sbomOf(artifact).document.components![0].name).toBe('libc6');
  });

  it('fails the build, leaving no image, when the instance cannot be read', async () => {
    fx = await createCloudFixture();
    const unreadable = wrapClient(fx.cloud, {
      downloadFile: () => Promise.reject(new Error('connection reset')),
    });
    const error = await rejectionOf(build([fileStep('/etc/motd', 'hello\n')], unreadable));
    expect(error.message).toBe('connection reset');
    expect(await imagesIn(fx.cloud, ['us-east-1', 'eu-west-1'])).toEqual({
      'us-east-1': [fx.base.name],
      'eu-west-1': [],
    });
    expect(await readdir(join(fx.cloudDir, 'us-east-1', 'instances'))).toEqual([]);
  });
});

describe('LocalCloud.downloadFile', () => {
  it('reads a file of a running instance; a path without a regular file reads as absent', async () => {
    fx = await createCloudFixture();
    const instance = await fx.cloud.runInstance({
      region: 'us-east-1',
      imageId: fx.base.imageId,
      instanceType: 't3.micro',
    });
    await fx.cloud.uploadFile(instance, '/etc/motd', 'hello\n');
    expect(await fx.cloud.downloadFile(instance, '/etc/motd')).toBe('hello\n');
    expect(await fx.cloud.downloadFile(instance, '/etc/../etc/os-release')).toBe(
      'ID=ubuntu\nVERSION_ID="22.04"\n',
    );
    expect(await fx.cloud.downloadFile(instance, '/no/such/file')).toBeUndefined();
    expect(await fx.cloud.downloadFile(instance, '/etc')).toBeUndefined();
    expect(await fx.cloud.downloadFile(instance, '/etc/motd/below')).toBeUndefined();
    // `..` cannot climb out of the instance's root.
    expect(await fx.cloud.downloadFile(instance, '/../../../etc/motd')).toBe('hello\n');
    const root = join(fx.cloudDir, 'us-east-1', 'instances', instance.instanceId, 'root');
    await mkdir(join(root, 'links'));
    await symlink(join(fx.root, 'outside'), join(root, 'links', 'outside'));
    await writeFile(join(fx.root, 'outside'), 'secret');
    expect(await fx.cloud.downloadFile(instance, '/links/outside')).toBeUndefined();
    await expect(fx.cloud.downloadFile(instance, 'etc/motd')).rejects.toBeInstanceOf(
      InvalidCloudRequestError,
    );
    await fx.cloud.terminateInstance(instance);
  });
});
