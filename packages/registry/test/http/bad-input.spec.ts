import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { expectStatus, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';

/**
 * Bad input never reaches the domain as-is and never produces a 500: every
 * class of mistake is a 4xx google.rpc.Status naming the field, and the
 * stored data is unchanged afterwards.
 */
describe.each(testEngines())('bad input (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, server: { bodyLimit: 64 * 1024 } },
  );
  let fp: string;
  let buildId: string;

  const bucket = () => `${registry.base}/buckets/guarded`;

  /** Everything a bad request could have touched. */
  async function snapshot(): Promise<unknown> {
    const buckets = ok(await registry.request('GET', `${registry.base}/buckets`));
    const version = ok(await registry.request('GET', `${bucket()}/versions/${fp}`));
    const channels = ok(await registry.request('GET', `${bucket()}/channels`));
    return { buckets, version, channels };
  }

  let before: unknown;

  beforeAll(async () => {
    ok(
      await registry.request('PUT', `${registry.base}/buckets`, {
        body: { name: 'guarded', description: 'original', labels: { a: 'b' } },
      }),
    );
    fp = fingerprint();
    ok(await registry.request('POST', `${bucket()}/versions`, { body: { fingerprint: fp } }));
    buildId = ok(
      await registry.request('POST', `${bucket()}/versions/${fp}/builds`, {
        body: { component_type: 'amazon-ebs.base' },
      }),
    ).build.id;
    before = await snapshot();
  });

  afterEach(async () => {
    expect(await snapshot()).toEqual(before);
    const internal = registry.logs.filter((line) => line.includes('"statusCode":500'));
    expect(internal).toEqual([]);
  });

  it('malformed JSON is 400 / code 3', async () => {
    const res = await registry.request('PATCH', bucket(), { raw: '{"description": "x",' });
    const body = expectStatus(res, 400, 3);
    expect(body.message).toMatch(/not valid JSON/);
    expect(body.details[0].reason).toBe('REGISTRY_ERR_MALFORMED_JSON');
  });

  it('a JSON body that is not an object is 400 / code 3', async () => {
    expectStatus(await registry.request('PATCH', bucket(), { raw: '[1,2]' }), 400, 3);
    expectStatus(await registry.request('PATCH', bucket(), { raw: '"text"' }), 400, 3);
    expectStatus(await registry.request('PATCH', bucket(), { raw: 'null' }), 400, 3);
  });

  it('wrong types are 400 / code 3 naming the field (no coercion)', async () => {
    const cases: [string, string, unknown, string][] = [
      ['PATCH', bucket(), { description: 42 }, 'body.description'],
      ['PATCH', bucket(), { labels: { a: 1 } }, 'body.labels.a'],
      ['PATCH', bucket(), { labels: ['a'] }, 'body.labels'],
      ['PATCH', bucket(), { platforms: 'aws' }, 'body.platforms'],
      ['PATCH', `${bucket()}/versions/${fp}`, { complete: 'true' }, 'body.complete'],
      [
        'PATCH',
        `${bucket()}/versions/${fp}/builds/${buildId}`,
        { artifacts: {} },
        'body.artifacts',
      ],
      [
        'PATCH',
        `${bucket()}/versions/${fp}/builds/${buildId}`,
        { artifacts: [{ region: 'x' }] },
        'body.artifacts.0.external_identifier',
      ],
      ['PATCH', `${bucket()}/versions/${fp}/builds/${buildId}`, { metadata: 'x' }, 'body.metadata'],
      ['POST', `${bucket()}/channels`, { name: 'ok-name', restricted: 'yes' }, 'body.restricted'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = expectStatus(await registry.request(method, path, { body }), 400, 3);
      expect({ field, message: res.message }).toEqual({
        field,
        message: expect.stringContaining(field),
      });
      expect(res.details[0].field).toBe(field);
    }
  });

  it('unknown enum values are 400 / code 3 listing the allowed values', async () => {
    const status = expectStatus(
      await registry.request('PATCH', `${bucket()}/versions/${fp}/builds/${buildId}`, {
        body: { status: 'BUILD_FINISHED' },
      }),
      400,
      3,
    );
    expect(status.message).toContain('BUILD_DONE');
    expectStatus(
      await registry.request('POST', `${bucket()}/versions`, {
        body: { fingerprint: fingerprint(), template_type: 'YAML' },
      }),
      400,
      3,
    );
    expectStatus(
      await registry.request('GET', `${bucket()}/ancestry?type=ANCESTRY_TYPE_COUSINS`),
      400,
      3,
    );
  });

  it('missing required fields are 400 / code 3', async () => {
    const res = expectStatus(
      await registry.request('PUT', `${registry.base}/buckets`, { body: { description: 'x' } }),
      400,
      3,
    );
    expect(res.message).toContain('body.name is required');
    expectStatus(
      await registry.request('PATCH', `${bucket()}/channels/latest`, { body: {} }),
      400,
      3,
    );
    expectStatus(await registry.request('POST', `${bucket()}/versions`), 400, 3);
  });

  it('over-long strings are 400 / code 3', async () => {
    const res = expectStatus(
      await registry.request('PATCH', bucket(), { body: { description: 'x'.repeat(256) } }),
      400,
      3,
    );
    expect(res.message).toContain('body.description');
    expectStatus(
      await registry.request('POST', `${bucket()}/versions/${fp}/builds`, {
        body: { component_type: 'c'.repeat(300) },
      }),
      400,
      3,
    );
    expectStatus(
      await registry.request('PATCH', bucket(), { body: { labels: { ['k'.repeat(300)]: 'v' } } }),
      400,
      3,
    );
    expectStatus(
      await registry.request('POST', `${registry.base}/_search/external_artifact`, {
        body: { external_identifier: 'a'.repeat(2000) },
      }),
      400,
      3,
    );
  });

  it('invalid bucket names are 400 / code 3, in bodies and paths', async () => {
    for (const name of ['ab', 'has space', 'under_score', 'x'.repeat(37), 'dot.name', '']) {
      const res = expectStatus(
        await registry.request('PUT', `${registry.base}/buckets`, { body: { name } }),
        400,
        3,
      );
      expect(res.message).toContain('body.name');
    }
    expectStatus(await registry.request('GET', `${registry.base}/buckets/a_b`), 400, 3);
    expectStatus(
      await registry.request('POST', `${bucket()}/channels`, { body: { name: 'bad name' } }),
      400,
      3,
    );
  });

  it('invalid fingerprints are 400 / code 3', async () => {
    for (const bad of ['-leading', 'trailing-', 'has/slash', 'x'.repeat(41), 'sp ace', '']) {
      const res = expectStatus(
        await registry.request('POST', `${bucket()}/versions`, { body: { fingerprint: bad } }),
        400,
        3,
      );
      expect(res.message).toContain('body.fingerprint');
    }
    expectStatus(await registry.request('GET', `${bucket()}/versions/${'x'.repeat(41)}`), 400, 3);
  });

  it('path traversal and encoded slashes in names are refused', async () => {
    const attempts = [
      `${registry.base}/buckets/..%2F..%2Fetc`,
      `${registry.base}/buckets/guarded%2F..%2Fother`,
      `${registry.base}/buckets/%2E%2E`,
      `${bucket()}/versions/..%2F${fp}`,
      `${bucket()}/versions/${fp}%2F..%2F..`,
      `${bucket()}/channels/..%2Flatest`,
      `${bucket()}/versions/${fp}/builds/..%2F..%2F${buildId}`,
      `${registry.base}/buckets/%5C..%5Cx`,
      `${registry.base}/buckets/guarded%00`,
    ];
    for (const path of attempts) {
      const res = await registry.request('GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: expect.any(Number) });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    }
    expectStatus(await registry.request('GET', `${registry.base}/buckets/%E0%A4%A`), 400, 3);
  });

  it('oversized bodies are 413 / code 3', async () => {
    const res = await registry.request('PATCH', bucket(), {
      body: { description: 'x', labels: { big: 'y'.repeat(70 * 1024) } },
    });
    const body = expectStatus(res, 413, 3);
    expect(body.message).toContain(String(64 * 1024));
    expect(body.details[0].reason).toBe('REGISTRY_ERR_BODY_TOO_LARGE');
  });

  it('wrong content types are 415 / code 3', async () => {
    const res = await registry.request('PATCH', bucket(), {
      raw: 'description=x',
      contentType: 'text/plain',
    });
    const body = expectStatus(res, 415, 3);
    expect(body.message).toContain('application/json');
    expectStatus(
      await registry.request('PATCH', bucket(), {
        raw: 'description=x',
        contentType: 'application/x-www-form-urlencoded',
      }),
      415,
      3,
    );
  });

  it('prototype-polluting keys are 400 / code 3', async () => {
    const res = expectStatus(
      await registry.request('PATCH', bucket(), {
        raw: '{"labels": {"__proto__": {"polluted": "yes"}}}',
      }),
      400,
      3,
    );
    expect(res.details[0].reason).toBe('REGISTRY_ERR_FORBIDDEN_KEY');
    expectStatus(
      await registry.request('PATCH', `${bucket()}/versions/${fp}/builds/${buildId}`, {
        raw: '{"metadata": {"constructor": {"prototype": {}}}}',
      }),
      400,
      3,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('absurdly nested JSON is 400 / code 3', async () => {
    const deep = `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`;
    expectStatus(
      await registry.request('PATCH', `${bucket()}/versions/${fp}/builds/${buildId}`, {
        raw: `{"metadata": ${deep}}`,
      }),
      400,
      3,
    );
  });

  it('bad query params are 400 / code 3', async () => {
    expectStatus(
      await registry.request('GET', `${registry.base}/buckets?pagination.page_size=abc`),
      400,
      3,
    );
    expectStatus(
      await registry.request('GET', `${registry.base}/buckets?pagination.page_size=100000`),
      400,
      3,
    );
    expectStatus(
      await registry.request('GET', `${registry.base}/buckets?sorting.order_by=name;drop`),
      400,
      3,
    );
    expectStatus(
      await registry.request('DELETE', `${bucket()}/versions/${fp}?rollback_channels=maybe`),
      400,
      3,
    );
  });

  it('invalid revocation values are 400 / code 3', async () => {
    expectStatus(
      await registry.request('PATCH', `${bucket()}/versions/${fp}`, {
        body: { revoke_at: 'tomorrow' },
      }),
      400,
      3,
    );
    expectStatus(
      await registry.request('PATCH', `${bucket()}/versions/${fp}`, {
        body: { revoke_in: '3 weeks' },
      }),
      400,
      3,
    );
  });

  it('unknown routes are 404 / code 5', async () => {
    const res = expectStatus(await registry.request('GET', '/nope'), 404, 5);
    expect(res.message).toContain('/openapi.json');
    expectStatus(await registry.request('POST', `${registry.base}/buckets/guarded`), 404, 5);
  });
});
