import { DecoratorUsageError, InvalidArgumentError } from '../errors/sdk.errors';
import type { MemberRole } from './metadata-records';
import { addMemberRecord, isSealed, ownMemberRecords, stamp } from './metadata-records';

/** A decorator for a property or a getter (TypeScript `experimentalDecorators`). */
export type MemberDecorator = (
  target: object,
  propertyKey: string | symbol,
  descriptor?: PropertyDescriptor,
) => void;

/** What a member decorator records. */
export interface MemberDecoratorDefinition {
  /** Which part of the image the member supplies. */
  readonly role: MemberRole;
  /** How the decorator is written, shown in errors, e.g. `@AmiName()`. */
  readonly name: string;
  /** Label key (role `label`); defaults to the member's name. */
  readonly labelKey?: string;
  /** Convert number and boolean values to strings instead of rejecting them (roles `label`, `labels`). */
  readonly stringify?: boolean;
}

const ROLES: ReadonlySet<string> = new Set<MemberRole>([
  'imageId',
  'providerName',
  'providerRegion',
  'sourceImageId',
  'label',
  'labels',
  'imagesByRegion',
]);

/**
 * The primitive behind every Imprint member decorator. It only records a fact
 * about the member; the class's metadata is compiled (and checked as a whole)
 * the first time an instance is asked for its registry metadata.
 *
 * @example
 * ```ts
 * // A plugin's own decorator: the AMI name, stored as the `ami_name` label.
 * export const AmiName = () =>
 *   createMemberDecorator({ role: 'label', name: '@AmiName()', labelKey: 'ami_name' });
 * ```
 */
export function createMemberDecorator(definition: MemberDecoratorDefinition): MemberDecorator {
  if (!ROLES.has(definition?.role)) {
    throw new InvalidArgumentError(
      'createMemberDecorator role',
      `one of ${[...ROLES].map((r) => `'${r}'`).join(', ')}`,
      definition?.role,
    );
  }
  if (typeof definition.name !== 'string' || definition.name === '') {
    throw new InvalidArgumentError(
      'createMemberDecorator name',
      'a non-empty string',
      definition.name,
    );
  }
  if (
    definition.labelKey !== undefined &&
    (typeof definition.labelKey !== 'string' || definition.labelKey === '')
  ) {
    throw new InvalidArgumentError(
      'createMemberDecorator labelKey',
      'a non-empty string',
      definition.labelKey,
    );
  }
  const frozen = Object.freeze({ ...definition });
  return (target, propertyKey, descriptor) => {
    recordMember(target, propertyKey, descriptor, frozen);
  };
}

/** Records one member fact after checking what can be checked without the rest of the class. */
export function recordMember(
  target: unknown,
  propertyKey: unknown,
  descriptor: PropertyDescriptor | undefined,
  definition: MemberDecoratorDefinition,
  checkExists = false,
): void {
  const decorator = definition.name;
  if (isStandardDecoratorContext(propertyKey)) {
    throw new DecoratorUsageError(
      `member '${String(propertyKey.name)}'`,
      decorator,
      'it was applied as a TC39 standard decorator',
      'Imprint decorators need "experimentalDecorators": true in tsconfig.json.',
    );
  }
  if (typeof target === 'function') {
    throw new DecoratorUsageError(
      `${target.name}.${String(propertyKey)}`,
      decorator,
      'static members carry no per-artifact value',
      'Move it to an instance property or getter.',
    );
  }
  if (typeof target !== 'object' || target === null || typeof propertyKey !== 'string') {
    const owner = describeOwner(target);
    if (typeof propertyKey === 'symbol') {
      throw new DecoratorUsageError(
        `${owner}.prototype[${propertyKey.toString()}]`,
        decorator,
        'symbol-keyed members cannot be named in registry metadata',
        'Use a string-named property or getter.',
      );
    }
    throw new DecoratorUsageError(
      owner,
      decorator,
      'it can only decorate a property or a getter of a class',
      'Apply it to an instance property or getter.',
    );
  }
  const ctor = (target as { constructor: object }).constructor;
  const location = `${describeOwner(target)}.prototype.${propertyKey}`;
  if (descriptor && typeof descriptor.value === 'function') {
    throw new DecoratorUsageError(
      location,
      decorator,
      'methods are not read for registry metadata',
      `Turn it into a getter (get ${propertyKey}() { ... }) or a property.`,
    );
  }
  if (descriptor && descriptor.get === undefined && descriptor.set !== undefined) {
    throw new DecoratorUsageError(
      location,
      decorator,
      'a setter without a getter cannot be read',
      'Decorate the getter instead.',
    );
  }
  if (isSealed(ctor)) {
    throw new DecoratorUsageError(
      location,
      decorator,
      "the class's registry metadata was already compiled (an instance stated it), so this declaration would be ignored",
      'Declare metadata right after the class definition, before any instance is used.',
    );
  }
  if (ownMemberRecords(ctor).some((r) => r.member === propertyKey && r.role === definition.role)) {
    throw new DecoratorUsageError(
      location,
      decorator,
      `the member already supplies the image's ${definition.role}`,
      'Remove the duplicate decorator.',
    );
  }
  addMemberRecord(ctor, {
    ...stamp(decorator),
    role: definition.role,
    member: propertyKey,
    ...(definition.role === 'label' ? { labelKey: definition.labelKey ?? propertyKey } : {}),
    ...(definition.stringify ? { stringify: true } : {}),
    ...(checkExists ? { checkExists: true } : {}),
  });
}

function isStandardDecoratorContext(value: unknown): value is { kind: string; name: unknown } {
  return typeof value === 'object' && value !== null && 'kind' in value && 'name' in value;
}

function describeOwner(target: unknown): string {
  if (typeof target === 'object' && target !== null) {
    const name = (target as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return String(target);
}
