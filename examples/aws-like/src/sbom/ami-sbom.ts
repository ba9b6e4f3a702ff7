import { createHash } from 'node:crypto';
import type * as Cdx from '@cyclonedx/cyclonedx-library';
import type { ArtifactSbom, OsPackage, OsPackages } from '@imprint/sdk';
import { osPackagePurl } from '@imprint/sdk';
import type { CloudImage } from '../cloud/cloud-client';
import { PLUGIN_NAME, PLUGIN_VERSION } from '../version';

/** Names of the properties this plugin adds to its SBOMs. */
export const AMI_SBOM_PROPERTIES = {
  /** On the image component: its region. */
  region: 'imprint:aws-like:region',
  /** On the image component: the image the build started from. */
  sourceAmi: 'imprint:aws-like:source_ami',
  /** On the image component: `ID` of the image's os-release (`debian`), when it has one. */
  osReleaseId: 'imprint:aws-like:os_release_id',
  /** On the image component: its `VERSION_ID` (`12`). */
  osReleaseVersionId: 'imprint:aws-like:os_release_version_id',
  /** On the image component: its `PRETTY_NAME` (`Debian GNU/Linux 12 (bookworm)`). */
  osReleasePrettyName: 'imprint:aws-like:os_release_pretty_name',
  /** On a package: the database it was read from (`/var/lib/dpkg/status`). */
  packageDatabase: 'imprint:aws-like:package_database',
} as const;

/**
 * The CycloneDX 1.7 SBOM of a new image: the image as an `operating-system`
 * metadata component (its AMI id as `bom-ref`, its name, region and source
 * image), and the OS packages found on the instance it was snapshotted from
 * as `library` components. An image without package databases gets a
 * document without components: the SBOM still says what was looked at.
 *
 * Deterministic: the timestamp is the image's creation date, the serial
 * number is derived from its region and id, and every list is sorted.
 * Copies of the image (`ami_regions`) hold the same files, so one SBOM,
 * named `ami-<build region>`, stands for all of them.
 */
export function buildAmiSbom(
  image: CloudImage,
  sourceAmi: string,
  found: OsPackages,
): ArtifactSbom {
  // Required here, when the first SBOM is written, not when the plugin loads
  // (`imprint validate` loads plugins and never builds); Node caches it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdx = require('@cyclonedx/cyclonedx-library') as typeof Cdx;
  const { Models, Enums, Serialize, Spec } = cdx;
  const bom = new Models.Bom({ serialNumber: serialNumberOf(image) });
  bom.metadata.timestamp = new Date(image.creationDate);
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, PLUGIN_NAME, { version: PLUGIN_VERSION }),
  );
  const machine = new Models.Component(Enums.ComponentType.OperatingSystem, image.name, {
    bomRef: image.imageId,
    ...(image.description === '' ? {} : { description: image.description }),
  });
  const { osRelease } = found;
  for (const [name, value] of [
    [AMI_SBOM_PROPERTIES.region, image.region],
    [AMI_SBOM_PROPERTIES.sourceAmi, sourceAmi],
    [AMI_SBOM_PROPERTIES.osReleaseId, osRelease?.id],
    [AMI_SBOM_PROPERTIES.osReleaseVersionId, osRelease?.versionId],
    [AMI_SBOM_PROPERTIES.osReleasePrettyName, osRelease?.prettyName],
  ] as const) {
    if (value !== undefined) machine.properties.add(new Models.Property(name, value));
  }
  bom.metadata.component = machine;
  for (const pkg of found.packages) bom.components.add(packageComponent(cdx, pkg));
  const serializer = new Serialize.JsonSerializer(
    new Serialize.JSON.Normalize.Factory(Spec.Spec1dot7),
  );
  // Frozen to the leaves: the artifact hands the same document to every
  // consumer, and none may change what the next one reads.
  const document = JSON.parse(serializer.serialize(bom, { sortLists: true }), (_key, value) =>
    Object.freeze(value),
  ) as object;
  return Object.freeze({ format: 'cyclonedx', name: `ami-${image.region}`, document });
}

function packageComponent(cdx: typeof Cdx, pkg: OsPackage): Cdx.Models.Component {
  const { Models, Enums, SPDX } = cdx;
  const purl = osPackagePurl(pkg);
  const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef: purl,
    version: pkg.version,
    purl,
  });
  const license = pkg.license;
  if (license !== undefined) {
    // An SPDX id, an SPDX expression (Alpine's `MPL-2.0 AND MIT`), or free text (dpkg's `GPL2+`).
    component.licenses.add(
      SPDX.isSupportedSpdxId(license)
        ? new Models.SpdxLicense(license)
        : / (?:AND|OR|WITH) /.test(license)
          ? new Models.LicenseExpression(license)
          : new Models.NamedLicense(license),
    );
  }
  component.properties.add(new Models.Property(AMI_SBOM_PROPERTIES.packageDatabase, pkg.database));
  return component;
}

/**
 * `urn:uuid:` of a name-based UUID (RFC 9562 version 8 over sha256), so that
 * an image always gets the same serial number and two images never share one.
 */
function serialNumberOf(image: CloudImage): string {
  const hex = createHash('sha256')
    .update(`imprint.sbom:aws-like:${image.region}:${image.imageId}`)
    .digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return `urn:uuid:${uuid}`;
}
