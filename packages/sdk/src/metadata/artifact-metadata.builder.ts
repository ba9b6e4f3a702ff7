import { ArtifactMetadataConflictError, SdkVersionConflictError } from '../errors/sdk.errors';
import { isUnsafeKey } from '../image/unsafe-keys';
import { SDK_VERSION } from '../version';
import type {
  CompiledArtifactMetadata,
  CompiledLabel,
  CompiledMember,
  CompiledProvider,
} from './compiled-artifact-metadata';
import { METADATA_FORMAT_VERSION } from './metadata-keys';
import type { MemberRecord, MemberRole, ProviderRecord } from './metadata-records';
import { ownMemberRecords, ownProviderRecord, sealClass } from './metadata-records';

const cache = new WeakMap<object, CompiledArtifactMetadata>();

const SINGLE_ROLE_NAMES: Readonly<Record<Exclude<MemberRole, 'label' | 'labels'>, string>> = {
  imageId: '@ImageId',
  providerName: '@ProviderName',
  providerRegion: '@ProviderRegion',
  sourceImageId: '@SourceImageId',
  imagesByRegion: '@ImagesByRegion',
};

/**
 * The compiled registry metadata of an artifact class: its own and inherited
 * declarations, checked as a whole, frozen, and cached per class. Later calls
 * for the same class return the cached object without reading any metadata.
 *
 * @throws {@link ArtifactMetadataConflictError} listing every inconsistency.
 * @throws {@link SdkVersionConflictError} when an incompatible SDK copy recorded the facts.
 */
export function compileArtifactMetadata(
  artifactClass: abstract new (...args: never[]) => object,
): CompiledArtifactMetadata;
export function compileArtifactMetadata(artifactClass: object): CompiledArtifactMetadata;
export function compileArtifactMetadata(artifactClass: object): CompiledArtifactMetadata {
  let compiled = cache.get(artifactClass);
  if (compiled === undefined) {
    compiled = build(artifactClass);
    cache.set(artifactClass, compiled);
  }
  return compiled;
}

interface Declared {
  readonly record: MemberRecord;
  readonly owner: string;
}

function build(artifactClass: object): CompiledArtifactMetadata {
  const className = nameOf(artifactClass);
  // Base class first, so that a subclass's declaration of the same member wins.
  const chain: object[] = [];
  for (
    let c: object | null = artifactClass;
    c !== null && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    chain.unshift(c);
  }
  const members = new Map<string, Declared>();
  let providerRecord: ProviderRecord | undefined;
  for (const cls of chain) {
    sealClass(cls);
    for (const record of ownMemberRecords(cls)) {
      checkFormat(record, `${nameOf(cls)}.prototype.${record.member}`);
      members.set(`${record.role}\u0000${record.member}`, { record, owner: nameOf(cls) });
    }
    const provider = ownProviderRecord(cls);
    if (provider !== undefined) {
      checkFormat(provider, nameOf(cls));
      providerRecord = provider;
    }
  }

  const byRole = new Map<MemberRole, Declared[]>();
  for (const declared of members.values()) {
    const list = byRole.get(declared.record.role) ?? [];
    list.push(declared);
    byRole.set(declared.record.role, list);
  }
  const problems: string[] = [];
  const where = (d: Declared) =>
    d.owner === className
      ? `${className}.${d.record.member}`
      : `${className}.${d.record.member} (declared in ${d.owner})`;
  const single = (role: keyof typeof SINGLE_ROLE_NAMES): Declared | undefined => {
    const list = byRole.get(role) ?? [];
    if (list.length > 1) {
      problems.push(
        `${list.length} ${SINGLE_ROLE_NAMES[role]} members: ${list.map(where).join(', ')}; an image has one ${role}, keep one (a subclass may redeclare the same member name)`,
      );
    }
    return list[0];
  };

  const imageId = single('imageId');
  const providerName = single('providerName');
  const providerRegion = single('providerRegion');
  const sourceImageId = single('sourceImageId');
  const imagesByRegion = single('imagesByRegion');

  if (imagesByRegion && imageId) {
    problems.push(
      `@ImageId (${where(imageId)}) and @ImagesByRegion (${where(imagesByRegion)}) both supply image ids; use @ImagesByRegion alone for multi-region artifacts`,
    );
  }
  if (imagesByRegion && providerRegion) {
    problems.push(
      `@ProviderRegion (${where(providerRegion)}) and @ImagesByRegion (${where(imagesByRegion)}) both supply regions; @ImagesByRegion takes the region from its keys`,
    );
  }
  if (providerRecord && providerName) {
    problems.push(
      `${providerRecord.declaredBy} on the class and @ProviderName (${where(providerName)}) both supply the provider; keep one`,
    );
  }

  const labels: CompiledLabel[] = [];
  const labelOwners = new Map<string, Declared>();
  for (const declared of byRole.get('label') ?? []) {
    const key = declared.record.labelKey ?? declared.record.member;
    const earlier = labelOwners.get(key);
    if (earlier) {
      problems.push(
        `label '${key}' is supplied by both ${where(earlier)} and ${where(declared)}; give one a different key`,
      );
    } else if (isUnsafeKey(key)) {
      problems.push(
        `label key '${key}' on ${where(declared)} is not allowed; choose another key with @Label('key')`,
      );
    }
    labelOwners.set(key, declared);
    labels.push({ ...compiledMember(declared), key });
  }

  if (problems.length > 0) throw new ArtifactMetadataConflictError(className, problems);

  let provider: CompiledProvider | undefined;
  if (providerRecord) provider = { kind: 'constant', value: providerRecord.providerName };
  else if (providerName) provider = { kind: 'member', member: compiledMember(providerName) };

  return deepFreeze({
    className,
    ...(imageId ? { imageId: compiledMember(imageId) } : {}),
    ...(provider ? { provider } : {}),
    ...(providerRegion ? { providerRegion: compiledMember(providerRegion) } : {}),
    ...(sourceImageId ? { sourceImageId: compiledMember(sourceImageId) } : {}),
    ...(imagesByRegion ? { imagesByRegion: compiledMember(imagesByRegion) } : {}),
    labelMaps: (byRole.get('labels') ?? []).map(compiledMember),
    labels,
  });
}

function compiledMember({ record }: Declared): CompiledMember {
  return {
    member: record.member,
    declaredBy: record.declaredBy,
    stringify: record.stringify === true,
    checkExists: record.checkExists === true,
  };
}

function checkFormat(
  record: { formatVersion?: unknown; sdkVersion?: unknown },
  location: string,
): void {
  if (record.formatVersion !== METADATA_FORMAT_VERSION) {
    throw new SdkVersionConflictError(
      location,
      `${String(record.sdkVersion ?? 'unknown')} (metadata format ${String(record.formatVersion ?? 'unknown')})`,
      `${SDK_VERSION} (metadata format ${METADATA_FORMAT_VERSION})`,
    );
  }
}

function nameOf(cls: object): string {
  const name = (cls as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : 'anonymous class';
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null && !Object.isFrozen(inner)) deepFreeze(inner);
  }
  return Object.freeze(value);
}
