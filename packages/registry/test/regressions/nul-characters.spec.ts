import {
  ENGINES,
  ok,
  openTestStorage,
  startTestRegistry,
  type TestRegistry,
  type TestStorage,
} from '../http/support/harness';
import {
  bodyCases,
  createTextFixture,
  lookupCases,
  outcome,
  serviceOnlyCases,
  type TextFixture,
} from './support/text-entry-points';

/**
 * Regression: PostgreSQL text cannot hold NUL (U+0000). Where a NUL got past
 * the checks (inside page tokens, and wherever a check forgot it) SQLite
 * answered 4xx and PostgreSQL failed the statement: a 500 with a stack trace.
 * Every entry point must answer 400 / code 3 naming the field, the same on
 * both engines, over HTTP and through the service (a public API of its own).
 */
describe.each(ENGINES)('NUL characters (%s)', (engine) => {
  const NUL = 'a\u0000b';
  const PROBLEM = /NUL character \(U\+0000\)/;
  let store: TestStorage;
  let registry: TestRegistry;
  let f: TextFixture;
  let before: unknown;
  let logged = 0;

  async function snapshot(): Promise<unknown> {
    const base = `${registry.base}/buckets`;
    return {
      buckets: ok(await registry.request('GET', base)),
      draft: ok(await registry.request('GET', `${base}/texty/versions/${f.draft}`)),
      done: ok(await registry.request('GET', `${base}/texty/versions/${f.done}`)),
      channels: ok(await registry.request('GET', `${base}/texty/channels`)),
      principals: await store.storage.principals.listPrincipals(),
    };
  }

  beforeAll(async () => {
    store = await openTestStorage(engine);
    registry = await startTestRegistry(store.storage);
    f = await createTextFixture(registry);
    before = await snapshot();
  });

  beforeEach(() => {
    logged = registry.logs.length;
  });

  afterEach(async () => {
    expect(await snapshot()).toEqual(before);
    const internal = registry.logs.slice(logged).filter((l) => l.includes('"statusCode":500'));
    expect(internal).toEqual([]);
  });

  afterAll(async () => {
    await registry?.close();
    await store?.dispose();
  });

  it('in the same fields through the service: code 3 naming the field', async () => {
    const cases = bodyCases(registry, f, NUL);
    const outcomes = [];
    for (const c of cases) outcomes.push(await outcome(c.label, c.service(store.storage)));
    expect(outcomes).toEqual(
      cases.map((c) => ({
        label: c.label,
        code: 3,
        field: c.serviceField,
        message: c.patterned
          ? expect.stringContaining(c.serviceField)
          : expect.stringMatching(PROBLEM),
      })),
    );
  });

  it('in list options, ancestry queries and the actor, through the service: code 3 naming the field', async () => {
    const cases = serviceOnlyCases(f, NUL);
    const outcomes = [];
    for (const c of cases) outcomes.push(await outcome(c.label, c.call(store.storage)));
    expect(outcomes).toEqual(
      cases.map((c) => ({
        label: c.label,
        code: 3,
        field: c.field,
        message: expect.stringContaining(c.field),
      })),
    );
  });

  it('in names looked up through the service: not found, as for any name that does not exist', async () => {
    const cases = lookupCases(f, NUL);
    const outcomes = [];
    for (const c of cases) {
      const { label, code } = await outcome(c.label, c.call(store.storage));
      outcomes.push({ label, code });
    }
    expect(outcomes).toEqual(cases.map((c) => ({ label: c.label, code: c.code })));
  });
});
