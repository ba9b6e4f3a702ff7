import type { ValidationError } from 'class-validator';

/**
 * One failed property, in class-validator's shape (`property`, `constraints`,
 * `children`) plus the dotted `path` from the validated root.
 */
export interface ValidationIssue {
  /** The property that failed, as class-validator names it. */
  readonly property: string;
  /** Dotted path from the validated root, e.g. `labels` or `images[us-east-1].sourceImageId`. */
  readonly path: string;
  /** The value that failed. */
  readonly value?: unknown;
  /** Constraint name → human message. */
  readonly constraints: Readonly<Record<string, string>>;
  /** Nested failures, for object-valued properties. */
  readonly children: readonly ValidationIssue[];
}

/** Converts class-validator's error tree into {@link ValidationIssue}s with dotted paths. */
export function toValidationIssues(
  errors: readonly ValidationError[],
  parentPath = '',
): ValidationIssue[] {
  return errors.map((error) => {
    const path = parentPath === '' ? error.property : `${parentPath}.${error.property}`;
    return {
      property: error.property,
      path,
      value: error.value,
      constraints: { ...(error.constraints ?? {}) },
      children: toValidationIssues(error.children ?? [], path),
    };
  });
}

/**
 * Turns a validation tree (class-validator's `ValidationError[]` or
 * {@link ValidationIssue}s) into one line per failed constraint:
 * `path: message`.
 *
 * @example
 * ```ts
 * const errors = validateSync(config);
 * console.error(flattenErrors(errors).join('\n'));
 * ```
 */
export function flattenErrors(
  errors: readonly (ValidationError | ValidationIssue)[],
  parentPath = '',
): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path =
      'path' in error && typeof error.path === 'string'
        ? error.path
        : parentPath === ''
          ? error.property
          : `${parentPath}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) {
      lines.push(`${path}: ${message}`);
    }
    lines.push(...flattenErrors(error.children ?? [], path));
  }
  return lines;
}
