import { ValidateBy } from 'class-validator';
import { describeTypedValue, describeValue } from '../errors/describe-value';
import { isPlainRecord } from './unsafe-keys';

/** The value is a string with at least one character. */
export function IsNonEmptyString(): PropertyDecorator {
  return ValidateBy({
    name: 'isNonEmptyString',
    validator: {
      validate: (value) => typeof value === 'string' && value !== '',
      defaultMessage: (args) =>
        `must be a non-empty string, got ${args ? describeValue(args.value) : 'nothing'}`,
    },
  });
}

/** The value is a string (possibly empty). */
export function IsPlainString(): PropertyDecorator {
  return ValidateBy({
    name: 'isString',
    validator: {
      validate: (value) => typeof value === 'string',
      defaultMessage: (args) =>
        `must be a string, got ${args ? describeValue(args.value) : 'nothing'}`,
    },
  });
}

function nonStringLabelKeys(value: unknown): string[] | undefined {
  if (!isPlainRecord(value)) return undefined;
  return Object.keys(value).filter(
    (key) => typeof (value as Record<string, unknown>)[key] !== 'string',
  );
}

/** The value is an object whose every value is a string. */
export function IsStringMap(): PropertyDecorator {
  return ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (value) => nonStringLabelKeys(value)?.length === 0,
      defaultMessage: (args) => {
        const bad = nonStringLabelKeys(args?.value);
        if (bad === undefined) {
          return `must be a map of string to string, got ${describeTypedValue(args?.value)}`;
        }
        return `must be a map of string to string; not strings: ${bad.map((k) => `'${k}'`).join(', ')}`;
      },
    },
  });
}
