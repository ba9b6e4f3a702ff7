import type { SbomFormat } from '@imprint/client';
import { PATTERNS } from '@imprint/client';
import type { ArtifactSbom, PackerArtifact } from '@imprint/sdk';
import { ARTIFACT_SBOM_STATE_KEY, decodeArtifactSbom } from '@imprint/sdk';

/** What an artifact states under `imprint.sbom`, read once: an SBOM, none, or the decoding error. */
export type SbomState = { readonly sbom?: ArtifactSbom } | { readonly error: unknown };

/** An SBOM a build's artifacts state, named for the registry. */
export interface StatedSbom {
  /** The registry name: the stated name made to fit the registry's pattern, unique in the build. */
  readonly name: string;
  readonly format: SbomFormat;
  /** The document as uploaded, uncompressed: `JSON.stringify` of the stated document. */
  readonly json: string;
  /** The artifact's component that stated it first (`builder docker-like`, …). */
  readonly component: string;
}

/** `cyclonedx` → `CYCLONEDX`: the SDK's formats are the registry's, lower-cased. */
const REGISTRY_FORMAT: Readonly<Record<ArtifactSbom['format'], SbomFormat>> = {
  cyclonedx: 'CYCLONEDX',
  spdx: 'SPDX',
};

/** Calls `artifact.state(ARTIFACT_SBOM_STATE_KEY)` and decodes it; the one place that does. */
export function readSbomState(artifact: PackerArtifact): SbomState {
  try {
    const sbom = decodeArtifactSbom(artifact.state(ARTIFACT_SBOM_STATE_KEY));
    return sbom === undefined ? {} : { sbom };
  } catch (error) {
    return { error };
  }
}

/**
 * The distinct SBOMs of a build's kept artifacts, in their order. An artifact
 * that carries its input's SBOM unchanged (docker-like's tag) adds nothing; one
 * that states a different document (a push, retargeted to the repository)
 * adds one more. Names are unique in the build: a second document whose name
 * comes out the same gets `-2`, `-3`, ….
 *
 * @returns the SBOMs, or the problem that fails the build (an SBOM state the SDK refuses).
 */
export function collectSboms(
  stated: readonly { readonly state: SbomState; readonly component: string }[],
): { readonly sboms: readonly StatedSbom[] } | { readonly problem: string } {
  const sboms: StatedSbom[] = [];
  const seen = new Set<string>();
  for (const { state, component } of stated) {
    if ('error' in state) {
      return {
        problem: `${component} stated an invalid SBOM ('${ARTIFACT_SBOM_STATE_KEY}'): ${(state.error as Error).message}`,
      };
    }
    if (state.sbom === undefined) continue;
    const format = REGISTRY_FORMAT[state.sbom.format];
    const json = JSON.stringify(state.sbom.document);
    const key = `${format}\n${json}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const taken = new Set(sboms.map((s) => s.name));
    sboms.push({ name: registrySbomName(state.sbom.name, taken), format, json, component });
  }
  return { sboms };
}

const [, MIN_LENGTH, MAX_LENGTH] = /\{(\d+),(\d+)\}/.exec(PATTERNS.sbomName)!.map(Number);

/**
 * A name the registry takes (`PATTERNS.sbomName`: letters, digits, `-`, `_`)
 * for what an SBOM describes: `team/app:1.0` → `team-app-1-0`. Too short, it
 * is padded with `-sbom`; too long, cut; taken, suffixed `-2`, `-3`, ….
 */
export function registrySbomName(stated: string, taken: ReadonlySet<string> = new Set()): string {
  let base = stated
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (base.length < MIN_LENGTH) base = base === '' ? 'sbom' : `${base}-sbom`;
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `-${n}`;
    const name = `${base.slice(0, MAX_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(name)) return name;
  }
}
