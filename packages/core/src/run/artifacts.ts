import type { BuildContext, Image, PackerArtifact } from '@imprint/sdk';
import { ARTIFACT_STATE_URI, decodeImages } from '@imprint/sdk';
import type { SbomState, StatedSbom } from '../sbom/artifact-sboms';
import { collectSboms, readSbomState } from '../sbom/artifact-sboms';
import type { PlannedBuild } from '../template/validate-template';

/** What an artifact states for the registry, read once (`state(...)` may be costly). */
export type ArtifactState = { readonly images: Image[] } | { readonly error: unknown };

/** An artifact kept at the end of a build, with the component that made it. */
export interface KeptArtifact {
  readonly artifact: PackerArtifact;
  /** `builder <type>` or `post-processor <type> (chain c, step s)`. */
  readonly component: string;
  readonly fromBuilder: boolean;
}

/** The registry view of a build's kept artifacts, as an UpdateBuild body needs it. */
export interface ArtifactReport {
  readonly artifacts: readonly PackerArtifact[];
  /** The images each artifact stated, index by index with `artifacts` (not deduplicated). */
  readonly artifactImages: readonly (readonly Image[])[];
  /** Images stated by the artifacts, deduplicated, in order. */
  readonly images: readonly Image[];
  /** Artifacts that stated no registry metadata: `<component> (<artifact>)`. */
  readonly withoutMetadata: readonly string[];
  /** Image labels; later artifacts (post-processors) win. */
  readonly labels: Readonly<Record<string, string>>;
  /** The builder artifact's source image, else the first image's. */
  readonly sourceImageId?: string;
  /**
   * The distinct SBOMs the artifacts state (`imprint.sbom`), uploaded with the
   * build before it is done: every document of every kept artifact, once.
   */
  readonly sboms: readonly StatedSbom[];
  /** Set when an artifact stated invalid registry metadata or an invalid SBOM: the build fails. */
  readonly problem?: string;
}

/** Calls `artifact.state(ARTIFACT_STATE_URI)` and decodes it; the one place that does. */
export function readState(artifact: PackerArtifact): ArtifactState {
  try {
    return { images: decodeImages(artifact.state(ARTIFACT_STATE_URI)) };
  } catch (error) {
    return { error };
  }
}

/** What the builder's artifact stated, read right after it ran: a post-processor may destroy it. */
export interface BuilderState {
  readonly images: ArtifactState;
  readonly sbom: SbomState;
}

/** Reads what the builder's artifact states, images and SBOM. */
export function readBuilderState(artifact: PackerArtifact): BuilderState {
  return { images: readState(artifact), sbom: readSbomState(artifact) };
}

/**
 * Turns the kept artifacts into a report. Each artifact's state is read once,
 * before the loop; the builder's artifact was read right after it ran
 * (`builder`), since a post-processor may destroy it.
 */
export function reportArtifacts(
  kept: readonly KeptArtifact[],
  builder: BuilderState,
): ArtifactReport {
  const builderState = builder.images;
  const states = kept.map((k) => (k.fromBuilder ? builderState : readState(k.artifact)));
  const stated = collectSboms(
    kept.map((k) => ({
      state: k.fromBuilder ? builder.sbom : readSbomState(k.artifact),
      component: k.component,
    })),
  );
  const images: Image[] = [];
  const artifactImages: Image[][] = kept.map(() => []);
  const seen = new Set<string>();
  const withoutMetadata: string[] = [];
  const labels: Record<string, string> = {};
  let sourceImageId = 'images' in builderState ? firstSource(builderState.images) : undefined;
  let problem: string | undefined;
  for (const [index, { artifact, component, fromBuilder }] of kept.entries()) {
    const state = states[index];
    let decoded: Image[];
    try {
      if ('error' in state) throw state.error;
      decoded = state.images;
      for (const image of decoded) image.validate();
    } catch (error) {
      problem = `${component} stated invalid registry metadata: ${(error as Error).message}`;
      break;
    }
    artifactImages[index] = decoded;
    if (decoded.length === 0) withoutMetadata.push(`${component} (${String(artifact)})`);
    if (fromBuilder && decoded.length > 0) sourceImageId ??= decoded[0].sourceImageId;
    for (const image of decoded) {
      Object.assign(labels, image.labels);
      if (seen.has(image.toString())) continue;
      seen.add(image.toString());
      images.push(image);
    }
  }
  sourceImageId ??= images.find((i) => i.sourceImageId)?.sourceImageId;
  if (problem === undefined && 'problem' in stated) problem = stated.problem;
  return {
    artifacts: kept.map((k) => k.artifact),
    artifactImages,
    images,
    withoutMetadata,
    labels,
    sboms: 'sboms' in stated ? stated.sboms : [],
    ...(sourceImageId ? { sourceImageId } : {}),
    ...(problem === undefined ? {} : { problem }),
  };
}

function firstSource(images: readonly Image[]): string | undefined {
  return images[0]?.sourceImageId || undefined;
}

/** Runs the chains as Packer does: an input is destroyed when no step keeps it. */
export async function postProcess(
  plan: PlannedBuild,
  context: BuildContext,
  original: PackerArtifact,
): Promise<KeptArtifact[]> {
  const builderComponent = `builder ${plan.source.type}`;
  if (plan.postProcessors.length === 0) {
    return [{ artifact: original, component: builderComponent, fromBuilder: true }];
  }
  const kept: KeptArtifact[] = [];
  let keepOriginal = false;
  for (const [c, chain] of plan.postProcessors.entries()) {
    let current = original;
    let currentComponent = builderComponent;
    for (const [i, step] of chain.entries()) {
      context.signal.throwIfAborted();
      const component = `post-processor ${step.type} (chain ${c + 1}, step ${i + 1})`;
      context.ui.say(`running ${component}`);
      const result = await step.component.postProcess(context, current);
      if (i === 0) keepOriginal ||= result.keepInput;
      else if (result.keepInput)
        kept.push({ artifact: current, component: currentComponent, fromBuilder: false });
      else await current.destroy();
      current = result.artifact;
      currentComponent = component;
    }
    kept.push({ artifact: current, component: currentComponent, fromBuilder: false });
  }
  if (keepOriginal)
    kept.unshift({ artifact: original, component: builderComponent, fromBuilder: true });
  else await original.destroy();
  return kept;
}
