import { startTestRegistry, type TestRegistry, type TestRegistryOptions } from './test-registry';

/**
 * The suite hooks of a test framework: jest's and vitest's `beforeAll` /
 * `afterAll`, node:test's `before` / `after`, mocha's `before` / `after`.
 * Taken as arguments so that this module depends on no test framework.
 */
export interface SuiteHooks {
  beforeAll(fn: () => Promise<void>, timeoutMs?: number): void;
  afterAll(fn: () => Promise<void>, timeoutMs?: number): void;
}

/**
 * A handle to a value a suite hook makes: reading it before the hook ran
 * (outside a test) fails with a message instead of `undefined` errors later.
 * Methods are bound, so `const { request } = handle` works.
 */
export function suiteValue<T extends object>(what: string, get: () => T | undefined): T {
  const need = (): T => {
    const value = get();
    if (value === undefined) throw new Error(`${what} is only available inside tests`);
    return value;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const target = need();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
    has: (_, key) => key in need(),
  });
}

/**
 * Starts a registry before the suite's tests and closes it after them; the
 * returned handle stands for the {@link TestRegistry} inside tests. Pass
 * options as a function when they name something an earlier `beforeAll` makes.
 *
 * @example
 * ```ts
 * describe.each(testEngines())('buckets (%s)', (engine) => {
 *   const registry = useTestRegistry({ beforeAll, afterAll }, { engine });
 *
 *   it('creates one', async () => {
 *     await registry.client.upsertBucket('base', {});
 *   });
 * });
 * ```
 */
export function useTestRegistry(
  hooks: SuiteHooks,
  options: TestRegistryOptions | (() => TestRegistryOptions) = {},
): TestRegistry {
  let registry: TestRegistry | undefined;
  // PostgreSQL databases are created through the network: allow more than a unit test's 5 s.
  hooks.beforeAll(async () => {
    // A function is read in the hook, after the suite's earlier hooks made what it names.
    registry = await startTestRegistry(typeof options === 'function' ? options() : options);
  }, 30_000);
  hooks.afterAll(async () => {
    await registry?.close();
  }, 30_000);
  return suiteValue('useTestRegistry()', () => registry);
}
