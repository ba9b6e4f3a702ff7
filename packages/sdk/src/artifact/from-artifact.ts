import { InvalidArgumentError, MissingArtifactError } from '../errors/sdk.errors';
import { Image } from '../image/image';
import { artifactClassName, recordImageOrigin } from '../image/image-origin';
import { assertSafeKey, mapEntries } from '../image/unsafe-keys';
import { NotAMapError } from '../errors/sdk.errors';
import type { PackerArtifact } from './packer-artifact';

/**
 * A change applied to an Image by {@link fromArtifact}; it may throw to abort
 * (the Go SDK's `ArtifactOverrideFunc`).
 */
export type ArtifactOverride = (image: Image) => void;

/**
 * Builds an Image from an artifact's basic information, then applies the
 * overrides in order: `imageId = artifact.id()`, `providerName =
 * artifact.builderId()`, `providerRegion = ''`, `labels = {}`,
 * `sourceImageId = ''`. The first override that throws aborts the call with
 * its error. It does not validate: call `image.validate()`.
 *
 * @example
 * ```ts
 * override state(name: string): unknown {
 *   if (name !== ARTIFACT_STATE_URI) return super.state(name);
 *   return fromArtifact(this, withRegion(this.region), withSourceId(this.sourceAmi), setLabels(this.tags));
 * }
 * ```
 * @throws {@link MissingArtifactError} when `artifact` is `null` or `undefined`.
 */
export function fromArtifact(
  artifact: PackerArtifact | null | undefined,
  ...overrides: ArtifactOverride[]
): Image {
  if (artifact === null || artifact === undefined) throw new MissingArtifactError(artifact);
  const image = new Image({
    imageId: artifact.id(),
    providerName: artifact.builderId(),
    providerRegion: '',
    labels: {},
    sourceImageId: '',
  });
  recordImageOrigin(image, artifactClassName(artifact));
  overrides.forEach((override, index) => {
    if (typeof override !== 'function') {
      throw new InvalidArgumentError(`fromArtifact override #${index + 1}`, 'a function', override);
    }
    override(image);
  });
  return image;
}

/** Sets the image id. */
export function withId(id: string): ArtifactOverride {
  return (image) => {
    image.imageId = id;
  };
}

/** Sets the provider name (`aws`, `azure`, `docker`, …). */
export function withProvider(name: string): ArtifactOverride {
  return (image) => {
    image.providerName = name;
  };
}

/** Sets the provider region. */
export function withRegion(region: string): ArtifactOverride {
  return (image) => {
    image.providerRegion = region;
  };
}

/** Sets the source image id, which links the image to its parent in the registry. */
export function withSourceId(id: string): ArtifactOverride {
  return (image) => {
    image.sourceImageId = id;
  };
}

/**
 * Merges the string-valued entries of `metadata` into the image's labels;
 * entries whose value is not a string (numbers, arrays, objects) are skipped,
 * as in the Go SDK. `null`/`undefined` adds nothing.
 *
 * @throws {@link NotAMapError} when `metadata` is neither a Map nor a plain object.
 * @throws {@link UnsafeKeyError} for `__proto__`, `constructor` or `prototype` keys.
 */
export function setLabels(
  metadata: Record<string, unknown> | ReadonlyMap<string, unknown> | null | undefined,
): ArtifactOverride {
  return (image) => {
    if (metadata === null || metadata === undefined) return;
    const entries = mapEntries(metadata);
    if (entries === undefined) throw new NotAMapError('setLabels', metadata);
    for (const [key, value] of entries) {
      if (typeof key !== 'string') continue;
      assertSafeKey(key, 'setLabels');
      if (typeof value === 'string') image.labels[key] = value;
    }
  };
}
