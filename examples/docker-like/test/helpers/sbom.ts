import type { ArtifactSbom, PackerArtifact } from '@imprint/sdk';
import { ARTIFACT_SBOM_STATE_KEY, decodeArtifactSbom } from '@imprint/sdk';

/** The parts of a CycloneDX JSON document the tests read. */
export interface CycloneDxComponent {
  type: string;
  name: string;
  version?: string;
  purl?: string;
  hashes?: { alg: string; content: string }[];
  licenses?: ({ license: { id?: string; name?: string } } | { expression: string })[];
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
