import { testEngines, useTestRegistry, type TestRegistry } from '@imprint/registry/testing';
import { expectStatus, ok } from '../../helpers/http';
import {
  bodyCases,
  createTextFixture,
  expectBodiesRefused,
  lookupCases,
  outcome,
  serviceOnlyCases,
  type TextFixture,
} from './text-entry-points';

/** What a spec of one kind of text neither engine stores the same way hands the shared suite. */
export interface TextRefusal {
  /** The `describe` title; ` (<engine>)` is appended. */
  readonly title: string;
  /** The bad text, in every shape the spec covers; the first stands for all in service-only inputs. */
  readonly samples: readonly string[];
  /** What the refusal's message must say. */
  readonly problem: RegExp;
  /** The spec's own tests, registered inside the same suite (same registry and fixture). */
  readonly more: (suite: TextRefusalContext) => void;
}

/** The suite's registry and fixture, for a spec's own tests (valid inside tests). */
export interface TextRefusalContext {
  readonly registry: TestRegistry;
  fixture(): TextFixture;
}

/**
 * The tests every such kind of text shares: refused in every body field over
 * HTTP and through the service, in service-only inputs, and "not found" in
 * lookups; on each engine, and after every test the stored data is unchanged
 * and no request ended in a 500.
 */
export function describeTextRefusal({ title, samples, problem, more }: TextRefusal): void {
  describe.each(testEngines())(`${title} (%s)`, (engine) => {
    const registry = useTestRegistry({ beforeAll, afterAll }, { engine });
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
        principals: await registry.storage.principals.listPrincipals(),
      };
    }

    beforeAll(async () => {
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

    it('in body fields, label keys and values, metadata keys and strings: 400 / code 3 naming the JSON path', async () => {
      for (const bad of samples) {
        await expectBodiesRefused(registry, bodyCases(registry, f, bad), problem);
      }
    });

    it('in the same fields through the service: code 3 naming the field', async () => {
      for (const bad of samples) {
        const cases = bodyCases(registry, f, bad);
        const outcomes = await outcomesOf(cases, (c) => c.service(registry.storage));
        expect(outcomes).toEqual(
          refusedWithCode3(cases, (c) => [
            c.serviceField,
            c.patterned ? expect.stringContaining(c.serviceField) : expect.stringMatching(problem),
          ]),
        );
      }
    });

    it('in list options, ancestry queries and the actor, through the service: code 3 naming the field', async () => {
      const cases = serviceOnlyCases(f, samples[0]);
      const outcomes = await outcomesOf(cases, (c) => c.call(registry.storage));
      expect(outcomes).toEqual(
        refusedWithCode3(cases, (c) => [c.field, expect.stringContaining(c.field)]),
      );
    });

    it('in names looked up through the service: not found, as for any name that does not exist', async () => {
      const cases = lookupCases(f, samples[0]);
      const outcomes = (await outcomesOf(cases, (c) => c.call(registry.storage))).map(
        ({ label, code }) => ({ label, code }),
      );
      expect(outcomes).toEqual(cases.map((c) => ({ label: c.label, code: c.code })));
    });

    more({ registry, fixture: () => f });
  });
}

/** What each case's call ended with (see `outcome`), one after another, in case order. */
async function outcomesOf<C extends { readonly label: string }>(
  cases: readonly C[],
  call: (c: C) => Promise<unknown>,
): Promise<Awaited<ReturnType<typeof outcome>>[]> {
  const outcomes = [];
  for (const c of cases) outcomes.push(await outcome(c.label, call(c)));
  return outcomes;
}

/** The outcomes expected of `cases`: each refused with code 3, naming the field and saying the message. */
function refusedWithCode3<C extends { readonly label: string }>(
  cases: readonly C[],
  expected: (c: C) => [field: string, message: unknown],
): unknown[] {
  return cases.map((c) => {
    const [field, message] = expected(c);
    return { label: c.label, code: 3, field, message };
  });
}

/** Expects each GET `path` to be 400 / code 3 naming `field` (none: the answer names no field). */
export async function expectPathsRefused(
  registry: TestRegistry,
  cases: readonly (readonly [path: string, field: string | undefined])[],
): Promise<void> {
  for (const [path, field] of cases) {
    const res = await registry.request('GET', path);
    expect({ path, status: res.status, field: res.body?.details?.[0]?.field }).toEqual({
      path,
      status: 400,
      field,
    });
    expectStatus(res, 400, 3);
  }
}
