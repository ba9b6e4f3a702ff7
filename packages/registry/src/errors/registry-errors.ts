import { RegistryError } from './registry-error';
import { REGISTRY_ERROR_TABLE } from './registry-error-table';
import type { RegistryErrorCondition, RegistryErrorRow } from './registry-error-table';

type ParamsOf<Row> = Row extends RegistryErrorRow<infer P> ? P : never;
type ConstructorArgs<P> = [P] extends [void]
  ? [params?: undefined, options?: ErrorOptions]
  : [params: P, options?: ErrorOptions];

/** The class of one condition: `new BucketNotFound({ bucket_name })`; `row` is its table row. */
export interface RegistryErrorClass<P> {
  new (...args: ConstructorArgs<P>): RegistryError;
  /** The row's name in the table, e.g. `BucketNotFound`. */
  readonly condition: RegistryErrorCondition;
  readonly row: RegistryErrorRow<P>;
}

type RegistryErrorClasses = {
  readonly [K in RegistryErrorCondition]: RegistryErrorClass<
    ParamsOf<(typeof REGISTRY_ERROR_TABLE)[K]>
  >;
};

function errorClass<P>(
  condition: RegistryErrorCondition,
  row: RegistryErrorRow<P>,
): RegistryErrorClass<P> {
  const conditionClass = class extends RegistryError {
    static readonly condition = condition;
    static readonly row = row;

    constructor(...[params, options]: ConstructorArgs<P>) {
      const values = params as P;
      super(
        row.grpcCode,
        row.code,
        row.message(values),
        row.details ? row.details(values) : { ...(values as object) },
        typeof row.httpStatus === 'function' ? row.httpStatus(values) : row.httpStatus,
        options,
      );
    }
  };
  Object.defineProperty(conditionClass, 'name', { value: `${condition}Error` });
  return conditionClass;
}

/**
 * One {@link RegistryError} subclass per row of the error table, made from the
 * row: its code, gRPC code, HTTP status, message and details. Throw
 * `new RegistryErrors.BucketNotFound({ bucket_name: 'web' })`; catch with
 * `instanceof RegistryErrors.BucketNotFound`, or `instanceof RegistryError`
 * for any of them (every instance's `name` stays `RegistryError`).
 *
 * @example
 * ```ts
 * const error = new RegistryErrors.BucketNotFound({ bucket_name: 'web' });
 * error.code; // 'REGISTRY_ERR_BUCKET_NOT_FOUND'
 * error.httpStatus; // 404
 * ```
 */
export const RegistryErrors: RegistryErrorClasses = Object.freeze(
  Object.fromEntries(
    Object.entries(REGISTRY_ERROR_TABLE).map(([condition, row]) => [
      condition,
      errorClass(condition as RegistryErrorCondition, row as RegistryErrorRow<unknown>),
    ]),
  ),
) as RegistryErrorClasses;
