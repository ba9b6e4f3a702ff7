import { RegistryErrorReason } from '@imprint/registry';
import {
  ENGINES,
  expectStatus,
  ok,
  openTestStorage,
  startTestRegistry,
  type TestRegistry,
  type TestStorage,
} from '../http/support/harness';
import {
  bodyCases,
  createTextFixture,
  expectBodiesRefused,
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

  it('in body fields, label keys and values, metadata keys and strings: 400 / code 3 naming the JSON path', async () => {
    await expectBodiesRefused(registry, bodyCases(registry, f, NUL), PROBLEM);
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

  it('in a page token: 400 / code 3 naming pagination.next_page_token', async () => {
    const forged = Buffer.from(JSON.stringify({ s: 'name:asc,id:asc', v: [NUL, '0'] })).toString(
      'base64url',
    );
    for (const token of [forged, encodeURIComponent(`${forged}\u0000`), '%00']) {
      const res = await registry.request(
        'GET',
        `${registry.base}/buckets?pagination.next_page_token=${token}`,
      );
      const body = expectStatus(res, 400, 3);
      expect(body.details[0]).toMatchObject({
        reason: RegistryErrorReason.PAGINATION_INVALID,
        field: 'pagination.next_page_token',
      });
    }
  });

  it('in query parameters and path parameters: 400 / code 3 naming the parameter', async () => {
    const bucket = `${registry.base}/buckets/texty`;
    const cases: [string, string][] = [
      [`${registry.base}/buckets?sorting.order_by=name%00`, 'query.sorting.order_by'],
      [`${bucket}/ancestry?channel_name=prod%00`, 'query.channel_name'],
      [`${bucket}/ancestry?version_fingerprint=${f.done}%00`, 'query.version_fingerprint'],
      [`${bucket}/ancestry?depth=1%00`, 'query.depth'],
      [`${registry.base}/buckets/texty%00`, 'params.bucket_name'],
      [`${bucket}/versions/${f.done}%00`, 'params.fingerprint'],
      [`${bucket}/versions/${f.draft}/builds/${f.buildId}%00`, 'params.build_id'],
      [`${bucket}/channels/prod%00`, 'params.channel_name'],
      [`${bucket}/channels/prod%00/history`, 'params.channel_name'],
      [
        '/resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=x%00',
        'query.scope.id',
      ],
    ];
    for (const [path, field] of cases) {
      const res = await registry.request('GET', path);
      expect({ path, status: res.status, field: res.body?.details?.[0]?.field }).toEqual({
        path,
        status: 400,
        field,
      });
      expectStatus(res, 400, 3);
    }
  });
});
