import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import {
  ROLE_PRINCIPALS,
  completeVersion,
  expectStatus,
  ok,
  roleTokens,
  type PrincipalRole as Role,
} from '../helpers/http';

/**
 * Regression: UpdateChannel refused every change to the managed `latest`
 * channel (400 / code 9), so terraform-provider-hcp's `hcp_packer_channel
 * "latest"` failed: on CreateChannel's code 6 it adopts the managed channel
 * from ListChannels and PATCHes `update_mask=restricted`, as HCP allows.
 * `restricted` alone may now change on `latest`; its version stays the
 * registry's (a mask naming versionFingerprint is still 400 / 9), and what
 * restricted means for viewers holds for `latest` both ways.
 */

describe.each(testEngines())('making latest restricted or not (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS },
  );
  const bucket = 'tf-latest';
  let tokens: Record<Role, string>;
  const channels = () => `${registry.base}/buckets/${bucket}/channels`;
  const latest = () => `${channels()}/latest`;
  let v1: { id: string; fingerprint: string };

  const call = (role: Role, method: string, path: string, body?: unknown) =>
    registry.request(method, path, { token: tokens[role], body });
  const names = async (role: Role): Promise<string[]> =>
    ok(await call(role, 'GET', channels())).channels.map((c: { name: string }) => c.name);

  beforeAll(async () => {
    tokens = await roleTokens(registry);
    ok(await call('contributor', 'PUT', `${registry.base}/buckets`, { name: bucket }));
    v1 = await completeVersion(registry, bucket, 'tf-v1', { token: tokens.contributor });
  });

  function expectHiddenFromViewers(denied: boolean) {
    return async () => {
      for (const path of [latest(), `${latest()}/history`]) {
        const res = await call('viewer', 'GET', path);
        if (denied) {
          expect(expectStatus(res, 403, 7).details[0].reason).toBe(
            'REGISTRY_ERR_CHANNEL_RESTRICTED',
          );
        } else {
          ok(res);
        }
      }
      if (denied) expect(await names('viewer')).not.toContain('latest');
      else expect(await names('viewer')).toContain('latest');
      expect(await names('contributor')).toContain('latest');
    };
  }

  it('follows terraform-provider-hcp: create is code 6, adopt from the list, PATCH restricted', async () => {
    const exists = expectStatus(
      await call('contributor', 'POST', channels(), { name: 'latest', restricted: true }),
      409,
      6,
    );
    expect(exists.details[0].reason).toBe('REGISTRY_ERR_CHANNEL_EXISTS');
    const listed = ok(await call('contributor', 'GET', channels())).channels.find(
      (c: { name: string }) => c.name === 'latest',
    );
    expect(listed).toMatchObject({ managed: true, restricted: true });
    const patched = ok(
      await call('contributor', 'PATCH', latest(), { update_mask: 'restricted', restricted: true }),
    ).channel;
    expect(patched).toMatchObject({
      id: listed.id,
      name: 'latest',
      managed: true,
      restricted: true,
      author_id: listed.author_id,
    });
    expect(patched.version.id).toBe(v1.id);
    await expectHiddenFromViewers(true)();
  });

  it('opens latest to viewers (restricted omitted is false, as Go sends it) and closes it again', async () => {
    // Cached first, so the next read must see the write.
    ok(await call('contributor', 'GET', latest()));
    const opened = ok(
      await call('contributor', 'PATCH', latest(), { update_mask: 'restricted' }),
    ).channel;
    expect(opened).toMatchObject({ managed: true, restricted: false });
    expect(opened.version.id).toBe(v1.id);
    expect(ok(await call('contributor', 'GET', latest())).channel.restricted).toBe(false);
    await expectHiddenFromViewers(false)();
    expect(ok(await call('viewer', 'GET', latest())).channel.version.id).toBe(v1.id);

    // The registry still moves an open latest, and leaves it open.
    const v2 = await completeVersion(registry, bucket, 'tf-v2', { token: tokens.contributor });
    const moved = ok(await call('viewer', 'GET', latest())).channel;
    expect(moved).toMatchObject({ managed: true, restricted: false });
    expect(moved.version.id).toBe(v2.id);

    const closed = ok(
      await call('admin', 'PATCH', latest(), { update_mask: 'restricted', restricted: true }),
    ).channel;
    expect(closed).toMatchObject({ managed: true, restricted: true });
    expect(closed.version.id).toBe(v2.id);
    await expectHiddenFromViewers(true)();
  });

  it('still refuses to assign latest a version (400 / code 9), even alongside restricted', async () => {
    for (const update_mask of ['versionFingerprint', 'restricted,versionFingerprint']) {
      const refused = expectStatus(
        await call('contributor', 'PATCH', latest(), {
          update_mask,
          restricted: false,
          version_fingerprint: v1.fingerprint,
        }),
        400,
        9,
      );
      expect(refused.details[0].reason).toBe('REGISTRY_ERR_CHANNEL_MANAGED');
      expect(refused.message).toContain('only its restricted flag can be updated');
    }
    const unchanged = ok(await call('contributor', 'GET', latest())).channel;
    expect(unchanged).toMatchObject({ restricted: true });
    expect(unchanged.version.fingerprint).toBe('tf-v2');
    // A viewer may not change it at all.
    expectStatus(
      await call('viewer', 'PATCH', latest(), { update_mask: 'restricted', restricted: false }),
      403,
      7,
    );
  });
});
