import { testEngines, useTestRegistry, type JsonResponse } from '@imprint/registry/testing';
import { ROLE_PRINCIPALS, completeVersion, expectStatus, ok, roleTokens } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';

/*
 * The 2021-04-30 operations beyond Packer's build path, bad input, and the
 * roles (the same as 2023-01-01's, through the same services).
 */

type Json = any;

describe.each(testEngines())('2021-04-30 API (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS },
  );
  let tokens: Awaited<ReturnType<typeof roleTokens>>;
  let v1: Json;
  const p21 = () =>
    `/packer/2021-04-30/organizations/${registry.organizationId}/projects/${registry.projectId}`;

  async function call(
    method: string,
    path: string,
    body?: unknown,
    role: keyof typeof tokens = 'admin',
  ): Promise<JsonResponse> {
    const response = await registry.request(method, `${p21()}${path}`, {
      body,
      token: tokens[role],
    });
    expect(response.text).not.toMatch(/"revoke_at":\s*""/);
    return response;
  }

  beforeAll(async () => {
    tokens = await roleTokens(registry);
    ok(await call('PUT', '/images', { bucket_slug: 'api-21', labels: { os: 'linux' } }));
    v1 = await completeVersion(registry, 'api-21', fingerprint('v1'), { token: tokens.admin });
  });

  it('GetRegistry answers; CreateRegistry, UpdateRegistry, DeleteRegistry are 400 / code 9', async () => {
    const { registry: found } = ok(await call('GET', '/registry', undefined, 'viewer'));
    expect(found).toMatchObject({ config: { activated: true, feature_tier: 'PLUS' } });
    expect(found.location.project_id).toBe(registry.projectId);
    expectStatus(await call('PUT', '/registry', { feature_tier: 'PLUS' }), 400, 9);
    expectStatus(await call('PATCH', '/registry', { activate: true }), 400, 9);
    const deleted = expectStatus(await call('DELETE', '/registry?hard_delete=true'), 400, 9);
    expect(deleted.details[0].reason).toBe('REGISTRY_ERR_REGISTRY_MANAGED');
  });

  it('lists buckets and iterations in 2021 names', async () => {
    const { buckets } = ok(await call('GET', '/images', undefined, 'viewer'));
    expect(buckets.find((b: Json) => b.slug === 'api-21')).toMatchObject({
      labels: { os: 'linux' },
      latest_version: 1,
      iteration_count: '1',
      platforms: ['aws'],
    });
    const { iterations } = ok(await call('GET', '/images/api-21/iterations', undefined, 'viewer'));
    expect(iterations).toEqual([
      expect.objectContaining({
        id: v1.id,
        incremental_version: 1,
        complete: true,
        build_statuses: { 'amazon-ebs.ubuntu': 'DONE' },
      }),
    ]);
    expect(iterations[0]).not.toHaveProperty('builds');
  });

  it('reads, lists and deletes builds by id', async () => {
    const buildId = v1.builds[0].id;
    const { build } = ok(await call('GET', `/builds/${buildId}`, undefined, 'viewer'));
    expect(build).toMatchObject({
      id: buildId,
      iteration_id: v1.id,
      status: 'DONE',
      cloud_provider: 'aws',
      images: [expect.objectContaining({ region: 'us-east-1' })],
    });
    const fp = fingerprint('del');
    const { iteration } = ok(
      await call('POST', '/images/api-21/iterations', { fingerprint: fp }, 'contributor'),
    );
    const created = ok(
      await call(
        'POST',
        `/images/api-21/iterations/${iteration.id}`,
        { build: { component_type: 'null.a', status: 'UNSET' } },
        'contributor',
      ),
    );
    expectStatus(
      await call('DELETE', `/builds/${created.build.id}`, undefined, 'contributor'),
      403,
      7,
    );
    ok(await call('DELETE', `/builds/${created.build.id}`));
    expectStatus(await call('GET', `/builds/${created.build.id}`), 404, 5);
    expectStatus(
      await call('DELETE', `/iterations/${iteration.id}`, undefined, 'contributor'),
      403,
      7,
    );
    ok(await call('DELETE', `/iterations/${iteration.id}?bucket_slug=api-21`));
    expectStatus(
      await call('GET', `/images/api-21/iteration?iteration_id=${iteration.id}`),
      404,
      5,
    );
  });

  it('creates, points, lists and deletes channels by id, fingerprint or incremental version', async () => {
    const created = ok(
      await call(
        'POST',
        '/images/api-21/channels',
        { slug: 'stable', iteration_id: v1.id },
        'contributor',
      ),
    );
    expect(created.channel).toMatchObject({ slug: 'stable', iteration: { id: v1.id } });
    const empty = ok(
      await call('POST', '/images/api-21/channels', { slug: 'canary' }, 'contributor'),
    );
    expect(empty.channel.iteration).toBeNull();
    const pointed = ok(
      await call(
        'PATCH',
        '/images/api-21/channels/canary',
        { fingerprint: v1.fingerprint },
        'contributor',
      ),
    );
    expect(pointed.channel.iteration.id).toBe(v1.id);
    const restricted = ok(
      await call(
        'PATCH',
        '/images/api-21/channels/canary',
        { restriction: 'RESTRICTED' },
        'contributor',
      ),
    );
    expect(restricted.channel).toMatchObject({ restricted: true, iteration: { id: v1.id } });
    const masked = ok(
      await call('PATCH', '/images/api-21/channels/canary', { mask: 'iterationId' }, 'contributor'),
    );
    expect(masked.channel.iteration).toBeNull();
    expectStatus(
      await call('PATCH', '/images/api-21/channels/canary', { mask: 'labels' }, 'contributor'),
      400,
      3,
    );
    expectStatus(
      await call(
        'PATCH',
        '/images/api-21/channels/latest',
        { incremental_version: 1 },
        'contributor',
      ),
      400,
      9,
    );
    const { channels } = ok(await call('GET', '/images/api-21/channels', undefined, 'viewer'));
    const v2023 = ok(
      await registry.request('GET', `${registry.base}/buckets/api-21/channels`, {
        token: tokens.viewer,
      }),
    );
    // The same channels as 2023-01-01 shows a viewer (the restricted canary is hidden).
    expect(channels.map((c: Json) => c.slug)).toEqual(v2023.channels.map((c: Json) => c.name));
    expect(channels.map((c: Json) => c.slug)).toContain('stable');
    expect(channels.map((c: Json) => c.slug)).not.toContain('canary');
    const { history } = ok(await call('GET', '/images/api-21/channels/stable/history'));
    expect(history[0]).toMatchObject({ iteration: { id: v1.id, incremental_version: 1 } });
    expect(typeof history[0].promoted_at).toBe('string');
    expectStatus(
      await call('DELETE', '/images/api-21/channels/stable', undefined, 'contributor'),
      403,
      7,
    );
    ok(await call('DELETE', '/images/api-21/channels/stable'));
  });

  it('contributors build; revoking and restoring need admin', async () => {
    const fp = fingerprint('roles');
    ok(await call('PUT', '/images', { bucket_slug: 'roles-21' }, 'contributor'));
    ok(
      await call('PATCH', '/images/roles-21', { description: 'x', platforms: null }, 'contributor'),
    );
    expectStatus(await call('PUT', '/images', { bucket_slug: 'roles-x' }, 'viewer'), 403, 7);
    const { iteration } = ok(
      await call('POST', '/images/roles-21/iterations', { fingerprint: fp }, 'contributor'),
    );
    const { build } = ok(
      await call(
        'POST',
        `/images/roles-21/iterations/${iteration.id}`,
        { build: { component_type: 'null.a', status: 'UNSET', images: null } },
        'contributor',
      ),
    );
    ok(
      await call(
        'PATCH',
        `/builds/${build.id}`,
        { updates: { status: 'DONE', cloud_provider: 'null', images: [{ image_id: 'Null' }] } },
        'contributor',
      ),
    );
    const revoke = { revoke_in: '0s', revoke_at: '0001-01-01T00:00:00Z' };
    expectStatus(await call('PATCH', `/iterations/${iteration.id}`, revoke, 'contributor'), 403, 7);
    const revoked = ok(await call('PATCH', `/iterations/${iteration.id}`, revoke));
    expect(typeof revoked.iteration.revoke_at).toBe('string');
    // rollback_channels: true rolls latest back (it has no earlier version: it stays).
    ok(await call('PATCH', `/iterations/${iteration.id}`, { restore: true }));
    expectStatus(await call('DELETE', '/images/roles-21', undefined, 'contributor'), 403, 7);
    ok(await call('DELETE', '/images/roles-21'));
    expectStatus(await call('GET', '/images/roles-21'), 404, 5);
  });

  it('answers bad input with 4xx naming the field', async () => {
    const unknown = expectStatus(await call('GET', '/images/no-such-21'), 404, 5);
    expect(unknown.message).toContain('no-such-21');
    expectStatus(await call('GET', '/images/no-such-21/iteration?fingerprint=abc'), 404, 5);
    expectStatus(await call('GET', '/images/no-such-21/iterations'), 404, 5);
    const slug = expectStatus(await call('PUT', '/images', { bucket_slug: 5 }), 400, 3);
    expect(slug.message).toContain('bucket_slug');
    const status = expectStatus(
      await call('PATCH', `/builds/${v1.builds[0].id}`, { updates: { status: 'BOGUS' } }),
      400,
      3,
    );
    expect(status.message).toContain('status');
    const images = expectStatus(
      await call('PATCH', `/builds/${v1.builds[0].id}`, { updates: { images: 'x' } }),
      400,
      3,
    );
    expect(images.message).toContain('images');
    const none = expectStatus(await call('GET', '/images/api-21/iteration'), 400, 3);
    expect(none.message).toContain('iteration_id, fingerprint or incremental_version');
    expectStatus(await call('GET', '/images/api-21/iteration?incremental_version=9'), 404, 5);
    expectStatus(await call('GET', '/images/api-21/iteration?incremental_version=x'), 400, 3);
    expectStatus(await call('GET', `/builds/${'0'.repeat(26)}`), 404, 5);
    expectStatus(await call('GET', '/builds/not-a-ulid'), 400, 3);
    expectStatus(await call('PATCH', `/iterations/${'0'.repeat(26)}`, { complete: true }), 404, 5);
    expectStatus(
      await call('PATCH', `/iterations/${v1.id}`, { bucket_slug: 'other-bucket', complete: true }),
      404,
      5,
    );
    expectStatus(await call('GET', '/images/api-21/ancestry?type=siblings'), 400, 3);
    const wrongOrg = await registry.request(
      'GET',
      `/packer/2021-04-30/organizations/nope/projects/${registry.projectId}/images`,
      { token: tokens.viewer },
    );
    expectStatus(wrongOrg, 404, 5);
    expectStatus(await registry.request('GET', `${p21()}/images`), 401, 16);
  });
});
