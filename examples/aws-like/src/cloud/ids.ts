import { randomBytes } from 'node:crypto';

/** The kinds of resource the cloud names: images (`ami-…`) and instances (`i-…`). */
export type ResourcePrefix = 'ami' | 'i';

/** Makes a new resource id: the prefix, `-`, and 17 lower-case hex digits. */
export type IdGenerator = (prefix: ResourcePrefix) => string;

/** The id format EC2 uses today: `ami-0123456789abcdef0`. */
export const RESOURCE_ID_PATTERN = /^(ami|i)-[0-9a-f]{17}$/;

/** Random ids, as a real cloud hands out. The default of {@link LocalCloud}. */
export const randomIds: IdGenerator = (prefix) =>
  `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;

/**
 * Ids counted up from 1 per prefix (`ami-00000000000000001`, …), for tests
 * that compare against committed output.
 *
 * @example
 * ```ts
 * const cloud = new LocalCloud({ dir, generateId: sequentialIds() });
 * ```
 */
export function sequentialIds(): IdGenerator {
  const counters = new Map<ResourcePrefix, number>();
  return (prefix) => {
    const next = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, next);
    return `${prefix}-${next.toString(16).padStart(17, '0')}`;
  };
}
