/** A member whose value supplies part of the image. */
export interface CompiledMember {
  readonly member: string;
  /** How it was declared, for messages. */
  readonly declaredBy: string;
  readonly stringify: boolean;
  /** The member was named as data, not decorated: fail clearly if the instance lacks it. */
  readonly checkExists: boolean;
}

/** A member whose value is one label. */
export interface CompiledLabel extends CompiledMember {
  readonly key: string;
}

/** Where the provider name comes from. */
export type CompiledProvider =
  | { readonly kind: 'constant'; readonly value: string }
  | { readonly kind: 'member'; readonly member: CompiledMember };

/**
 * The checked, frozen metadata shape of one artifact class: what `state()`
 * fills with values on every call. Built once per class and cached.
 */
export interface CompiledArtifactMetadata {
  readonly className: string;
  readonly imageId?: CompiledMember;
  readonly provider?: CompiledProvider;
  readonly providerRegion?: CompiledMember;
  readonly sourceImageId?: CompiledMember;
  readonly imagesByRegion?: CompiledMember;
  readonly labelMaps: readonly CompiledMember[];
  readonly labels: readonly CompiledLabel[];
}
