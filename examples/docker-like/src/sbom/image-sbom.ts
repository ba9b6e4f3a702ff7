import { createHash } from 'node:crypto';
import type * as Cdx from '@cyclonedx/cyclonedx-library';
import type { ArtifactSbom, OsPackage, OsRelease } from '@imprint/sdk';
import { osPackagePurl } from '@imprint/sdk';
import { PackageURL } from 'packageurl-js';
import { digestHex } from '../oci/digest';
import { PLUGIN_NAME, PLUGIN_VERSION } from '../version';

// Loaded when the first SBOM is made, not when the plugin loads (`imprint
// validate` loads plugins and never builds).
let cdxModule: typeof Cdx | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdx = (): typeof Cdx => (cdxModule ??= require('@cyclonedx/cyclonedx-library') as typeof Cdx);

/** Names of the properties this plugin adds to its documents. */
export const SBOM_PROPERTIES = {
  /** On the image component: the config digest (the image ID). */
  imageId: 'imprint:docker-like:image_id',
  /** On the image component: the image's operating system (`linux`). */
  os: 'imprint:docker-like:os',
  /** On the image component: `ID` of the image's os-release (`debian`), when it has one. */
  osReleaseId: 'imprint:docker-like:os_release_id',
  /** On the image component: its `VERSION_ID` (`12`). */
  osReleaseVersionId: 'imprint:docker-like:os_release_version_id',
  /** On the image component: its `PRETTY_NAME` (`Debian GNU/Linux 12 (bookworm)`). */
  osReleasePrettyName: 'imprint:docker-like:os_release_pretty_name',
  /** On a package: the database it was read from. */
  packageDatabase: 'imprint:docker-like:package_database',
  /** On a package: the source package it was built from, when not itself (`glibc` for `libc6`). */
  sourcePackage: 'imprint:docker-like:source_package',
  /** On a package: that source package's version, when the database states one. */
  sourceVersion: 'imprint:docker-like:source_version',
  /** On the metadata: a layer that was not read (zstd on a Node.js without zstd). */
  unreadLayer: 'imprint:docker-like:unread_layer',
} as const;

// Which image-component property states which os-release field: written by
// the builder, read back by a push, which has the document but not the layers.
const OS_RELEASE_PROPERTIES = [
  ['id', SBOM_PROPERTIES.osReleaseId],
  ['versionId', SBOM_PROPERTIES.osReleaseVersionId],
  ['prettyName', SBOM_PROPERTIES.osReleasePrettyName],
] as const satisfies readonly (readonly [keyof OsRelease, string])[];

/** Who the image is, as its SBOM's metadata component states it. */
export interface SbomImage {
  /** Image name: the layout directory's name, or the repository once pushed (`team/app`). */
  readonly name: string;
  readonly tag: string;
  readonly manifestDigest: string;
  /** The config digest. */
  readonly imageId: string;
  readonly architecture: string;
  readonly os: string;
  /** The repository, once pushed; the purl's `repository_url`. */
  readonly repository?: string;
}

/** What the image contains. */
export interface SbomContents {
  /** What the image's os-release states; absent when it has none. */
  readonly osRelease?: OsRelease;
  readonly packages: readonly OsPackage[];
  /** Files the build added: absolute image path (`/srv/app/app.json`) and sha256 of the content (hex). */
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
  readonly unreadLayers: readonly string[];
}

/**
 * The CycloneDX SBOM of an image: the image as metadata component, its OS
 * packages and the files the build added as components. Deterministic: the
 * timestamp is the image's creation time, the serial number is derived from
 * the manifest digest, and every list is sorted, so the same build gives the
 * same document byte for byte.
 */
export function buildImageSbom(
  image: SbomImage,
  /** When the image was created (RFC 3339): the document's timestamp. */
  created: string,
  contents: SbomContents,
): ArtifactSbom {
  const { Models, Enums } = cdx();
  const bom = new Models.Bom({ serialNumber: serialNumberOf(image.manifestDigest) });
  bom.metadata.timestamp = new Date(created);
  bom.metadata.component = imageComponent(image, contents.osRelease);
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, PLUGIN_NAME, { version: PLUGIN_VERSION }),
  );
  for (const digest of contents.unreadLayers) {
    bom.metadata.properties.add(new Models.Property(SBOM_PROPERTIES.unreadLayer, digest));
  }
  for (const pkg of contents.packages) bom.components.add(packageComponent(pkg));
  for (const file of contents.files) {
    const component = new Models.Component(Enums.ComponentType.File, file.path, {
      bomRef: `file:${file.path}`,
    });
    component.hashes.set(Enums.HashAlgorithm['SHA-256'], file.sha256);
    bom.components.add(component);
  }
  const serializer = new (cdx().Serialize.JsonSerializer)(normalizerFactory());
  const document = JSON.parse(serializer.serialize(bom, { sortLists: true })) as object;
  return deepFreeze({ format: 'cyclonedx', name: `${image.name}:${image.tag}`, document });
}

/**
 * The SBOM of the same image under a new identity (a push): the metadata
 * component is replaced and the document's `version` incremented, as
 * CycloneDX asks of a modified BOM; the serial number stays. Documents this
 * plugin did not write (SPDX, no metadata component) keep their content.
 * The os-release properties of the old component are kept: the image's
 * filesystem is the same.
 */
export function retargetImageSbom(sbom: ArtifactSbom, image: SbomImage): ArtifactSbom {
  const name = `${image.name}:${image.tag}`;
  const document = sbom.document as {
    metadata?: { component?: { properties?: unknown } };
    version?: unknown;
  };
  if (sbom.format !== 'cyclonedx' || document.metadata?.component === undefined) {
    return deepFreeze({ ...sbom, name });
  }
  const component = normalizerFactory()
    .makeForComponent()
    .normalize(imageComponent(image, osReleaseIn(document.metadata.component.properties)), {
      sortLists: true,
    });
  // Through JSON, as the builder's document went: the normalizer leaves `undefined` members.
  const retargeted = JSON.parse(JSON.stringify(document)) as typeof document & { metadata: object };
  retargeted.metadata = {
    ...retargeted.metadata,
    component: JSON.parse(JSON.stringify(component)),
  };
  retargeted.version = (typeof document.version === 'number' ? document.version : 1) + 1;
  return deepFreeze({ format: 'cyclonedx', name, document: retargeted });
}

function imageComponent(image: SbomImage, osRelease: OsRelease | undefined): Cdx.Models.Component {
  const { Models, Enums } = cdx();
  const purlName = (image.repository ?? image.name).split('/').pop() as string;
  const component = new Models.Component(Enums.ComponentType.Container, image.name, {
    bomRef: image.manifestDigest,
    version: image.tag,
    purl: new PackageURL('oci', undefined, purlName.toLowerCase(), image.manifestDigest, {
      arch: image.architecture,
      ...(image.repository === undefined ? {} : { repository_url: image.repository }),
      tag: image.tag,
    }).toString(),
  });
  component.hashes.set(Enums.HashAlgorithm['SHA-256'], digestHex(image.manifestDigest));
  component.properties.add(new Models.Property(SBOM_PROPERTIES.imageId, image.imageId));
  component.properties.add(new Models.Property(SBOM_PROPERTIES.os, image.os));
  for (const [field, name] of OS_RELEASE_PROPERTIES) {
    const value = osRelease?.[field];
    if (value !== undefined) component.properties.add(new Models.Property(name, value));
  }
  return component;
}

/** The os-release an image component's JSON properties state; undefined when they state none. */
function osReleaseIn(properties: unknown): OsRelease | undefined {
  const release: { -readonly [K in keyof OsRelease]: string } = {};
  for (const property of Array.isArray(properties) ? (properties as unknown[]) : []) {
    const { name, value } = (property ?? {}) as { name?: unknown; value?: unknown };
    const field = OS_RELEASE_PROPERTIES.find(([, n]) => n === name)?.[0];
    if (field !== undefined && typeof value === 'string') release[field] = value;
  }
  return Object.keys(release).length === 0 ? undefined : release;
}

function packageComponent(pkg: OsPackage): Cdx.Models.Component {
  const { Models, Enums } = cdx();
  const purl = osPackagePurl(pkg);
  const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef: purl,
    version: pkg.version,
    purl,
  });
  if (pkg.license !== undefined) component.licenses.add(licenseOf(pkg.license));
  component.properties.add(new Models.Property(SBOM_PROPERTIES.packageDatabase, pkg.database));
  if (pkg.source !== undefined) {
    component.properties.add(new Models.Property(SBOM_PROPERTIES.sourcePackage, pkg.source));
  }
  if (pkg.sourceVersion !== undefined) {
    component.properties.add(new Models.Property(SBOM_PROPERTIES.sourceVersion, pkg.sourceVersion));
  }
  return component;
}

/** An SPDX id, an SPDX expression (`MIT AND BSD-2-Clause`), or a free-form name (`GPL2+`). */
function licenseOf(text: string): Cdx.Models.License {
  const { Models, SPDX } = cdx();
  if (SPDX.isSupportedSpdxId(text)) return new Models.SpdxLicense(text);
  if (/\s(?:AND|OR|WITH)\s/.test(text)) return new Models.LicenseExpression(text);
  return new Models.NamedLicense(text);
}

// CycloneDX 1.7, the newest version the library writes.
function normalizerFactory(): Cdx.Serialize.JSON.Normalize.Factory {
  const { Serialize, Spec } = cdx();
  return new Serialize.JSON.Normalize.Factory(Spec.Spec1dot7);
}

/**
 * `urn:uuid:` of a name-based UUID (RFC 9562 version 8: sha256 of the name,
 * version and variant bits set), so that an image always gets the same serial
 * number and two images never share one.
 */
export function serialNumberOf(manifestDigest: string): string {
  const bytes = createHash('sha256')
    .update(`imprint.sbom:${manifestDigest}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Artifacts hand the same document to every consumer: frozen, none can change it for the others.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
