import { RegistryArgumentError, RegistryClient } from '@imprint/client';
import { universalBody } from './helpers/fixtures';
import type { TestServer } from './helpers/test-server';
import { startTestServer } from './helpers/test-server';

const ORG = 'org-1';
const PROJECT = 'proj/2'; // a slash, to prove ids are encoded as one segment
const SCOPE = `/packer/2023-01-01/organizations/${ORG}/projects/proj%2F2`;

let server: TestServer;
let client: RegistryClient;

beforeEach(async () => {
  server = await startTestServer(() => ({ body: universalBody }));
  client = new RegistryClient({
    baseUrl: server.url,
    organizationId: ORG,
    projectId: PROJECT,
    retries: false,
  });
});

afterEach(() => server.close());

interface Case {
  name: string;
  call: (c: RegistryClient) => Promise<unknown>;
  /** Method and raw path after the organization/project scope, as in an HTTP request line. */
  request: string;
  /** Raw query string ('' for none). */
  query?: string;
  body?: unknown;
}

/**
 * A case whose operation sends its argument as the JSON body unchanged. The
 * operation gets a copy, so a client that altered its argument would not also
 * alter what the case expects.
 */
function sends<B>(
  name: string,
  request: string,
  body: B,
  call: (c: RegistryClient, body: B) => Promise<unknown>,
): Case {
  return { name, request, body, call: (c) => call(c, structuredClone(body)) };
}

const cases: Case[] = [
  { name: 'getRegistry', call: (c) => c.getRegistry(), request: 'GET /registry' },
  { name: 'listBuckets', call: (c) => c.listBuckets(), request: 'GET /buckets' },
  {
    name: 'listBuckets with list options',
    call: (c) =>
      c.listBuckets({ pageSize: 10, nextPageToken: 'abc=', orderBy: ['name', 'created_at desc'] }),
    request: 'GET /buckets',
    query:
      'pagination.page_size=10&pagination.next_page_token=abc%3D' +
      '&sorting.order_by=name&sorting.order_by=created_at%20desc',
  },
  {
    name: 'listBuckets with previous page token',
    call: (c) => c.listBuckets({ previousPageToken: 'p1' }),
    request: 'GET /buckets',
    query: 'pagination.previous_page_token=p1',
  },
  sends(
    'createBucket',
    'PUT /buckets',
    { name: 'ubuntu-base', description: 'd', labels: { os: 'ubuntu' } },
    (c, body) => c.createBucket(body),
  ),
  {
    name: 'getBucket (encodes the name)',
    call: (c) => c.getBucket('my bucket/1'),
    request: 'GET /buckets/my%20bucket%2F1',
  },
  sends(
    'updateBucket',
    'PATCH /buckets/b',
    { description: 'x', labels: {}, platforms: ['aws'] },
    (c, body) => c.updateBucket('b', body),
  ),
  { name: 'deleteBucket', call: (c) => c.deleteBucket('b'), request: 'DELETE /buckets/b' },
  {
    name: 'listVersions',
    call: (c) => c.listVersions('b', { pageSize: 5 }),
    request: 'GET /buckets/b/versions',
    query: 'pagination.page_size=5',
  },
  sends(
    'createVersion',
    'POST /buckets/b/versions',
    { fingerprint: 'fp-1', template_type: 'HCL2' as const },
    (c, body) => c.createVersion('b', body),
  ),
  {
    name: 'getVersion',
    call: (c) => c.getVersion('b', '01J.fp_1'),
    request: 'GET /buckets/b/versions/01J.fp_1',
  },
  sends(
    'updateVersion',
    'PATCH /buckets/b/versions/fp',
    { revoke_at: '2030-01-01T00:00:00Z' },
    (c, body) => c.updateVersion('b', 'fp', body),
  ),
  {
    name: 'revokeVersion (immediate by default)',
    call: (c) => c.revokeVersion('b', 'fp', { message: 'CVE' }),
    request: 'PATCH /buckets/b/versions/fp',
    body: { revoke_in: '0s', revocation_message: 'CVE' },
  },
  {
    name: 'revokeVersion at a date, no cascade, no rollback',
    call: (c) =>
      c.revokeVersion('b', 'fp', {
        revokeAt: new Date('2030-01-01T00:00:00Z'),
        skipDescendantsRevocation: true,
        disableRollbackChannels: true,
      }),
    request: 'PATCH /buckets/b/versions/fp',
    body: {
      revoke_at: '2030-01-01T00:00:00.000Z',
      skip_descendants_revocation: true,
      disable_rollback_channels: true,
    },
  },
  {
    name: 'revokeVersion in a duration',
    call: (c) => c.revokeVersion('b', 'fp', { revokeIn: '7d' }),
    request: 'PATCH /buckets/b/versions/fp',
    body: { revoke_in: '7d' },
  },
  {
    name: 'restoreVersion',
    call: (c) => c.restoreVersion('b', 'fp'),
    request: 'PATCH /buckets/b/versions/fp',
    body: { restore: true },
  },
  {
    name: 'deleteVersion',
    call: (c) => c.deleteVersion('b', 'fp'),
    request: 'DELETE /buckets/b/versions/fp',
  },
  {
    name: 'deleteVersion with rollbackChannels',
    call: (c) => c.deleteVersion('b', 'fp', { rollbackChannels: true }),
    request: 'DELETE /buckets/b/versions/fp',
    query: 'rollback_channels=true',
  },
  {
    name: 'listBuilds',
    call: (c) => c.listBuilds('b', 'fp'),
    request: 'GET /buckets/b/versions/fp/builds',
  },
  sends(
    'createBuild',
    'POST /buckets/b/versions/fp/builds',
    { component_type: 'amazon-ebs.ubuntu', status: 'BUILD_UNSET' as const, packer_run_uuid: 'u-1' },
    (c, body) => c.createBuild('b', 'fp', body),
  ),
  {
    name: 'getBuild',
    call: (c) => c.getBuild('b', 'fp', 'build-1'),
    request: 'GET /buckets/b/versions/fp/builds/build-1',
  },
  sends(
    'updateBuild',
    'PATCH /buckets/b/versions/fp/builds/build-1',
    {
      status: 'BUILD_DONE' as const,
      platform: 'aws',
      artifacts: [{ external_identifier: 'ami-1', region: 'us-east-1' }],
      metadata: { packer: { version: '1.16.0' } },
    },
    (c, body) => c.updateBuild('b', 'fp', 'build-1', body),
  ),
  {
    name: 'deleteBuild',
    call: (c) => c.deleteBuild('b', 'fp', 'build-1'),
    request: 'DELETE /buckets/b/versions/fp/builds/build-1',
  },
  { name: 'listChannels', call: (c) => c.listChannels('b'), request: 'GET /buckets/b/channels' },
  sends(
    'createChannel',
    'POST /buckets/b/channels',
    { name: 'prod', restricted: false, version_fingerprint: 'fp' },
    (c, body) => c.createChannel('b', body),
  ),
  {
    name: 'getChannel',
    call: (c) => c.getChannel('b', 'latest'),
    request: 'GET /buckets/b/channels/latest',
  },
  sends(
    'updateChannel',
    'PATCH /buckets/b/channels/prod',
    { version_fingerprint: 'fp', update_mask: 'versionFingerprint' },
    (c, body) => c.updateChannel('b', 'prod', body),
  ),
  {
    name: 'deleteChannel',
    call: (c) => c.deleteChannel('b', 'prod'),
    request: 'DELETE /buckets/b/channels/prod',
  },
  sends(
    'assignChannel',
    'POST /buckets/b/channels/assign',
    { source_channel: 'staging', target_channel: 'prod' },
    (c, body) => c.assignChannel('b', body),
  ),
  {
    name: 'listChannelHistory',
    call: (c) => c.listChannelHistory('b', 'prod', { pageSize: 3 }),
    request: 'GET /buckets/b/channels/prod/history',
    query: 'pagination.page_size=3',
  },
  {
    name: 'listBucketAncestry',
    call: (c) => c.listBucketAncestry('b'),
    request: 'GET /buckets/b/ancestry',
  },
  {
    name: 'listBucketAncestry with filters',
    call: (c) =>
      c.listBucketAncestry('b', {
        type: 'ANCESTRY_TYPE_CHILDREN',
        channelName: 'prod',
        versionFingerprint: 'fp',
        pageSize: 2,
      }),
    request: 'GET /buckets/b/ancestry',
    query:
      'type=ANCESTRY_TYPE_CHILDREN&channel_name=prod&version_fingerprint=fp&pagination.page_size=2',
  },
  {
    name: 'listBucketAncestry with depth (Imprint extension)',
    call: (c) => c.listBucketAncestry('b', { depth: 'all', versionFingerprint: 'fp' }),
    request: 'GET /buckets/b/ancestry',
    query: 'version_fingerprint=fp&depth=all',
  },
  {
    name: 'listBucketAncestry with a numeric depth',
    call: (c) => c.listBucketAncestry('b', { depth: 3 }),
    request: 'GET /buckets/b/ancestry',
    query: 'depth=3',
  },
  sends(
    'searchExternalArtifact',
    'POST /_search/external_artifact',
    { external_identifier: 'ami-1', platform: 'aws', region: 'eu-west-1' },
    (c, body) => c.searchExternalArtifact(body),
  ),
];

describe('path, query and body of every operation', () => {
  it.each(cases)('$name', async ({ call, request: requestLine, query = '', body }) => {
    const [method, path] = requestLine.split(' ');
    await call(client);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe(method);
    expect(request!.path).toBe(`${SCOPE}${path}`);
    expect(request!.rawQuery).toBe(query);
    if (body === undefined) {
      expect(request!.body).toBe('');
      expect(request!.headers['content-type']).toBeUndefined();
    } else {
      expect(request!.json).toEqual(body);
      expect(request!.headers['content-type']).toBe('application/json');
    }
    expect(request!.headers.accept).toBe('application/json');
  });
});

describe('resource-manager operations', () => {
  it('listOrganizations', async () => {
    await client.listOrganizations({ pageSize: 1 });
    expect(server.requests[0]!.url).toBe(
      '/resource-manager/2019-12-10/organizations?pagination.page_size=1',
    );
  });

  it('listProjects scopes to the organization', async () => {
    await client.listProjects({ organizationId: 'org 9' });
    expect(server.requests[0]!.url).toBe(
      '/resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=org%209',
    );
  });

  it('listProjects defaults to the client organization', async () => {
    await client.listProjects();
    expect(server.requests[0]!.query.get('scope.id')).toBe(ORG);
  });
});

describe('identity', () => {
  it('getCallerIdentity asks IAM, outside the project scope', async () => {
    await client.getCallerIdentity();
    expect(server.requests[0]!.method).toBe('GET');
    expect(server.requests[0]!.url).toBe('/iam/2019-12-10/caller-identity');
  });
});

describe('responses', () => {
  it('single-resource methods return the unwrapped resource', async () => {
    expect(await client.getBucket('b')).toEqual(universalBody.bucket);
    expect(await client.getVersion('b', 'fp')).toEqual(universalBody.version);
    expect(await client.getBuild('b', 'fp', 'x')).toEqual(universalBody.build);
    expect(await client.getChannel('b', 'latest')).toEqual(universalBody.channel);
    expect(await client.getRegistry()).toEqual(universalBody.registry);
  });

  it('updateVersion returns version and operation', async () => {
    const response = await client.updateVersion('b', 'fp', { restore: true });
    expect(response.version).toEqual(universalBody.version);
  });

  it('delete methods resolve to undefined', async () => {
    await expect(client.deleteBucket('b')).resolves.toBeUndefined();
  });
});

describe('headers', () => {
  it('sends a default User-Agent naming the package', async () => {
    await client.getRegistry();
    expect(server.requests[0]!.headers['user-agent']).toMatch(
      /^imprint-client\/\d+\.\d+\.\d+ node\//,
    );
  });

  it('sends a custom User-Agent', async () => {
    const custom = new RegistryClient({
      baseUrl: server.url,
      organizationId: ORG,
      projectId: PROJECT,
      userAgent: 'runner/1.0',
    });
    await custom.getRegistry();
    expect(server.requests[0]!.headers['user-agent']).toBe('runner/1.0');
  });

  it('keeps a base URL path prefix', async () => {
    const prefixed = new RegistryClient({
      baseUrl: `${server.url}/api/`,
      organizationId: ORG,
      projectId: PROJECT,
    });
    await prefixed.getRegistry();
    expect(server.requests[0]!.path).toBe(`/api${SCOPE}/registry`);
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const injected = new RegistryClient({
      baseUrl: server.url,
      organizationId: ORG,
      projectId: PROJECT,
      fetch: (url, init) => {
        seen.push(`${init.method} ${url}`);
        return fetch(url, init);
      },
    });
    await injected.getBucket('b');
    expect(seen).toEqual([`GET ${server.url}${SCOPE}/buckets/b`]);
  });
});

describe('arguments that cannot be sent', () => {
  it.each([
    ['empty bucket name', (c: RegistryClient) => c.getBucket('')],
    ['dot-dot fingerprint', (c: RegistryClient) => c.getVersion('b', '..')],
    ['dot build id', (c: RegistryClient) => c.getBuild('b', 'fp', '.')],
    ['non-string channel', (c: RegistryClient) => c.getChannel('b', 42 as unknown as string)],
    ['bucket body without name', (c: RegistryClient) => c.createBucket({ name: '' })],
    [
      'revokeAt and revokeIn together',
      (c: RegistryClient) => c.revokeVersion('b', 'fp', { revokeAt: new Date(), revokeIn: '1h' }),
    ],
  ])('%s is refused before any request', async (_name, call) => {
    await expect(call(client)).rejects.toBeInstanceOf(RegistryArgumentError);
    expect(server.requests).toHaveLength(0);
  });
});
