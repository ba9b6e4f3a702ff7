/*
 * SBOM documents with packages for the package specs: CycloneDX with nested
 * components, licences, a file and malformed entries; SPDX with purls.
 */

/** A CycloneDX component. */
export interface Component {
  name: unknown;
  version?: string;
  purl?: string;
  type?: string;
  licenses?: unknown[];
  components?: unknown[];
}

/** A CycloneDX 1.5 document of `components` (JSON bytes). */
export function cycloneDxOf(components: unknown[]): Buffer {
  return Buffer.from(
    JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components }),
  );
}

/** An SPDX 2.3 document of `packages` (JSON bytes). */
export function spdxOf(packages: unknown[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'image',
      dataLicense: 'CC0-1.0',
      packages,
    }),
  );
}

/** An SPDX package with a purl external reference. */
export function spdxPackage(name: string, version: string, purl?: string, license?: string) {
  return {
    SPDXID: `SPDXRef-${name}`,
    name,
    versionInfo: version,
    licenseConcluded: license ?? 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    ...(purl
      ? {
          externalRefs: [
            { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl },
          ],
        }
      : {}),
  };
}

/** `pkg:deb/ubuntu/<name>@<version>` */
export const deb = (name: string, version: string) => `pkg:deb/ubuntu/${name}@${version}`;

/**
 * The OS image SBOM of the specs: openssl 3.0.2 (Apache-2.0), libc6 with a
 * nested zlib (an expression licence), a file (left out), and malformed
 * entries: a name that is not a string (its nested package is still read),
 * no name, not an object, a purl that is not one (the package stays, without it).
 */
export function osImageCycloneDx(): Buffer {
  return cycloneDxOf([
    {
      type: 'library',
      name: 'openssl',
      version: '3.0.2',
      purl: deb('openssl', '3.0.2'),
      licenses: [{ license: { id: 'Apache-2.0' } }],
    },
    {
      type: 'library',
      name: 'libc6',
      version: '2.35',
      purl: deb('libc6', '2.35'),
      licenses: [{ license: { name: 'GNU LGPL' } }],
      components: [
        {
          type: 'library',
          name: 'zlib',
          version: '1.2.11',
          purl: deb('zlib', '1.2.11'),
          licenses: [{ expression: 'Zlib' }],
        },
      ],
    },
    { type: 'file', name: '/etc/os-release', hashes: [] },
    { type: 'library', name: 42, components: [{ type: 'library', name: 'nested', version: '1' }] },
    { type: 'library', version: '9.9' },
    'not a component',
    null,
    { type: 'operating-system', name: 'ubuntu', version: '22.04' },
    { type: 'library', name: 'badpurl', version: '1', purl: 'pkg:nope' },
  ]);
}
