import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { UnreadableLayout } from '../errors';
import { DockerLikeError } from '../errors';
import { OCI_ANNOTATIONS, OCI_MEDIA_TYPES } from './media-types';
import { OciLayout } from './oci-layout';

/** One manifest, in one layout, whose config digest (image ID) is the one searched for. */
export interface ImageLocation {
  /** The layout directory. */
  readonly dir: string;
  readonly manifestDigest: string;
  /** Ref names pointing at the manifest, in `index.json` order. */
  readonly refs: readonly string[];
  /** How many distinct manifests the layout lists (this one included). */
  readonly manifestCount: number;
}

/** What {@link findImage} found, and what it could not read on the way. */
export interface ImageSearch {
  readonly locations: readonly ImageLocation[];
  /** How many layouts were found (readable or not). */
  readonly layoutCount: number;
  readonly unreadable: readonly UnreadableLayout[];
}

/**
 * Finds the OCI image layouts (directories holding `oci-layout` and
 * `index.json`) at most `maxDepth` levels below `root` (`root` itself is
 * level 0), and in each the manifests whose config digest is `imageId`.
 * Layouts are not searched inside (their `blobs/` can be large), symbolic
 * links are not followed (no loops), and each manifest is read without its
 * layers. A layout that cannot be read is reported, not fatal: an unrelated
 * damaged layout must not hide the image elsewhere.
 */
export async function findImage(
  root: string,
  imageId: string,
  maxDepth: number,
  signal: AbortSignal,
): Promise<ImageSearch> {
  const layouts = await findLayouts(root, maxDepth, signal);
  const locations: ImageLocation[] = [];
  const unreadable: UnreadableLayout[] = [];
  for (const dir of layouts) {
    signal.throwIfAborted();
    try {
      locations.push(...(await imageIn(dir, imageId)));
    } catch (error) {
      if (!(error instanceof DockerLikeError)) throw error;
      unreadable.push({ dir, reason: error.message });
    }
  }
  return { locations, layoutCount: layouts.length, unreadable };
}

async function findLayouts(root: string, maxDepth: number, signal: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  let level = [root];
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth += 1) {
    const next: string[] = [];
    for (const dir of level) {
      signal.throwIfAborted();
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable or vanished directories are not where the image is
      }
      const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
      if (files.has('oci-layout') && files.has('index.json')) {
        found.push(dir);
        continue;
      }
      for (const e of entries) if (e.isDirectory()) next.push(join(dir, e.name));
    }
    level = next;
  }
  return found.sort();
}

async function imageIn(dir: string, imageId: string): Promise<ImageLocation[]> {
  const layout = await OciLayout.open(dir);
  const manifests = (await layout.readIndex()).manifests.filter(
    (d) => d.mediaType === OCI_MEDIA_TYPES.manifest,
  );
  const manifestCount = new Set(manifests.map((d) => d.digest)).size;
  // Manifest digest → its ref names when it holds the image, undefined when it does not.
  const byDigest = new Map<string, string[] | undefined>();
  for (const descriptor of manifests) {
    if (!byDigest.has(descriptor.digest)) {
      const manifest = await layout.readManifest(descriptor);
      byDigest.set(descriptor.digest, manifest.config.digest === imageId ? [] : undefined);
    }
    const ref = descriptor.annotations?.[OCI_ANNOTATIONS.refName];
    if (ref !== undefined) byDigest.get(descriptor.digest)?.push(ref);
  }
  return [...byDigest].flatMap(([manifestDigest, refs]) =>
    refs === undefined ? [] : [{ dir, manifestDigest, refs, manifestCount }],
  );
}
