import 'reflect-metadata';
import { DecoratorUsageError, InvalidArgumentError } from '../../errors/sdk.errors';
import type { ConfigClass } from './config-class';

/** Metadata key of the `@Field` records a config class declares itself. */
export const CONFIG_FIELDS_KEY = 'imprint:config:fields';

/** The type shown for a field: a description, a nested config class, or a list of them. */
export type FieldType = string | ConfigClass | readonly [ConfigClass];

/** Options of {@link Field}. */
export interface FieldOptions {
  /** One sentence for `PluginSet.describe()` and the docs. */
  readonly doc: string;
  /** Template key; defaults to the property name in snake_case (`amiRegions` → `ami_regions`). */
  readonly key?: string;
  /**
   * A config class (or `[ConfigClass]` for a list) for a nested block, or a
   * type description to show. Without it the type is read from the
   * property's class-validator rules (`@IsString()` → `string`, …).
   */
  readonly type?: FieldType;
}

/** What `@Field` records. */
export interface FieldRecord {
  readonly property: string;
  readonly options: FieldOptions;
}

/**
 * Declares a configuration field: its template key, its documentation and,
 * for nested blocks, its config class. Validation rules stay class-validator's;
 * a field without `@IsOptional()` and without an initial value is required.
 *
 * @example
 * ```ts
 * class AwsLikeConfig {
 *   @Field({ doc: 'Region to build in.' }) @IsString() region!: string;
 *   @Field({ doc: 'Extra regions to copy the image to.' }) @IsOptional() @IsString({ each: true }) amiRegions: string[] = [];
 *   @Field({ doc: 'Pick the source image by filter.', type: AmiFilterConfig }) @IsOptional() sourceAmiFilter?: AmiFilterConfig;
 * }
 * ```
 */
export function Field(options: FieldOptions): PropertyDecorator {
  if (typeof options?.doc !== 'string' || options.doc.trim() === '') {
    throw new InvalidArgumentError(
      '@Field doc',
      'a non-empty string describing the field',
      options?.doc,
    );
  }
  if (
    options.key !== undefined &&
    (typeof options.key !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(options.key))
  ) {
    throw new InvalidArgumentError('@Field key', 'an identifier such as ami_regions', options.key);
  }
  return (target, propertyKey) => {
    if (typeof propertyKey === 'object' && propertyKey !== null) {
      throw new DecoratorUsageError(
        'a config class member',
        '@Field()',
        'it was applied as a TC39 standard decorator',
        'Imprint decorators need "experimentalDecorators": true in tsconfig.json.',
      );
    }
    const owner =
      typeof target === 'function'
        ? target.name
        : (target as { constructor: { name: string } }).constructor.name;
    if (typeof propertyKey === 'symbol') {
      throw new DecoratorUsageError(
        `${owner}.prototype[${propertyKey.toString()}]`,
        '@Field()',
        'symbol-keyed members cannot be template fields',
        'Use a string-named property.',
      );
    }
    if (typeof target === 'function') {
      throw new DecoratorUsageError(
        `${owner}.${propertyKey}`,
        '@Field()',
        'static members are not configuration',
        'Make it an instance property.',
      );
    }
    const ctor = (target as { constructor: object }).constructor;
    const own =
      (Reflect.getOwnMetadata(CONFIG_FIELDS_KEY, ctor) as FieldRecord[] | undefined) ?? [];
    if (own.some((r) => r.property === propertyKey)) {
      throw new DecoratorUsageError(
        `${owner}.prototype.${propertyKey}`,
        '@Field()',
        'the property is already a field',
        'Remove the duplicate decorator.',
      );
    }
    Reflect.defineMetadata(CONFIG_FIELDS_KEY, [...own, { property: propertyKey, options }], ctor);
  };
}
