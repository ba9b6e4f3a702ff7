import { DecoratorUsageError, InvalidArgumentError } from '../../errors/sdk.errors';
import { isSealed, ownProviderRecord, setProviderRecord, stamp } from '../metadata-records';

/**
 * Class decorator: every image of this artifact class has the provider name
 * `name`. A subclass may declare its own.
 *
 * @example
 * ```ts
 * @Provider('aws')
 * class AmiArtifact extends Artifact { ... }
 * ```
 */
export function Provider(name: string): ClassDecorator {
  if (typeof name !== 'string' || name === '') {
    throw new InvalidArgumentError('@Provider name', 'a non-empty string', name);
  }
  const declaredBy = `@Provider('${name}')`;
  return (target) => {
    if (typeof target !== 'function') {
      throw new DecoratorUsageError(
        String(target),
        declaredBy,
        'it decorates classes only',
        'Apply it to the artifact class.',
      );
    }
    if (isSealed(target)) {
      throw new DecoratorUsageError(
        target.name,
        declaredBy,
        "the class's registry metadata was already compiled",
        'Apply it when the class is defined.',
      );
    }
    if (ownProviderRecord(target) !== undefined) {
      throw new DecoratorUsageError(
        target.name,
        declaredBy,
        'the class already declares a provider',
        'Keep one @Provider decorator.',
      );
    }
    setProviderRecord(target, { ...stamp(declaredBy), providerName: name });
  };
}
