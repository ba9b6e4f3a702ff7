import { ArtifactMemberValueError, InvalidArgumentError } from '../errors/sdk.errors';
import { ImageValidationError } from '../errors/image-validation.error';
import { Image } from '../image/image';
import { recordImageOrigin } from '../image/image-origin';
import { assertSafeKey, mapEntries } from '../image/unsafe-keys';
import type { PackerArtifact } from '../artifact/packer-artifact';
import type { CompiledArtifactMetadata, CompiledMember } from './compiled-artifact-metadata';
import { compileArtifactMetadata } from './artifact-metadata.builder';

type Members = Record<string, unknown>;

/**
 * The validated registry metadata an artifact states, built from its class's
 * decorated members (or {@link defineArtifactMetadata}): one `Image`, or an
 * `Image[]` when the class has an `@ImagesByRegion()` member. This is what
 * `Artifact.state(ARTIFACT_STATE_URI)` returns; call it yourself from an
 * artifact that implements {@link PackerArtifact} without extending `Artifact`.
 *
 * @throws {@link ImageValidationError} when the metadata is invalid.
 * @throws {@link ArtifactMemberValueError} when a member holds a value of the wrong type.
 */
export function buildRegistryMetadata(artifact: PackerArtifact): Image | Image[] {
  if (typeof artifact !== 'object' || artifact === null) {
    throw new InvalidArgumentError(
      'buildRegistryMetadata artifact',
      'an artifact object',
      artifact,
    );
  }
  const shape = compileArtifactMetadata(artifact.constructor);
  const values = artifact as unknown as Members;
  const providerName =
    shape.provider === undefined
      ? artifact.builderId()
      : shape.provider.kind === 'constant'
        ? shape.provider.value
        : readString(values, shape.provider.member, shape);
  const sourceImageId = shape.sourceImageId ? readString(values, shape.sourceImageId, shape) : '';
  const labels = readLabels(values, shape);

  if (shape.imagesByRegion === undefined) {
    const image = new Image({
      imageId: shape.imageId ? readString(values, shape.imageId, shape) : artifact.id(),
      providerName,
      providerRegion: shape.providerRegion ? readString(values, shape.providerRegion, shape) : '',
      labels,
      sourceImageId,
    });
    recordImageOrigin(image, shape.className);
    image.validate();
    return image;
  }

  const byRegion = readImagesByRegion(values, shape.imagesByRegion, shape);
  return byRegion.map(([providerRegion, imageId]) => {
    const image = new Image({ imageId, providerName, providerRegion, labels, sourceImageId });
    recordImageOrigin(image, shape.className);
    try {
      image.validate();
    } catch (error) {
      if (!(error instanceof ImageValidationError)) throw error;
      const prefix = `${shape.imagesByRegion?.member}[${providerRegion}]`;
      throw new ImageValidationError(
        error.issues.map((issue) => ({ ...issue, path: `${prefix}.${issue.path}` })),
        shape.className,
      );
    }
    return image;
  });
}

function readString(
  values: Members,
  member: CompiledMember,
  shape: CompiledArtifactMetadata,
): string {
  const value = read(values, member, shape);
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  throw new ArtifactMemberValueError(
    shape.className,
    member.member,
    member.declaredBy,
    'a string',
    value,
  );
}

function labelValue(
  value: unknown,
  member: CompiledMember,
  shape: CompiledArtifactMetadata,
  shownMember: string,
): string | undefined {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return undefined;
  const scalar =
    typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint';
  if (scalar && member.stringify) return String(value);
  throw new ArtifactMemberValueError(
    shape.className,
    shownMember,
    member.declaredBy,
    'a string',
    value,
    scalar
      ? `Convert it to a string, or opt in with ${stringifyOptIn(member.declaredBy)}.`
      : 'Labels are strings: store a string, or leave the member undefined to omit the label.',
  );
}

function readLabels(values: Members, shape: CompiledArtifactMetadata): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const map of shape.labelMaps) {
    const raw = read(values, map, shape);
    if (raw === undefined || raw === null) continue;
    const entries = mapEntries(raw);
    if (entries === undefined) {
      throw new ArtifactMemberValueError(
        shape.className,
        map.member,
        map.declaredBy,
        'a map of labels (plain object or Map)',
        raw,
      );
    }
    for (const [key, value] of entries) {
      const shown = `${map.member}[${JSON.stringify(key)}]`;
      if (typeof key !== 'string') {
        throw new ArtifactMemberValueError(
          shape.className,
          shown,
          map.declaredBy,
          'string keys',
          key,
        );
      }
      assertSafeKey(key, `${shape.className}.${map.member}`);
      const text = labelValue(value, map, shape, shown);
      if (text !== undefined) labels[key] = text;
    }
  }
  for (const label of shape.labels) {
    const text = labelValue(read(values, label, shape), label, shape, label.member);
    if (text !== undefined) labels[label.key] = text;
  }
  return labels;
}

function readImagesByRegion(
  values: Members,
  member: CompiledMember,
  shape: CompiledArtifactMetadata,
): [string, string][] {
  const raw = read(values, member, shape);
  const entries = raw === undefined || raw === null ? [] : mapEntries(raw);
  if (entries === undefined) {
    throw new ArtifactMemberValueError(
      shape.className,
      member.member,
      member.declaredBy,
      'a region → image id map (plain object or Map)',
      raw,
    );
  }
  if (entries.length === 0) {
    throw new ImageValidationError(
      [
        {
          property: 'imagesByRegion',
          path: member.member,
          value: raw,
          constraints: {
            imagesByRegion: `${shape.className}.${member.member} (@ImagesByRegion()) holds no images; the artifact must state at least one region → image id entry`,
          },
          children: [],
        },
      ],
      shape.className,
    );
  }
  return entries.map(([region, imageId]) => {
    const shown = `${member.member}[${JSON.stringify(region)}]`;
    if (typeof region !== 'string') {
      throw new ArtifactMemberValueError(
        shape.className,
        shown,
        member.declaredBy,
        'a string region key',
        region,
      );
    }
    if (typeof imageId !== 'string') {
      throw new ArtifactMemberValueError(
        shape.className,
        shown,
        member.declaredBy,
        'a string image id',
        imageId,
      );
    }
    return [region, imageId];
  });
}

function stringifyOptIn(declaredBy: string): string {
  if (declaredBy.startsWith('@Labels(')) return '@Labels({ stringify: true })';
  if (declaredBy.startsWith('@Label(')) return '@Label({ stringify: true })';
  if (declaredBy.startsWith('defineArtifactMetadata('))
    return '{ member, stringify: true } in defineArtifactMetadata';
  return `stringify: true in the definition of ${declaredBy}`;
}

function read(values: Members, member: CompiledMember, shape: CompiledArtifactMetadata): unknown {
  if (member.checkExists && !(member.member in values)) {
    throw new ArtifactMemberValueError(
      shape.className,
      member.member,
      member.declaredBy,
      'a value',
      undefined,
      `The instance has no member '${member.member}': check the name given to defineArtifactMetadata, or initialise the field (e.g. \`${member.member} = undefined\`).`,
    );
  }
  return values[member.member];
}
