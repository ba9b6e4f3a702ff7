import { basename, isAbsolute, resolve } from 'node:path';
import type { BuildContext, Builder, ComponentLocation } from '@imprint/sdk';
import { DockerLikeImageArtifact } from '../artifact/docker-like-image.artifact';
import { BUILDER_ID, SCRATCH_SOURCE_IMAGE_ID } from '../artifact/state-keys';
import { DockerLikeConfig } from '../config/docker-like.config';
import { BaseNotFoundError, OutputConflictError, PlatformMismatchError } from '../errors';
import { sha256Digest } from '../oci/digest';
import { OCI_ANNOTATIONS, OCI_MEDIA_TYPES } from '../oci/media-types';
import type { LoadedImage } from '../oci/oci-layout';
import { OciLayout } from '../oci/oci-layout';
import type { OciDescriptor, OciManifest } from '../oci/oci-types';
import type { BuiltLayer, LayerEntry } from '../oci/tar-layer';
import { buildLayer } from '../oci/tar-layer';
import { buildImageSbom } from '../sbom/image-sbom';
import { scanBuiltImage } from '../sbom/scan-image';
import type { BuildSettings } from './build-settings';
import { resolveBuildSettings } from './build-settings';
import { deriveImageConfig } from './image-config';
import { collectLayerEntries } from './layer-entries';

/** Platform of images built from scratch when `architecture` / `os` are not set. */
export const DEFAULT_PLATFORM = { architecture: 'amd64', os: 'linux' } as const;

/**
 * The `docker-like` builder: makes an OCI image without a container engine.
 * It starts from `scratch` or from an image in an OCI image layout, adds the
 * `files` as one gzip-compressed tar layer, applies the config changes, and
 * writes the result to an OCI image layout at `output_dir`, tagged `tag`.
 *
 * @example
 * ```ts
 * const { component } = await plugin.createBuilder('docker-like', { base: 'scratch', files: [...] }, { name: 'app' });
 * const artifact = await component.run(context); // DockerLikeImageArtifact
 * ```
 */
export class DockerLikeBuilder implements Builder<DockerLikeConfig> {
  /** Describes and validates the configuration. */
  static readonly configClass = DockerLikeConfig;
  private settings!: BuildSettings;

  /**
   * Checks what class-validator cannot (source vs content, absolute
   * destinations, map values, times) and returns warnings.
   *
   * @throws {@link ConfigError} listing every problem with its template path.
   */
  prepare(config: DockerLikeConfig, location: ComponentLocation): string[] {
    this.settings = resolveBuildSettings(config, location);
    const warnings: string[] = [];
    const changesConfig =
      this.settings.env.length > 0 ||
      Object.keys(this.settings.labels).length > 0 ||
      this.settings.cmd !== undefined ||
      this.settings.entrypoint !== undefined ||
      this.settings.workdir !== undefined;
    if (this.settings.files.length === 0 && !changesConfig) {
      warnings.push(
        'no files and no config changes: the new image is the base image with a new creation time',
      );
    }
    return warnings;
  }

  /**
   * Builds the image and writes the layout.
   *
   * @throws {@link DockerLikeError} subclasses naming the file or setting at fault.
   */
  async run(context: BuildContext): Promise<DockerLikeImageArtifact> {
    const { ui, signal } = context;
    const settings = this.settings;
    const outputDir = isAbsolute(settings.outputDir)
      ? settings.outputDir
      : resolve(context.workDir, settings.outputDir);

    signal.throwIfAborted();
    const base = await loadBase(settings, context);
    const platform = resolvePlatform(settings, base);

    signal.throwIfAborted();
    let layer: BuiltLayer | undefined;
    let entries: LayerEntry[] = [];
    if (settings.files.length > 0) {
      ui.say(
        `Adding ${settings.files.length} file entr${settings.files.length === 1 ? 'y' : 'ies'} as a new layer`,
      );
      entries = await collectLayerEntries(settings.files, signal);
      layer = await buildLayer(entries, { mtime: new Date(settings.created) });
      ui.message(
        `Layer ${layer.digest}: ${layer.entryCount} tar entries, ${layer.compressed.length} bytes compressed (diff ID ${layer.diffId})`,
      );
    }

    signal.throwIfAborted();
    const config = deriveImageConfig(
      base?.image.config,
      settings,
      platform,
      layer && {
        diffId: layer.diffId,
        destinations: settings.files.map((f) => f.destination),
      },
    );
    const configBlob = Buffer.from(JSON.stringify(config));
    const configDescriptor: OciDescriptor = {
      mediaType: OCI_MEDIA_TYPES.config,
      digest: sha256Digest(configBlob),
      size: configBlob.length,
    };
    const layerDescriptors: OciDescriptor[] = [
      ...(base?.image.manifest.layers ?? []).map((l) => ({
        mediaType: l.mediaType,
        digest: l.digest,
        size: l.size,
      })),
      ...(layer === undefined
        ? []
        : [
            {
              mediaType: OCI_MEDIA_TYPES.layerTarGzip,
              digest: layer.digest,
              size: layer.compressed.length,
            },
          ]),
    ];
    const manifest: OciManifest = {
      schemaVersion: 2,
      mediaType: OCI_MEDIA_TYPES.manifest,
      config: configDescriptor,
      layers: layerDescriptors,
      ...(base === undefined
        ? {}
        : { annotations: { [OCI_ANNOTATIONS.baseDigest]: base.image.descriptor.digest } }),
    };
    const manifestBlob = Buffer.from(JSON.stringify(manifest));
    const manifestDescriptor: OciDescriptor = {
      mediaType: OCI_MEDIA_TYPES.manifest,
      digest: sha256Digest(manifestBlob),
      size: manifestBlob.length,
      platform: { architecture: platform.architecture, os: platform.os },
    };

    signal.throwIfAborted();
    const sbomContents = await scanBuiltImage({ base, added: layer && { layer, entries } }, signal);
    ui.message(
      `SBOM: ${sbomContents.packages.length} OS package(s), ${sbomContents.files.length} added file(s)`,
    );

    signal.throwIfAborted();
    ui.say(`Writing OCI image layout ${outputDir}`);
    const output = await OciLayout.openOrCreate(outputDir);
    const taken = (await output.readIndex()).manifests.find(
      (d) =>
        d.annotations?.[OCI_ANNOTATIONS.refName] === settings.tag &&
        d.digest !== manifestDescriptor.digest,
    );
    if (taken !== undefined) {
      throw new OutputConflictError(
        outputDir,
        `its index.json already tags a different image ${taken.digest} as '${settings.tag}'`,
      );
    }
    if (base !== undefined) {
      for (const [i, l] of base.image.manifest.layers.entries()) {
        signal.throwIfAborted();
        ui.progress({
          step: 'copying base layers',
          completed: i,
          total: base.image.manifest.layers.length,
        });
        await base.layout.blobs.copyTo(output.blobs, l, `layer ${i} of the base image`, signal);
      }
    }
    if (layer !== undefined) await output.blobs.put(layer.compressed);
    await output.blobs.put(configBlob);
    await output.blobs.put(manifestBlob);
    signal.throwIfAborted();
    await output.setRef(manifestDescriptor, settings.tag);

    const tags = await output.refsOf(manifestDescriptor.digest);
    ui.say(
      `Built image ${configDescriptor.digest} (manifest ${manifestDescriptor.digest}), tagged '${settings.tag}'`,
    );
    return new DockerLikeImageArtifact({
      builderId: BUILDER_ID,
      layoutDir: outputDir,
      imageId: configDescriptor.digest,
      sourceImageId: base?.image.configDigest ?? SCRATCH_SOURCE_IMAGE_ID,
      manifestDigest: manifestDescriptor.digest,
      blobDigests: [
        manifestDescriptor.digest,
        configDescriptor.digest,
        ...layerDescriptors.map((l) => l.digest),
      ],
      ownRefs: [settings.tag],
      tags,
      architecture: platform.architecture,
      os: platform.os,
      sbom: buildImageSbom(
        {
          name: basename(outputDir),
          tag: settings.tag,
          manifestDigest: manifestDescriptor.digest,
          imageId: configDescriptor.digest,
          architecture: platform.architecture,
          os: platform.os,
        },
        settings.created,
        sbomContents,
      ),
    });
  }
}

interface Base {
  readonly layout: OciLayout;
  readonly image: LoadedImage;
}

async function loadBase(settings: BuildSettings, context: BuildContext): Promise<Base | undefined> {
  if (settings.base.kind === 'scratch') {
    context.ui.say('Starting from scratch (an empty image)');
    return undefined;
  }
  const { dir, ref } = settings.base;
  context.ui.say(`Reading base image ${dir}${ref === undefined ? '' : `:${ref}`}`);
  const layout = await OciLayout.open(
    dir,
    (problem, cause) => new BaseNotFoundError(dir, problem, { cause }),
  );
  const image = await layout.loadImage(await layout.resolve(ref), context.signal);
  context.ui.message(
    `Base image ${image.configDigest}: ${image.manifest.layers.length} layer(s), ${image.config.os}/${image.config.architecture}`,
  );
  return { layout, image };
}

function resolvePlatform(
  settings: BuildSettings,
  base: Base | undefined,
): { architecture: string; os: string } {
  if (base === undefined) {
    return {
      architecture: settings.architecture ?? DEFAULT_PLATFORM.architecture,
      os: settings.os ?? DEFAULT_PLATFORM.os,
    };
  }
  const { architecture, os } = base.image.config;
  if (settings.architecture !== undefined && settings.architecture !== architecture) {
    throw new PlatformMismatchError(
      'architecture',
      settings.architecture,
      architecture,
      base.layout.dir,
    );
  }
  if (settings.os !== undefined && settings.os !== os) {
    throw new PlatformMismatchError('os', settings.os, os, base.layout.dir);
  }
  return { architecture, os };
}
