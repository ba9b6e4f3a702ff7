import { RegistryErrorReason, type RegistryService } from '@imprint/registry';
import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { completeVersion, expectStatus, ok } from '../helpers/http';

/**
 * Regression: a forged `next_page_token` whose values had the wrong type for
 * the sort keys (a string or a fraction for the epoch-ms `created_at`, a
 * number for `name`, a NUL in an id) reached SQL; PostgreSQL failed with
 * 22P02 / 22021 and the request was a 500. Every list must answer 400 /
 * code 3 REGISTRY_ERR_PAGINATION_INVALID naming pagination.next_page_token.
 */

/** A token as the registry encodes one: base64url JSON of the order's signature and the last row's values. */
function forge(signature: string, values: unknown[]): string {
  return Buffer.from(JSON.stringify({ s: signature, v: values })).toString('base64url');
}

/** Values that fit no integer sort key (created_at, updated_at, assigned_at, a version's seq). */
const NOT_INTEGERS: unknown[] = ['abc', '123', 1.5, 1e300, 2 ** 53, -(2 ** 53), true];
/** Values that fit no text sort key (names, fingerprints, ids). */
const NOT_TEXT: unknown[] = [5, 1.5, 'a\u0000b', '\ud800', 'x\udc00y', false];

interface ListCase {
  readonly what: string;
  /** Query string (without token) and service call of the list. */
  readonly query?: string;
  readonly path: () => string;
  readonly call: (service: RegistryService, token: string) => Promise<unknown>;
  readonly signature: string;
  /** Well-typed values: a forged token with them is accepted (so the signature is right). */
  readonly valid: unknown[];
  /** Which positions hold integers; the others hold text. */
  readonly integers: readonly number[];
}

describe.each(testEngines())('forged page tokens (%s)', (engine) => {
  const registry = useTestRegistry({ beforeAll, afterAll }, { engine });
  let parentFp: string;
  let childFp: string;

  const base = () => `${registry.base}/buckets`;
  const MAX = Number.MAX_SAFE_INTEGER;

  const cases: ListCase[] = [
    {
      what: 'ListBuckets',
      path: () => base(),
      call: (s, t) => s.listBuckets({ nextPageToken: t }),
      signature: 'name:asc,id:asc',
      valid: ['a', '0'],
      integers: [],
    },
    {
      what: 'ListBuckets by created_at',
      query: 'sorting.order_by=created_at',
      path: () => base(),
      call: (s, t) => s.listBuckets({ nextPageToken: t, orderBy: ['created_at'] }),
      signature: 'created_at:asc,id:asc',
      valid: [0, '0'],
      integers: [0],
    },
    {
      what: 'ListVersions',
      path: () => `${base()}/paged-parent/versions`,
      call: (s, t) => s.listVersions('paged-parent', { nextPageToken: t }),
      signature: 'created_at:desc,id:desc',
      valid: [MAX, 'z'],
      integers: [0],
    },
    {
      what: 'ListVersions by name (seq, an integer)',
      query: 'sorting.order_by=name',
      path: () => `${base()}/paged-parent/versions`,
      call: (s, t) => s.listVersions('paged-parent', { nextPageToken: t, orderBy: ['name'] }),
      signature: 'seq:asc,id:asc',
      valid: [0, '0'],
      integers: [0],
    },
    {
      what: 'ListVersions by fingerprint',
      query: 'sorting.order_by=fingerprint',
      path: () => `${base()}/paged-parent/versions`,
      call: (s, t) =>
        s.listVersions('paged-parent', { nextPageToken: t, orderBy: ['fingerprint'] }),
      signature: 'fingerprint:asc,id:asc',
      valid: ['0', '0'],
      integers: [],
    },
    {
      what: 'ListBuilds',
      path: () => `${base()}/paged-parent/versions/${parentFp}/builds`,
      call: (s, t) => s.listBuilds('paged-parent', parentFp, { nextPageToken: t }),
      signature: 'created_at:asc,id:asc',
      valid: [0, '0'],
      integers: [0],
    },
    {
      what: 'ListBuilds by component_type',
      query: 'sorting.order_by=component_type',
      path: () => `${base()}/paged-parent/versions/${parentFp}/builds`,
      call: (s, t) =>
        s.listBuilds('paged-parent', parentFp, { nextPageToken: t, orderBy: ['component_type'] }),
      signature: 'component_type:asc,id:asc',
      valid: ['0', '0'],
      integers: [],
    },
    {
      what: 'ListChannels',
      path: () => `${base()}/paged-parent/channels`,
      call: (s, t) => s.listChannels('paged-parent', { nextPageToken: t }),
      signature: 'name:asc,id:asc',
      valid: ['a', '0'],
      integers: [],
    },
    {
      what: 'ListChannels by updated_at',
      query: 'sorting.order_by=updated_at',
      path: () => `${base()}/paged-parent/channels`,
      call: (s, t) => s.listChannels('paged-parent', { nextPageToken: t, orderBy: ['updated_at'] }),
      signature: 'updated_at:asc,id:asc',
      valid: [0, '0'],
      integers: [0],
    },
    {
      what: 'ListChannelAssignmentHistory',
      path: () => `${base()}/paged-parent/channels/prod/history`,
      call: (s, t) => s.listChannelHistory('paged-parent', 'prod', { nextPageToken: t }),
      signature: 'assigned_at:desc,id:desc',
      valid: [MAX, 'z'],
      integers: [0],
    },
    {
      what: 'ListBucketAncestry',
      path: () => `${base()}/paged-child/ancestry`,
      call: (s, t) => s.listBucketAncestry('paged-child', { nextPageToken: t }),
      signature: 'created_at:asc,id:asc',
      valid: [0, '0'],
      integers: [0],
    },
  ];

  beforeAll(async () => {
    for (const name of ['paged-parent', 'paged-child']) {
      ok(await registry.request('PUT', base(), { body: { name } }));
    }
    parentFp = 'parent-fp';
    const parent = await completeVersion(registry, 'paged-parent', parentFp);
    const prod = ok(
      await registry.request('POST', `${base()}/paged-parent/channels`, {
        body: { name: 'prod', version_fingerprint: parentFp },
      }),
    ).channel;
    childFp = 'child-fp';
    await completeVersion(registry, 'paged-child', childFp, {
      parentVersionId: parent.id,
      parentChannelId: prod.id,
    });
  });

  let logged = 0;
  beforeEach(() => {
    logged = registry.logs.length;
  });
  afterEach(() => {
    const internal = registry.logs.slice(logged).filter((l) => l.includes('"statusCode":500'));
    expect(internal).toEqual([]);
  });

  function forgeries(c: ListCase): { label: string; token: string }[] {
    const out: { label: string; token: string }[] = [];
    c.valid.forEach((_, i) => {
      const wrong = c.integers.includes(i) ? NOT_INTEGERS : NOT_TEXT;
      for (const value of wrong) {
        const values = [...c.valid];
        values[i] = value;
        out.push({
          label: `v[${i}] = ${JSON.stringify(value)}`,
          token: forge(c.signature, values),
        });
      }
    });
    return out;
  }

  describe.each(cases)('$what', (c) => {
    const url = (token: string) =>
      `${c.path()}?${c.query ? `${c.query}&` : ''}pagination.next_page_token=${token}`;

    it('accepts a well-typed token (the forgeries below differ only in one value)', async () => {
      ok(await registry.request('GET', url(forge(c.signature, c.valid))));
      await c.call(registry.storage.service, forge(c.signature, c.valid));
    });

    it('answers a value of the wrong type with 400 / code 3 naming pagination.next_page_token', async () => {
      for (const { label, token } of forgeries(c)) {
        const res = await registry.request('GET', url(token));
        expect({ label, status: res.status }).toEqual({ label, status: 400 });
        const body = expectStatus(res, 400, 3);
        expect(body.message).toContain('pagination.next_page_token');
        expect(body.details[0]).toMatchObject({
          reason: RegistryErrorReason.PAGINATION_INVALID,
          field: 'pagination.next_page_token',
        });
      }
    });

    it('refuses the same forgeries through the service', async () => {
      for (const { label, token } of forgeries(c)) {
        const error = await c.call(registry.storage.service, token).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect({ label, error }).toEqual({
          label,
          error: expect.objectContaining({
            name: 'RegistryError',
            grpcCode: 3,
            reason: RegistryErrorReason.PAGINATION_INVALID,
            details: { field: 'pagination.next_page_token' },
          }),
        });
      }
    });
  });

  it('refuses over-long strings and tokens that are not base64url through the service', async () => {
    const service = registry.storage.service;
    const tokens = [
      forge('name:asc,id:asc', ['x'.repeat(1100), '0']),
      `${forge('name:asc,id:asc', ['a', '0'])}\u0000`,
      `${forge('name:asc,id:asc', ['a', '0'])}\ud800`,
      'not a token!',
    ];
    for (const token of tokens) {
      await expect(service.listBuckets({ nextPageToken: token })).rejects.toMatchObject({
        grpcCode: 3,
        reason: RegistryErrorReason.PAGINATION_INVALID,
      });
    }
    await expect(
      service.listBucketAncestry('paged-child', {
        nextPageToken: forge('created_at:asc,id:asc', ['abc', '0']),
      }),
    ).rejects.toMatchObject({ grpcCode: 3, reason: RegistryErrorReason.PAGINATION_INVALID });
  });
});
