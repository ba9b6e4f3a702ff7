import { compress, decompress, init } from '@bokuweb/zstd-wasm';

/*
 * SBOMs for the console specs: CycloneDX JSON compressed with zstd, as
 * Packer's hcp-sbom provisioner (and Imprint's runner) uploads them.
 */

/** One CycloneDX component: a library with its package URL. */
export interface SbomComponent {
  name: string;
  version: string;
  purl: string;
}

/** An SBOM a build of `publish` uploads before it is done (SBOMs are taken only then). */
export interface SeedSbom {
  name: string;
  components: readonly SbomComponent[];
}

/** `pkg:deb/ubuntu/<name>@<version>` */
export function debComponent(name: string, version: string): SbomComponent {
  return { name, version, purl: `pkg:deb/ubuntu/${name}@${version}` };
}

/** The CycloneDX 1.5 document of `components`, as JSON bytes. */
export function cycloneDx(components: readonly SbomComponent[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      components: components.map((c) => ({ type: 'library', ...c })),
    }),
  );
}

/**
 * Loads zstd's WebAssembly module unless it is loaded: the registry in this
 * process shares it, and a second `init()` would start it over under the
 * registry.
 */
async function zstdReady(): Promise<void> {
  try {
    compress(Buffer.from('{}'), 1);
  } catch {
    await init();
  }
}

export async function zstdCompress(document: Buffer): Promise<Buffer> {
  await zstdReady();
  return Buffer.from(compress(document, 3));
}

export async function zstdDecompress(frame: Buffer): Promise<Buffer> {
  await zstdReady();
  return Buffer.from(decompress(frame));
}
