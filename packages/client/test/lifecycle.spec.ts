import {
  RegistryApiError,
  RegistryClient,
  RegistryResponseError,
  isVersionComplete,
} from '@imprint/client';
import { bucket, version } from './helpers/fixtures';
import type { RecordedRequest, Reply, TestServer } from './helpers/test-server';
import { autoClosingTestServers, rpcError } from './helpers/test-server';

const start = autoClosingTestServers();
/** The server of the running test, for {@link calls}. */
let server: TestServer | undefined;

async function clientWith(reply: (request: RecordedRequest, n: number) => Reply) {
  server = await start(reply);
  return new RegistryClient({
    baseUrl: server.url,
    organizationId: 'o',
    projectId: 'p',
    retries: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
}

const calls = () =>
  server!.requests.map((r) => `${r.method} ${r.path.replace(/^.*\/projects\/p/, '')}`);

describe('upsertBucket', () => {
  const existing = bucket({
    name: 'b',
    description: 'Ubuntu',
    labels: { os: 'ubuntu', tier: 'base' },
  });

  it('creates the bucket when GetBucket answers code 5', async () => {
    const client = await clientWith((request) =>
      request.method === 'GET'
        ? rpcError(404, 5, 'no bucket')
        : { body: { bucket: bucket({ name: 'b', description: 'd' }) } },
    );
    const result = await client.upsertBucket('b', { description: 'd', labels: { os: 'x' } });
    expect(result.description).toBe('d');
    expect(calls()).toEqual(['GET /buckets/b', 'PUT /buckets']);
    expect(server!.requests[1]!.json).toEqual({ name: 'b', description: 'd', labels: { os: 'x' } });
  });

  it('leaves an identical bucket alone (no update rights needed)', async () => {
    const client = await clientWith(() => ({ body: { bucket: existing } }));
    await client.upsertBucket('b', {
      description: 'Ubuntu',
      labels: { tier: 'base', os: 'ubuntu' },
    });
    expect(calls()).toEqual(['GET /buckets/b']);
  });

  it('updates description and labels together when one differs', async () => {
    const client = await clientWith(() => ({ body: { bucket: existing } }));
    await client.upsertBucket('b', { labels: { os: 'ubuntu' } });
    expect(calls()).toEqual(['GET /buckets/b', 'PATCH /buckets/b']);
    expect(server!.requests[1]!.json).toEqual({ description: 'Ubuntu', labels: { os: 'ubuntu' } });
  });

  it('updates when the description differs', async () => {
    const client = await clientWith(() => ({ body: { bucket: existing } }));
    await client.upsertBucket('b', { description: 'Ubuntu 24.04' });
    expect(server!.requests[1]!.json).toEqual({
      description: 'Ubuntu 24.04',
      labels: { os: 'ubuntu', tier: 'base' },
    });
  });

  it('absorbs a concurrent create (code 6)', async () => {
    const client = await clientWith((request, n) => {
      if (request.method === 'PUT') return rpcError(409, 6, 'exists');
      return n === 1 ? rpcError(404, 5, 'no bucket') : { body: { bucket: existing } };
    });
    await client.upsertBucket('b', { description: 'Ubuntu' });
    expect(calls()).toEqual(['GET /buckets/b', 'PUT /buckets', 'GET /buckets/b']);
  });

  it('throws other GetBucket errors', async () => {
    const client = await clientWith(() => rpcError(403, 7, 'denied'));
    await expect(client.upsertBucket('b')).rejects.toBeInstanceOf(RegistryApiError);
    expect(calls()).toEqual(['GET /buckets/b']);
  });
});

describe('ensureVersion', () => {
  it('returns an existing version', async () => {
    const client = await clientWith(() => ({ body: { version: version({ fingerprint: 'fp' }) } }));
    expect((await client.ensureVersion('b', 'fp', 'HCL2')).fingerprint).toBe('fp');
    expect(calls()).toEqual(['GET /buckets/b/versions/fp']);
  });

  it('creates the version when GetVersion answers code 10', async () => {
    const client = await clientWith((request) =>
      request.method === 'GET'
        ? rpcError(409, 10, 'version not found')
        : { body: { version: version({ fingerprint: 'fp', template_type: 'JSON' }) } },
    );
    const created = await client.ensureVersion('b', 'fp', 'JSON');
    expect(created.template_type).toBe('JSON');
    expect(calls()).toEqual(['GET /buckets/b/versions/fp', 'POST /buckets/b/versions']);
    expect(server!.requests[1]!.json).toEqual({ fingerprint: 'fp', template_type: 'JSON' });
  });

  it('does not create on code 5 (missing bucket), as Packer', async () => {
    const client = await clientWith(() => rpcError(404, 5, 'no bucket'));
    await expect(client.ensureVersion('b', 'fp', 'HCL2')).rejects.toThrow(/code 5/);
    expect(calls()).toEqual(['GET /buckets/b/versions/fp']);
  });

  it('absorbs a concurrent create (code 6)', async () => {
    const client = await clientWith((request, n) => {
      if (request.method === 'POST') return rpcError(409, 6, 'exists');
      return n === 1 ? rpcError(409, 10, 'not found') : { body: { version: version() } };
    });
    await client.ensureVersion('b', 'fp', 'HCL2');
    expect(calls()).toEqual([
      'GET /buckets/b/versions/fp',
      'POST /buckets/b/versions',
      'GET /buckets/b/versions/fp',
    ]);
  });

  it('isVersionComplete reads the name', () => {
    expect(isVersionComplete(version({ name: 'v0' }))).toBe(false);
    expect(isVersionComplete(version({ name: 'v3' }))).toBe(true);
  });
});

describe('paginate', () => {
  const pages: Record<string, { names: string[]; next?: string }> = {
    '': { names: ['a', 'b'], next: 't2' },
    t2: { names: ['c'], next: 't3' },
    t3: { names: ['d'] },
  };

  it('follows next_page_token until it is empty', async () => {
    const client = await clientWith((request) => {
      const page = pages[request.query.get('pagination.next_page_token') ?? '']!;
      return {
        body: {
          buckets: page.names.map((name) => bucket({ name })),
          pagination: page.next === undefined ? {} : { next_page_token: page.next },
        },
      };
    });
    const names: string[] = [];
    for await (const b of client.paginate('listBuckets', { pageSize: 2 })) names.push(b.name);
    expect(names).toEqual(['a', 'b', 'c', 'd']);
    expect(server!.requests.map((r) => r.rawQuery)).toEqual([
      'pagination.page_size=2',
      'pagination.page_size=2&pagination.next_page_token=t2',
      'pagination.page_size=2&pagination.next_page_token=t3',
    ]);
  });

  it('passes positional arguments and stops early when the loop breaks', async () => {
    const client = await clientWith(() => ({
      body: { builds: [{ id: '1' }, { id: '2' }], pagination: { next_page_token: 'more' } },
    }));
    for await (const b of client.paginate('listBuilds', 'bkt', 'fp')) {
      expect(b.id).toBe('1');
      break;
    }
    expect(calls()).toEqual(['GET /buckets/bkt/versions/fp/builds']);
  });

  it('iterates channel history and ancestry relations', async () => {
    const client = await clientWith((request) => ({
      body: request.path.endsWith('/history')
        ? { count: 1, history: [{ assigned_at: 'x', author_id: 'me', version: null }] }
        : { relations: [{ status: 'UP_TO_DATE' }], total_count: 1 },
    }));
    const history = [];
    for await (const entry of client.paginate('listChannelHistory', 'b', 'prod'))
      history.push(entry);
    const relations = [];
    for await (const relation of client.paginate('listBucketAncestry', 'b', {
      type: 'ANCESTRY_TYPE_PARENTS',
    })) {
      relations.push(relation);
    }
    expect(history).toHaveLength(1);
    expect(relations).toEqual([{ status: 'UP_TO_DATE' }]);
    expect(server!.requests[1]!.query.get('type')).toBe('ANCESTRY_TYPE_PARENTS');
  });

  it('refuses to loop forever on a repeated token', async () => {
    const client = await clientWith(() => ({
      body: { channels: [{ name: 'x' }], pagination: { next_page_token: 'same' } },
    }));
    const seen: unknown[] = [];
    const run = async () => {
      for await (const channel of client.paginate('listChannels', 'b')) seen.push(channel);
    };
    await expect(run()).rejects.toBeInstanceOf(RegistryResponseError);
    expect(server!.requests).toHaveLength(2);
    expect(seen).toHaveLength(2);
  });

  it('treats a page without items as empty', async () => {
    const client = await clientWith(() => ({ body: { pagination: {} } }));
    const all = [];
    for await (const v of client.paginate('listVersions', 'b')) all.push(v);
    expect(all).toEqual([]);
  });
});
