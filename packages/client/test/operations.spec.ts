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
  method: string;
  /** Raw path after the organization/project scope. */
  path: string;
  /** Raw query string ('' for none). */
  query?: string;
  body?: unknown;
}

const cases: Case[] = [
  { name: 'getRegistry', call: (c) => c.getRegistry(), method: 'GET', path: '/registry' },
  { name: 'listBuckets', call: (c) => c.listBuckets(), method: 'GET', path: '/buckets' },
  {
    name: 'listBuckets with list options',
    call: (c) =>
      c.listBuckets({ pageSize: 10, nextPageToken: 'abc=', orderBy: ['name', 'created_at desc'] }),
    method: 'GET',
    path: '/buckets',
    query:
      'pagination.page_size=10&pagination.next_page_token=abc%3D' +
      '&sorting.order_by=name&sorting.order_by=created_at%20desc',
  },
  {
    name: 'listBuckets with previous page token',
    call: (c) => c.listBuckets({ previousPageToken: 'p1' }),
    method: 'GET',
    path: '/buckets',
    query: 'pagination.previous_page_token=p1',
  },
  {
    name: 'createBucket',
    call: (c) =>
      c.createBucket({ name: 'ubuntu-base', description: 'd', labels: { os: 'ubuntu' } }),
    method: 'PUT',
    path: '/buckets',
    body: { name: 'ubuntu-base', description: 'd', labels: { os: 'ubuntu' } },
  },
  {
    name: 'getBucket (encodes the name)',
    call: (c) => c.getBucket('my bucket/1'),
    method: 'GET',
    path: '/buckets/my%20bucket%2F1',
  },
  {
    name: 'updateBucket',
    call: (c) => c.updateBucket('b', { description: 'x', labels: {}, platforms: ['aws'] }),
    method: 'PATCH',
    path: '/buckets/b',
    body: { description: 'x', labels: {}, platforms: ['aws'] },
  },
  { name: 'deleteBucket', call: (c) => c.deleteBucket('b'), method: 'DELETE', path: '/buckets/b' },
  {
    name: 'listVersions',
    call: (c) => c.listVersions('b', { pageSize: 5 }),
    method: 'GET',
    path: '/buckets/b/versions',
    query: 'pagination.page_size=5',
  },
  {
    name: 'createVersion',
    call: (c) => c.createVersion('b', { fingerprint: 'fp-1', template_type: 'HCL2' }),
    method: 'POST',
    path: '/buckets/b/versions',
    body: { fingerprint: 'fp-1', template_type: 'HCL2' },
  },
  {
    name: 'getVersion',
    call: (c) => c.getVersion('b', '01J.fp_1'),
    method: 'GET',
    path: '/buckets/b/versions/01J.fp_1',
  },
  {
    name: 'updateVersion',
    call: (c) => c.updateVersion('b', 'fp', { revoke_at: '2030-01-01T00:00:00Z' }),
    method: 'PATCH',
    path: '/buckets/b/versions/fp',
    body: { revoke_at: '2030-01-01T00:00:00Z' },
  },
  {
    name: 'revokeVersion (immediate by default)',
    call: (c) => c.revokeVersion('b', 'fp', { message: 'CVE' }),
    method: 'PATCH',
    path: '/buckets/b/versions/fp',
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
    method: 'PATCH',
    path: '/buckets/b/versions/fp',
    body: {
      revoke_at: '2030-01-01T00:00:00.000Z',
      skip_descendants_revocation: true,
      disable_rollback_channels: true,
    },
  },
  {
    name: 'revokeVersion in a duration',
    call: (c) => c.revokeVersion('b', 'fp', { revokeIn: '7d' }),
    method: 'PATCH',
    path: '/buckets/b/versions/fp',
    body: { revoke_in: '7d' },
  },
  {
    name: 'restoreVersion',
    call: (c) => c.restoreVersion('b', 'fp'),
    method: 'PATCH',
    path: '/buckets/b/versions/fp',
    body: { restore: true },
  },
  {
    name: 'deleteVersion',
    call: (c) => c.deleteVersion('b', 'fp'),
    method: 'DELETE',
    path: '/buckets/b/versions/fp',
  },
  {
    name: 'deleteVersion with rollbackChannels',
    call: (c) => c.deleteVersion('b', 'fp', { rollbackChannels: true }),
    method: 'DELETE',
    path: '/buckets/b/versions/fp',
    query: 'rollback_channels=true',
  },
  {
    name: 'listBuilds',
    call: (c) => c.listBuilds('b', 'fp'),
    method: 'GET',
    path: '/buckets/b/versions/fp/builds',
  },
  {
    name: 'createBuild',
    call: (c) =>
      c.createBuild('b', 'fp', {
        component_type: 'amazon-ebs.ubuntu',
        status: 'BUILD_UNSET',
        packer_run_uuid: 'u-1',
      }),
    method: 'POST',
    path: '/buckets/b/versions/fp/builds',
    body: { component_type: 'amazon-ebs.ubuntu', status: 'BUILD_UNSET', packer_run_uuid: 'u-1' },
  },
  {
    name: 'getBuild',
    call: (c) => c.getBuild('b', 'fp', 'build-1'),
    method: 'GET',
    path: '/buckets/b/versions/fp/builds/build-1',
  },
  {
    name: 'updateBuild',
    call: (c) =>
      c.updateBuild('b', 'fp', 'build-1', {
        status: 'BUILD_DONE',
        platform: 'aws',
        artifacts: [{ external_identifier: 'ami-1', region: 'us-east-1' }],
        metadata: { packer: { version: '1.16.0' } },
      }),
    method: 'PATCH',
    path: '/buckets/b/versions/fp/builds/build-1',
    body: {
      status: 'BUILD_DONE',
      platform: 'aws',
      artifacts: [{ external_identifier: 'ami-1', region: 'us-east-1' }],
      metadata: { packer: { version: '1.16.0' } },
    },
  },
  {
    name: 'deleteBuild',
    call: (c) => c.deleteBuild('b', 'fp', 'build-1'),
    method: 'DELETE',
    path: '/buckets/b/versions/fp/builds/build-1',
  },
  {
    name: 'listChannels',
    call: (c) => c.listChannels('b'),
    method: 'GET',
    path: '/buckets/b/channels',
  },
  {
    name: 'createChannel',
    call: (c) =>
      c.createChannel('b', { name: 'prod', restricted: false, version_fingerprint: 'fp' }),
    method: 'POST',
    path: '/buckets/b/channels',
    body: { name: 'prod', restricted: false, version_fingerprint: 'fp' },
  },
  {
    name: 'getChannel',
    call: (c) => c.getChannel('b', 'latest'),
    method: 'GET',
    path: '/buckets/b/channels/latest',
  },
  {
    name: 'updateChannel',
    call: (c) =>
      c.updateChannel('b', 'prod', {
        version_fingerprint: 'fp',
        update_mask: 'versionFingerprint',
      }),
    method: 'PATCH',
    path: '/buckets/b/channels/prod',
    body: { version_fingerprint: 'fp', update_mask: 'versionFingerprint' },
  },
  {
    name: 'deleteChannel',
    call: (c) => c.deleteChannel('b', 'prod'),
    method: 'DELETE',
    path: '/buckets/b/channels/prod',
  },
  {
    name: 'assignChannel',
    call: (c) => c.assignChannel('b', { source_channel: 'staging', target_channel: 'prod' }),
    method: 'POST',
    path: '/buckets/b/channels/assign',
    body: { source_channel: 'staging', target_channel: 'prod' },
  },
  {
    name: 'listChannelHistory',
    call: (c) => c.listChannelHistory('b', 'prod', { pageSize: 3 }),
    method: 'GET',
    path: '/buckets/b/channels/prod/history',
    query: 'pagination.page_size=3',
  },
  {
    name: 'listBucketAncestry',
    call: (c) => c.listBucketAncestry('b'),
    method: 'GET',
    path: '/buckets/b/ancestry',
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
    method: 'GET',
    path: '/buckets/b/ancestry',
    query:
      'type=ANCESTRY_TYPE_CHILDREN&channel_name=prod&version_fingerprint=fp&pagination.page_size=2',
  },
  {
    name: 'listBucketAncestry with depth (Imprint extension)',
    call: (c) => c.listBucketAncestry('b', { depth: 'all', versionFingerprint: 'fp' }),
    method: 'GET',
    path: '/buckets/b/ancestry',
    query: 'version_fingerprint=fp&depth=all',
  },
  {
    name: 'listBucketAncestry with a numeric depth',
    call: (c) => c.listBucketAncestry('b', { depth: 3 }),
    method: 'GET',
    path: '/buckets/b/ancestry',
    query: 'depth=3',
  },
  {
    name: 'searchExternalArtifact',
    call: (c) =>
      c.searchExternalArtifact({
        external_identifier: 'ami-1',
        platform: 'aws',
        region: 'eu-west-1',
      }),
    method: 'POST',
    path: '/_search/external_artifact',
    body: { external_identifier: 'ami-1', platform: 'aws', region: 'eu-west-1' },
  },
];

describe('path, query and body of every operation', () => {
  it.each(cases)('$name', async ({ call, method, path, query = '', body }) => {
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
