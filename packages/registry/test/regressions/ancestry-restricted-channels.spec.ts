import type { Actor } from '@imprint/registry';
import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { ROLE_PRINCIPALS, completeVersion, expectStatus, ok, roleTokens } from '../helpers/http';

/**
 * Regression: GetChannel, ListChannels and the history hide restricted
 * channels from viewers, but ListBucketAncestry named them anyway: a
 * relation recorded through a restricted channel (the managed `latest` is
 * one) carried parent.channel_name and parent.channel_version to everyone.
 * For a viewer such a relation now shows channel_name "" and
 * channel_version null (the relation and its status stay); a channel_name
 * filter only matches channels the caller may see. Contributors and admins
 * see what they saw before.
 */

type Role = Actor['role'];

describe.each(testEngines())('ancestry through restricted channels (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS },
  );
  const tokens = {} as Record<Role, string>;
  const actors = {} as Record<Role, Actor>;
  let v1: { id: string; fingerprint: string };
  const children: Record<'secret' | 'public' | 'latest', string> = {
    secret: 'child-secret',
    public: 'child-public',
    latest: 'child-latest',
  };

  const bucket = (name: string) => `${registry.base}/buckets/${name}`;
  const get = (role: Role, path: string) => registry.request('GET', path, { token: tokens[role] });

  beforeAll(async () => {
    Object.assign(tokens, await roleTokens(registry));
    for (const { name, role } of ROLE_PRINCIPALS) {
      actors[role] = { principalId: registry.credentials.get(name)!.clientId, name, role };
    }
    const token = tokens.admin;
    for (const name of ['base-img', 'app']) {
      ok(await registry.request('PUT', `${registry.base}/buckets`, { token, body: { name } }));
    }
    v1 = await completeVersion(registry, 'base-img', 'base-v1', { token });
    const channelIds: Record<string, string> = {};
    for (const [name, restricted] of [
      ['secret', true],
      ['public', false],
    ] as const) {
      channelIds[name] = ok(
        await registry.request('POST', `${bucket('base-img')}/channels`, {
          token,
          body: { name, restricted, version_fingerprint: v1.fingerprint },
        }),
      ).channel.id;
    }
    channelIds['latest'] = ok(
      await get('admin', `${bucket('base-img')}/channels/latest`),
    ).channel.id;
    for (const via of ['secret', 'public', 'latest'] as const) {
      await completeVersion(registry, 'app', children[via], {
        token,
        parentVersionId: v1.id,
        parentChannelId: channelIds[via],
      });
    }
  });

  /** What each role is expected to see of the parent side of v1's relations. */
  function expectedParents(role: Role) {
    const named = { fingerprint: v1.fingerprint, id: v1.id, name: 'v1' };
    const hidden = role === 'viewer';
    return {
      [children.secret]: hidden
        ? { channel_name: '', channel_version: null }
        : { channel_name: 'secret', channel_version: named },
      [children.public]: { channel_name: 'public', channel_version: named },
      [children.latest]: hidden
        ? { channel_name: '', channel_version: null }
        : { channel_name: 'latest', channel_version: named },
    };
  }

  function parentsByChild(body: any) {
    return Object.fromEntries(
      body.relations.map((r: any) => [
        r.child.version_fingerprint,
        { channel_name: r.parent.channel_name, channel_version: r.parent.channel_version },
      ]),
    );
  }

  const childrenOfBase = () => `${bucket('base-img')}/ancestry?type=ANCESTRY_TYPE_CHILDREN`;

  it('a viewer sees relations through restricted channels without the channel, status kept', async () => {
    const body = ok(await get('viewer', childrenOfBase()));
    expect(body.total_count).toBe(3);
    expect(parentsByChild(body)).toEqual(expectedParents('viewer'));
    expect(body.relations.map((r: any) => r.status)).toEqual([
      'UP_TO_DATE',
      'UP_TO_DATE',
      'UP_TO_DATE',
    ]);
    for (const r of body.relations) {
      expect(r.parent).toMatchObject({ bucket_name: 'base-img', version_id: v1.id });
    }
    // The child's own view of its parent (the managed `latest` is restricted too).
    const up = ok(
      await get(
        'viewer',
        `${bucket('app')}/ancestry?type=ANCESTRY_TYPE_PARENTS&version_fingerprint=${children.secret}`,
      ),
    );
    expect(up.relations).toHaveLength(1);
    expect(up.relations[0].parent).toMatchObject({ channel_name: '', channel_version: null });
    expect(up.relations[0].status).toBe('UP_TO_DATE');
    const latest = ok(await get('viewer', `${bucket('app')}/ancestry?type=ANCESTRY_TYPE_PARENTS`));
    expect(latest.relations[0].parent).toMatchObject({ channel_name: '', channel_version: null });
  });

  it('contributors and admins still see every channel', async () => {
    for (const role of ['contributor', 'admin'] as const) {
      const body = ok(await get(role, childrenOfBase()));
      expect({ role, parents: parentsByChild(body) }).toEqual({
        role,
        parents: expectedParents(role),
      });
    }
  });

  it('a channel_name filter only matches channels the caller may see', async () => {
    const filtered = (role: Role, channel: string) =>
      get(role, `${childrenOfBase()}&channel_name=${channel}`).then(ok);
    expect(await filtered('viewer', 'secret')).toMatchObject({ relations: [], total_count: 0 });
    expect(await filtered('viewer', 'latest')).toMatchObject({ relations: [], total_count: 0 });
    expect((await filtered('viewer', 'public')).total_count).toBe(1);
    expect((await filtered('contributor', 'secret')).total_count).toBe(1);
    expect((await filtered('contributor', 'latest')).total_count).toBe(1);
  });

  it('one role never gets another role’s view, in either order', async () => {
    for (const role of ['contributor', 'viewer', 'contributor', 'viewer', 'admin'] as const) {
      const body = ok(await get(role, childrenOfBase()));
      expect({ role, parents: parentsByChild(body) }).toEqual({
        role,
        parents: expectedParents(role),
      });
      const channel = await get(role, `${bucket('base-img')}/channels/secret`);
      if (role === 'viewer') expectStatus(channel, 403, 7);
      else expect(ok(channel).channel.name).toBe('secret');
    }
  });

  it('the service applies the same rule to the actor it is given', async () => {
    const service = registry.storage.service;
    const query = { type: 'ANCESTRY_TYPE_CHILDREN' } as const;
    const asViewer = await service.listBucketAncestry('base-img', query, actors.viewer);
    expect(parentsByChild(asViewer)).toEqual(expectedParents('viewer'));
    const asContributor = await service.listBucketAncestry('base-img', query, actors.contributor);
    expect(parentsByChild(asContributor)).toEqual(expectedParents('contributor'));
    const filtered = await service.listBucketAncestry(
      'base-img',
      { ...query, channelName: 'secret' },
      actors.viewer,
    );
    expect(filtered).toMatchObject({ relations: [], total_count: 0 });
    await expect(
      service.listBucketAncestry('base-img', query, { ...actors.viewer, role: 'root' as never }),
    ).rejects.toMatchObject({ grpcCode: 3, details: { field: 'actor.role' } });
  });
});
