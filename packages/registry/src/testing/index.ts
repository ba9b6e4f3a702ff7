/**
 * `@imprint/registry/testing`: a real registry on 127.0.0.1 for tests and
 * benchmarks, in this package's and in yours. Nothing here is a fake: the
 * server, the storage and the database are the ones `imprint-registry serve`
 * runs, on a fresh database that `close()` removes.
 *
 * - {@link startTestRegistry}: one registry (SQLite in a temp dir by default,
 *   PostgreSQL on request), with a ready `RegistryClient`, credentials of the
 *   principals it made, and `close()`.
 * - {@link testEngines} / {@link createTestDatabase}: the engine matrix —
 *   SQLite always, PostgreSQL too when `IMPRINT_TEST_POSTGRES_URL` is set, a
 *   fresh database per suite.
 * - {@link useTestRegistry}: the same registry for a whole `describe` block,
 *   through your framework's `beforeAll`/`afterAll`.
 *
 * This entry depends on no test framework: it runs under jest, vitest,
 * node:test or a plain script.
 *
 * @example
 * ```ts
 * import { startTestRegistry, testEngines } from '@imprint/registry/testing';
 *
 * describe.each(testEngines())('my plugin against the registry (%s)', (engine) => {
 *   it('publishes a version', async () => {
 *     const registry = await startTestRegistry({ engine });
 *     try {
 *       await registry.client.upsertBucket('base', { description: 'base images' });
 *     } finally {
 *       await registry.close();
 *     }
 *   });
 * });
 * ```
 * @packageDocumentation
 */
export * from './test-database';
export * from './test-storage';
export * from './test-registry';
export * from './json-request';
export * from './suite-hooks';
export * from './temp-dirs';
export * from './internals';
