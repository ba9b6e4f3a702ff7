import { DecoratorUsageError, InvalidArgumentError } from '../errors/sdk.errors';
import type { MemberDecoratorDefinition } from './create-member-decorator';
import { recordMember } from './create-member-decorator';
import { isSealed, ownProviderRecord, setProviderRecord, stamp } from './metadata-records';

/** A label in {@link ArtifactMetadataDefinition}: a member name, or a member with options. */
export type LabelMemberDefinition =
  string | { readonly member: string; readonly stringify?: boolean };

/**
 * Registry metadata of an artifact class written as data instead of
 * decorators. Each value names a member (property or getter) of the class.
 */
export interface ArtifactMetadataDefinition {
  /** Constant provider name, like `@Provider(...)`. */
  readonly provider?: string;
  readonly imageId?: string;
  readonly providerName?: string;
  readonly providerRegion?: string;
  readonly sourceImageId?: string;
  readonly imagesByRegion?: string;
  /** Label key → member. */
  readonly labels?: Readonly<Record<string, LabelMemberDefinition>>;
  /** Members holding label maps, like `@Labels()`. */
  readonly labelMaps?: readonly (
    string | { readonly member: string; readonly stringify?: boolean }
  )[];
}

const SINGLE_ROLES = [
  'imageId',
  'providerName',
  'providerRegion',
  'sourceImageId',
  'imagesByRegion',
] as const;

/**
 * Declares an artifact class's registry metadata without decorators (e.g. in
 * plain JavaScript). It records the same facts the decorators do, so the same
 * checks and the same compiled metadata follow.
 *
 * @example
 * ```js
 * class TarArtifact extends Artifact { ... }
 * defineArtifactMetadata(TarArtifact, {
 *   provider: 'file', imageId: 'digest', sourceImageId: 'baseDigest', labels: { os: 'osName' },
 * });
 * ```
 */
export function defineArtifactMetadata(
  artifactClass: abstract new (...args: never[]) => object,
  definition: ArtifactMetadataDefinition,
): void {
  if (typeof artifactClass !== 'function') {
    throw new InvalidArgumentError('defineArtifactMetadata class', 'a class', artifactClass);
  }
  if (isSealed(artifactClass)) {
    throw new DecoratorUsageError(
      artifactClass.name,
      'defineArtifactMetadata()',
      "the class's registry metadata was already compiled (an instance stated it), so these declarations would be ignored",
      'Call defineArtifactMetadata right after the class definition, before any instance is used.',
    );
  }
  const prototype = artifactClass.prototype as object;
  const declare = (member: unknown, spec: Omit<MemberDecoratorDefinition, 'name'>) => {
    const name = `defineArtifactMetadata(${spec.role === 'label' ? `labels.${spec.labelKey}` : spec.role})`;
    if (typeof member !== 'string' || member === '') {
      throw new InvalidArgumentError(`${artifactClass.name}: ${name}`, 'a member name', member);
    }
    recordMember(prototype, member, memberDescriptor(prototype, member), { ...spec, name }, true);
  };

  if (definition.provider !== undefined) {
    const declaredBy = 'defineArtifactMetadata(provider)';
    if (typeof definition.provider !== 'string' || definition.provider === '') {
      throw new InvalidArgumentError(
        `${artifactClass.name}: ${declaredBy}`,
        'a non-empty string',
        definition.provider,
      );
    }
    if (ownProviderRecord(artifactClass) !== undefined) {
      throw new DecoratorUsageError(
        artifactClass.name,
        declaredBy,
        'the class already declares a provider',
        'Declare it once.',
      );
    }
    setProviderRecord(artifactClass, { ...stamp(declaredBy), providerName: definition.provider });
  }
  for (const role of SINGLE_ROLES) {
    if (definition[role] !== undefined) declare(definition[role], { role });
  }
  for (const [labelKey, spec] of Object.entries(definition.labels ?? {})) {
    const { member, stringify } =
      typeof spec === 'string' ? { member: spec, stringify: false } : spec;
    declare(member, { role: 'label', labelKey, stringify: stringify === true });
  }
  for (const spec of definition.labelMaps ?? []) {
    const { member, stringify } =
      typeof spec === 'string' ? { member: spec, stringify: false } : spec;
    declare(member, { role: 'labels', stringify: stringify === true });
  }
}

function memberDescriptor(prototype: object, member: string): PropertyDescriptor | undefined {
  for (
    let p: object | null = prototype;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(p, member);
    if (descriptor) return descriptor;
  }
  return undefined;
}
