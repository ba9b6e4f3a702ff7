import { LayoutInvalidError, UnsupportedImageError } from '../errors';
import { isSha256Digest } from './digest';
import { OCI_MEDIA_TYPES, SUPPORTED_LAYER_MEDIA_TYPES } from './media-types';
import type { OciImageConfig, OciManifest } from './oci-types';

/*
 * Checks of the JSON documents of an OCI image layout against the
 * image-layout, image-index and image-manifest specs: what OciLayout runs on
 * every document it reads.
 */

/** The fix every "malformed layout" message gives. */
export const REPAIR_HINT =
  'The layout is damaged or was not written by an OCI tool: rebuild it, or copy it again with `skopeo copy`.';

export function checkManifest(value: unknown, file: string): asserts value is OciManifest {
  if (!isRecord(value))
    throw new LayoutInvalidError(file, 'the manifest is not a JSON object', REPAIR_HINT);
  const problems: string[] = [];
  if (value.schemaVersion !== 2)
    problems.push(`schemaVersion is ${JSON.stringify(value.schemaVersion)}, expected 2`);
  if (value.mediaType !== undefined && value.mediaType !== OCI_MEDIA_TYPES.manifest) {
    throw new UnsupportedImageError(
      file,
      `the manifest's mediaType is ${JSON.stringify(value.mediaType)}, not '${OCI_MEDIA_TYPES.manifest}'`,
      'Convert the image to OCI format first, e.g. `skopeo copy oci:SRC:TAG oci:DST:TAG --format oci`.',
    );
  }
  problems.push(...descriptorProblems(value.config, 'config'));
  if (!Array.isArray(value.layers)) problems.push('layers is not a list');
  else value.layers.forEach((d, i) => problems.push(...descriptorProblems(d, `layers[${i}]`)));
  if (problems.length > 0) throw new LayoutInvalidError(file, problems.join('; '), REPAIR_HINT);
  const manifest = value as unknown as OciManifest;
  if (manifest.config.mediaType !== OCI_MEDIA_TYPES.config) {
    throw new UnsupportedImageError(
      file,
      `the config has media type '${manifest.config.mediaType}', not '${OCI_MEDIA_TYPES.config}' (is it an artifact rather than a container image?)`,
      'Use a container image as the base.',
    );
  }
  manifest.layers.forEach((layer, i) => {
    if (!SUPPORTED_LAYER_MEDIA_TYPES.has(layer.mediaType)) {
      throw new UnsupportedImageError(
        file,
        `layers[${i}] has media type '${layer.mediaType}'; supported: ${[...SUPPORTED_LAYER_MEDIA_TYPES].join(', ')}`,
        'Convert the image to OCI format first, e.g. `skopeo copy --format oci oci:SRC:TAG oci:DST:TAG`.',
      );
    }
  });
}

export function checkConfig(
  value: unknown,
  file: string,
  layerCount: number,
): asserts value is OciImageConfig {
  if (!isRecord(value))
    throw new LayoutInvalidError(file, 'the image config is not a JSON object', REPAIR_HINT);
  const problems: string[] = [];
  if (typeof value.architecture !== 'string' || value.architecture === '')
    problems.push('architecture is missing');
  if (typeof value.os !== 'string' || value.os === '') problems.push('os is missing');
  if (value.config !== undefined && value.config !== null && !isRecord(value.config))
    problems.push('config is not an object');
  const rootfs = value.rootfs;
  if (!isRecord(rootfs)) {
    problems.push('rootfs is missing');
  } else {
    if (rootfs.type !== 'layers')
      problems.push(`rootfs.type is ${JSON.stringify(rootfs.type)}, expected 'layers'`);
    if (!Array.isArray(rootfs.diff_ids) || !rootfs.diff_ids.every(isSha256Digest)) {
      problems.push('rootfs.diff_ids must be a list of sha256 digests');
    } else if (rootfs.diff_ids.length !== layerCount) {
      problems.push(
        `rootfs.diff_ids lists ${rootfs.diff_ids.length} layers but the manifest has ${layerCount}`,
      );
    }
  }
  if (value.history !== undefined && !Array.isArray(value.history))
    problems.push('history is not a list');
  if (problems.length > 0) throw new LayoutInvalidError(file, problems.join('; '), REPAIR_HINT);
}

export function descriptorProblems(value: unknown, where: string): string[] {
  if (!isRecord(value)) return [`${where} is not a descriptor object`];
  const problems: string[] = [];
  if (typeof value.mediaType !== 'string' || value.mediaType === '')
    problems.push(`${where}.mediaType is missing`);
  if (
    typeof value.digest !== 'string' ||
    !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(value.digest)
  ) {
    problems.push(`${where}.digest ${JSON.stringify(value.digest)} is not a digest`);
  }
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0) {
    problems.push(`${where}.size must be a non-negative integer`);
  }
  if (value.annotations !== undefined) {
    const annotations = value.annotations;
    if (!isRecord(annotations) || !Object.values(annotations).every((v) => typeof v === 'string')) {
      problems.push(`${where}.annotations must map strings to strings`);
    }
  }
  return problems;
}

export function parseJson(data: Buffer, file: string): unknown {
  try {
    return JSON.parse(data.toString('utf8')) as unknown;
  } catch (error) {
    throw new LayoutInvalidError(
      file,
      `it is not valid JSON (${(error as Error).message})`,
      REPAIR_HINT,
      {
        cause: error,
      },
    );
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
