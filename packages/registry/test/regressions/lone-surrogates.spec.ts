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
  ACTOR,
  bodyCases,
  createTextFixture,
  expectBodiesRefused,
  lookupCases,
  outcome,
  serviceOnlyCases,
  type TextFixture,
} from './support/text-entry-points';

/**
 * Regression: a lone UTF-16 surrogate (JSON "\ud800") is not Unicode text.
 * It was accepted and each engine mangled it its own way: SQLite stored three
 * U+FFFD, PostgreSQL one, so two component types differing only in an
 * unpaired surrogate were 200 on one engine and 409 on the other. Such text
 * must be 400 / code 3 naming the field, the same on both engines, over HTTP
 * (the JSON body parser names the JSON path) and through the service.
 */
describe.each(ENGINES)('lone UTF-16 surrogates (%s)', (engine) => {
  const PROBLEM = /unpaired UTF-16 surrogate/;
  const SURROGATES = ['a\ud800b', 'a\udfffb', '\udc00\ud800', 'end\ud83d'];
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
    for (const bad of SURROGATES) {
      await expectBodiesRefused(registry, bodyCases(registry, f, bad), PROBLEM);
    }
  });

  it('two component types differing only in a lone surrogate are 400 on both engines, not 200 and 409', async () => {
    const builds = `${registry.base}/buckets/texty/versions/${f.draft}/builds`;
    for (const componentType of ['docker.\ud800', 'docker.\udbff']) {
      const res = await registry.request('POST', builds, {
        body: { component_type: componentType },
      });
      const status = expectStatus(res, 400, 3);
      expect(status.details[0]).toMatchObject({
        reason: RegistryErrorReason.INVALID_ARGUMENT,
        field: 'body.component_type',
      });
      expect(status.message).toMatch(PROBLEM);
    }
  });

  it('in raw JSON escapes, wherever they sit in the body', async () => {
    const bucket = `${registry.base}/buckets/texty`;
    const cases: [string, string][] = [
      ['{"labels": {"os": "\\ud800"}}', 'body.labels.os'],
      ['{"labels": {"\\udfff": "x"}}', 'body.labels'],
      ['{"platforms": ["aws", "\\ud83d"]}', 'body.platforms[1]'],
      ['"\\ud800"', 'body'],
      ['{"unknown_field": "\\ud800"}', 'body.unknown_field'],
    ];
    for (const [raw, field] of cases) {
      const res = await registry.request('PATCH', bucket, { raw });
      expect({ raw, status: res.status, field: res.body?.details?.[0]?.field }).toEqual({
        raw,
        status: 400,
        field,
      });
      expect(expectStatus(res, 400, 3).message).toMatch(PROBLEM);
    }
  });

  it('cannot arrive in a URL: a percent-encoded surrogate is 400 / code 3, never stored', async () => {
    const buckets = `${registry.base}/buckets`;
    const cases: [string, string | undefined][] = [
      [`${buckets}/texty%ED%A0%80`, undefined],
      [`${buckets}?sorting.order_by=name%ED%A0%80`, 'query.sorting.order_by'],
      [`${buckets}?pagination.next_page_token=abc%ED%A0%80`, 'pagination.next_page_token'],
      [`${buckets}/texty/ancestry?channel_name=ab%ED%A0%80`, 'query.channel_name'],
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

  it('in the same fields through the service: code 3 naming the field', async () => {
    for (const bad of SURROGATES) {
      const cases = bodyCases(registry, f, bad);
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
    }
  });

  it('in list options, ancestry queries and the actor, through the service: code 3 naming the field', async () => {
    const cases = serviceOnlyCases(f, SURROGATES[0]);
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
    const cases = lookupCases(f, SURROGATES[0]);
    const outcomes = [];
    for (const c of cases) {
      const { label, code } = await outcome(c.label, c.call(store.storage));
      outcomes.push({ label, code });
    }
    expect(outcomes).toEqual(cases.map((c) => ({ label: c.label, code: c.code })));
  });

  it('two component types differing only in a lone surrogate are refused through the service, not stored as one', async () => {
    const service = store.storage.service;
    for (const componentType of ['docker.\ud800', 'docker.\udbff']) {
      await expect(
        service.createBuild(ACTOR, 'texty', f.draft, { component_type: componentType }),
      ).rejects.toMatchObject({
        grpcCode: 3,
        reason: RegistryErrorReason.INVALID_ARGUMENT,
        details: { field: 'component_type' },
      });
    }
  });

  it('keeps well-formed text outside the BMP (surrogate pairs) exactly as sent', async () => {
    const service = store.storage.service;
    const text = 'rocket \u{1F680} / \ud83d\ude00';
    const bucket = await service.createBucket(ACTOR, {
      name: 'astral',
      description: text,
      labels: { [text]: text },
    });
    expect(bucket).toMatchObject({ description: text, labels: { [text]: text } });
    const read = ok(await registry.request('GET', `${registry.base}/buckets/astral`)).bucket;
    expect(read).toMatchObject({ description: text, labels: { [text]: text } });
    await service.deleteBucket(ACTOR, 'astral');
  });
});
