import { isUnsafeKey } from '@imprint/sdk';
import type { ValidationOptions } from 'class-validator';
import { ValidateBy } from 'class-validator';

/**
 * class-validator rule: the value is a plain object whose keys are non-empty,
 * safe names and whose values are strings (tags, labels). class-validator has
 * no such rule built in.
 */
export function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringMap',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.entries(value).every(
            ([key, v]) => key !== '' && !isUnsafeKey(key) && typeof v === 'string',
          ),
        defaultMessage: () => 'must be a map of non-empty keys to string values',
      },
    },
    options,
  );
}
