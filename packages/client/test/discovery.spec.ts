import { CLIENT_ERROR_CODES, RegistryClient, RegistryDiscoveryError } from '@imprint/client';
import { expectAbortToRejectOnlyThatCall } from './helpers/abort';
import { universalBody } from './helpers/fixtures';
import type { RecordedRequest, Reply } from './helpers/test-server';
import { autoClosingTestServers } from './helpers/test-server';

const start = autoClosingTestServers();

const org = (id: string) => ({ id, name: id, state: 'ACTIVE', created_at: '2024-01-01T00:00:00Z' });
const project = (id: string, createdAt: string) => ({
  id,
  name: id,
  description: '',
  parent: { type: 'ORGANIZATION', id: 'org-a' },
  state: 'ACTIVE',
  created_at: createdAt,
});

function resourceManager(organizations: unknown[], projects: unknown[]) {
  return (request: RecordedRequest): Reply => {
    if (request.path === '/resource-manager/2019-12-10/organizations') {
      return { body: { organizations, pagination: {} } };
    }
    if (request.path === '/resource-manager/2019-12-10/projects') {
      return { body: { projects, pagination: {} } };
    }
    return { body: universalBody };
  };
}

describe('organization and project discovery', () => {
  it('uses the only organization and its oldest project, like Packer', async () => {
    const s = await start(
      resourceManager(
        [org('org-a')],
        [
          project('newer', '2025-06-01T00:00:00Z'),
          project('oldest', '2023-01-01T00:00:00.5Z'),
          project('middle', '2024-01-01T00:00:00Z'),
        ],
      ),
    );
    const client = new RegistryClient({ baseUrl: s.url });
    await expect(client.resolveLocation()).resolves.toEqual({
      organizationId: 'org-a',
      projectId: 'oldest',
    });
    await client.getBucket('b');
    await client.getBucket('c');

    expect(s.requests.map((r) => r.url)).toEqual([
      '/resource-manager/2019-12-10/organizations',
      '/resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=org-a',
      '/packer/2023-01-01/organizations/org-a/projects/oldest/buckets/b',
      '/packer/2023-01-01/organizations/org-a/projects/oldest/buckets/c',
    ]);
  });

  it('runs once for concurrent calls', async () => {
    const s = await start(resourceManager([org('org-a')], [project('p', '2024-01-01T00:00:00Z')]));
    const client = new RegistryClient({ baseUrl: s.url });
    await Promise.all([client.getBucket('a'), client.getBucket('b'), client.listBuckets()]);
    expect(s.requestsTo('/organizations')).toHaveLength(1);
    expect(s.requestsTo('/projects')).toHaveLength(1);
  });

  it('skips the organization lookup when organizationId is given', async () => {
    const s = await start(resourceManager([], [project('p1', '2024-01-01T00:00:00Z')]));
    await new RegistryClient({ baseUrl: s.url, organizationId: 'org-z' }).getBucket('b');
    expect(s.requests.map((r) => r.path)).toEqual([
      '/resource-manager/2019-12-10/projects',
      '/packer/2023-01-01/organizations/org-z/projects/p1/buckets/b',
    ]);
    expect(s.requests[0]!.query.get('scope.id')).toBe('org-z');
  });

  it('skips the project lookup when projectId is given', async () => {
    const s = await start(resourceManager([org('org-a')], []));
    await new RegistryClient({ baseUrl: s.url, projectId: 'p9' }).getBucket('b');
    expect(s.requests.map((r) => r.path)).toEqual([
      '/resource-manager/2019-12-10/organizations',
      '/packer/2023-01-01/organizations/org-a/projects/p9/buckets/b',
    ]);
  });

  it('follows pagination of the project list', async () => {
    const s = await start((request) => {
      if (request.path.endsWith('/organizations')) return { body: { organizations: [org('o')] } };
      if (request.path.endsWith('/projects')) {
        return request.query.get('pagination.next_page_token') === 'page-2'
          ? { body: { projects: [project('old', '2020-01-01T00:00:00Z')], pagination: {} } }
          : {
              body: {
                projects: [project('new', '2025-01-01T00:00:00Z')],
                pagination: { next_page_token: 'page-2' },
              },
            };
      }
      return { body: universalBody };
    });
    await expect(new RegistryClient({ baseUrl: s.url }).resolveLocation()).resolves.toEqual({
      organizationId: 'o',
      projectId: 'old',
    });
  });

  it('fails clearly when several organizations are visible', async () => {
    const s = await start(resourceManager([org('org-a'), org('org-b')], []));
    const error = await new RegistryClient({ baseUrl: s.url })
      .getBucket('b')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryDiscoveryError);
    expect((error as RegistryDiscoveryError).code).toBe(CLIENT_ERROR_CODES.DISCOVERY);
    expect((error as RegistryDiscoveryError).candidates).toEqual(['org-a', 'org-b']);
    expect((error as Error).message).toMatch(
      /2 organizations \(org-a, org-b\); pass organizationId/,
    );
    expect(s.requestsTo('/buckets/b')).toHaveLength(0);
  });

  it('fails clearly when no organization is visible', async () => {
    const s = await start(resourceManager([], []));
    await expect(new RegistryClient({ baseUrl: s.url }).getBucket('b')).rejects.toThrow(
      /No organization is visible/,
    );
  });

  it('fails clearly when the organization has no project', async () => {
    const s = await start(resourceManager([org('org-a')], []));
    await expect(new RegistryClient({ baseUrl: s.url }).getBucket('b')).rejects.toThrow(
      /Organization org-a has no project; create one or pass projectId/,
    );
  });

  it('tries again on the next call after a failed discovery', async () => {
    let projects: unknown[] = [];
    const s = await start((request) => resourceManager([org('org-a')], projects)(request));
    const client = new RegistryClient({ baseUrl: s.url });
    await expect(client.getBucket('b')).rejects.toBeInstanceOf(RegistryDiscoveryError);
    projects = [project('p', '2024-01-01T00:00:00Z')];
    await expect(client.getBucket('b')).resolves.toEqual(universalBody.bucket);
  });

  it('one caller aborting does not fail discovery for the others', async () => {
    const slow = resourceManager([org('org-a')], [project('p', '2024-01-01T00:00:00Z')]);
    const s = await start((request) => ({ ...slow(request), delayMs: 100 }));
    await expectAbortToRejectOnlyThatCall(new RegistryClient({ baseUrl: s.url }));
    expect(s.requestsTo('/organizations')).toHaveLength(1);
    expect(s.requestsTo('/buckets/a')).toHaveLength(0);
  });

  it('with both ids given, nothing is discovered', async () => {
    const s = await start(resourceManager([], []));
    const client = new RegistryClient({ baseUrl: s.url, organizationId: 'o', projectId: 'p' });
    await expect(client.resolveLocation()).resolves.toEqual({
      organizationId: 'o',
      projectId: 'p',
    });
    expect(s.requests).toHaveLength(0);
  });
});
