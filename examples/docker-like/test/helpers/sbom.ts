import { join } from 'node:path';
import type { ArtifactSbom, PackerArtifact } from '@imprint/sdk';
import { ARTIFACT_SBOM_STATE_KEY, decodeArtifactSbom } from '@imprint/sdk';
import type { DockerLikeImageArtifact } from '@imprint/example-docker-like';
import { build } from './build';
import { tempDirs } from './temp-dirs';

const OS_ROOTFS = join(__dirname, '..', 'fixtures', 'os-rootfs');

/** `files` entries that copy the fixture package databases to where the SBOM scan reads them. */
export const FIXTURE_DATABASES = {
  dpkgStatus: {
    source: join(OS_ROOTFS, 'var/lib/dpkg/status'),
    destination: '/var/lib/dpkg/status',
  },
  apkInstalled: {
    source: join(OS_ROOTFS, 'lib/apk/db/installed'),
    destination: '/lib/apk/db/installed',
  },
} as const;

/** A `files` entry with inline content. */
export const textFile = (destination: string, content: string) => ({ destination, content });

/**
 * Image builds for one test file: `image(name, files, base?)` builds FROM
 * `base` (scratch) in a new temporary directory of `dirs`, all of which an
 * `afterAll` it registers removes.
 */
export function testImages(): {
  image: (
    name: string,
    files: readonly unknown[],
    base?: string,
  ) => Promise<DockerLikeImageArtifact>;
  dirs: ReturnType<typeof tempDirs>;
} {
  const dirs = tempDirs();
  afterAll(() => dirs.cleanup());
  const image = async (name: string, files: readonly unknown[], base = 'scratch') => {
    const config = { base, output_dir: name, created: '2024-03-01T00:00:00Z', files };
    return (await build(config, await dirs.make(name), name)).artifact;
  };
  return { image, dirs };
}

/** The parts of a CycloneDX JSON document the tests read. */
export interface CycloneDxComponent {
  type: string;
  name: string;
  version?: string;
  purl?: string;
  hashes?: { alg: string; content: string }[];
  licenses?: ({ license: { id?: string; name?: string } } | { expression: string })[];
  properties?: { name: string; value: string }[];
}

export interface CycloneDxDocument {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  version: number;
  metadata: {
    timestamp: string;
    component: CycloneDxComponent;
    tools: { components: CycloneDxComponent[] };
  };
  components?: CycloneDxComponent[];
}

/** What an artifact states under `imprint.sbom`, read as a consumer reads it; fails when it states none. */
export function sbomOf(artifact: PackerArtifact): ArtifactSbom & { document: CycloneDxDocument } {
  const sbom = decodeArtifactSbom(artifact.state(ARTIFACT_SBOM_STATE_KEY));
  if (sbom === undefined) throw new Error(`${String(artifact)} states no SBOM`);
  return sbom as ArtifactSbom & { document: CycloneDxDocument };
}

/** The purls of the OS packages an artifact's SBOM lists, in document order. */
export function packagePurls(artifact: PackerArtifact): (string | undefined)[] {
  return (sbomOf(artifact).document.components ?? [])
    .filter((c) => c.type === 'library')
    .map((c) => c.purl);
}
