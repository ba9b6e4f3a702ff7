import { createHash } from 'node:crypto';
import { OS_PACKAGE_PATHS, readOsPackages } from '@imprint/sdk';
import type { LoadedImage, OciLayout } from '../oci/oci-layout';
import { OCI_MEDIA_TYPES } from '../oci/media-types';
import type { BuiltLayer, LayerEntry } from '../oci/tar-layer';
import type { SbomContents } from './image-sbom';
import type { LayerSource } from './layer-files';
import { readMergedFiles } from './layer-files';

/** The layers of a build: the base image's (if any) and the one the build added (if any). */
export interface BuiltImageLayers {
  readonly base?: { readonly layout: OciLayout; readonly image: LoadedImage };
  readonly added?: { readonly layer: BuiltLayer; readonly entries: readonly LayerEntry[] };
}

/**
 * What a built image contains, for its SBOM: the operating system its
 * os-release names and the OS packages installed, both read from the
 * filesystem all its layers make (base layers included), and the files the
 * build added with their sha256.
 *
 * @throws {@link LayoutInvalidError} when a base layer is not a readable tar.
 */
export async function scanBuiltImage(
  layers: BuiltImageLayers,
  signal?: AbortSignal,
): Promise<SbomContents> {
  const { base, added } = layers;
  const sources: LayerSource[] = (base?.image.manifest.layers ?? []).map((descriptor, i) => ({
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    file: base!.layout.blobs.pathOf(descriptor.digest),
    what: `layer ${i} of the base image`,
    read: () => base!.layout.blobs.read(descriptor, `layer ${i} of the base image`),
  }));
  if (added !== undefined) {
    sources.push({
      digest: added.layer.digest,
      mediaType: OCI_MEDIA_TYPES.layerTar,
      file: 'the new layer',
      what: 'the new layer',
      read: () => Promise.resolve(added.layer.tar),
    });
  }
  const merged = await readMergedFiles(sources, new Set(OS_PACKAGE_PATHS), signal);
  const { osRelease, packages } = await readOsPackages(async (path) =>
    merged.files.get(path)?.toString('utf8'),
  );
  const files: SbomContents['files'] = (added?.entries ?? []).flatMap((entry) =>
    entry.type === 'file'
      ? [{ path: `/${entry.path}`, sha256: createHash('sha256').update(entry.data).digest('hex') }]
      : [],
  );
  return {
    ...(osRelease === undefined ? {} : { osRelease }),
    packages,
    files,
    unreadLayers: merged.unreadLayers,
  };
}
