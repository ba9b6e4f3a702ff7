import 'reflect-metadata';
import { SDK_VERSION } from '../version';
import { METADATA_FORMAT_VERSION, METADATA_KEYS } from './metadata-keys';

/** The part of an image a decorated member supplies. */
export type MemberRole =
  | 'imageId'
  | 'providerName'
  | 'providerRegion'
  | 'sourceImageId'
  | 'label'
  | 'labels'
  | 'imagesByRegion';

interface RecordStamp {
  /** Format of this record, see `METADATA_FORMAT_VERSION`. */
  readonly formatVersion: number;
  /** Version of the SDK copy that wrote the record. */
  readonly sdkVersion: string;
  /** How the fact was declared, for messages: `@ImageId()`, `defineArtifactMetadata(imageId)`. */
  readonly declaredBy: string;
}

/** One decorated member, as a decorator records it. Plain data; nothing computed. */
export interface MemberRecord extends RecordStamp {
  readonly role: MemberRole;
  readonly member: string;
  /** Label key (role `label` only). */
  readonly labelKey?: string;
  /** Convert number and boolean values to strings instead of rejecting them. */
  readonly stringify?: boolean;
  /** Named as data (not decorated), so the member may be misspelt: check it exists when read. */
  readonly checkExists?: boolean;
}

/** A constant provider name declared on the class. */
export interface ProviderRecord extends RecordStamp {
  readonly providerName: string;
}

export function stamp(declaredBy: string): RecordStamp {
  return { formatVersion: METADATA_FORMAT_VERSION, sdkVersion: SDK_VERSION, declaredBy };
}

export function ownMemberRecords(ctor: object): readonly MemberRecord[] {
  return (Reflect.getOwnMetadata(METADATA_KEYS.members, ctor) as MemberRecord[] | undefined) ?? [];
}

export function ownProviderRecord(ctor: object): ProviderRecord | undefined {
  return Reflect.getOwnMetadata(METADATA_KEYS.provider, ctor) as ProviderRecord | undefined;
}

// Classes whose metadata has been compiled: facts added later would be ignored
// by the cached shape, so adding them is refused.
const sealed = new WeakSet<object>();

export function sealClass(ctor: object): void {
  sealed.add(ctor);
}

export function isSealed(ctor: object): boolean {
  return sealed.has(ctor);
}

export function addMemberRecord(ctor: object, record: MemberRecord): void {
  // Copy rather than push: the array may be shared with whoever read it before.
  Reflect.defineMetadata(METADATA_KEYS.members, [...ownMemberRecords(ctor), record], ctor);
}

export function setProviderRecord(ctor: object, record: ProviderRecord): void {
  Reflect.defineMetadata(METADATA_KEYS.provider, record, ctor);
}
