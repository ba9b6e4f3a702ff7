import { GrpcCode, RegistryErrorReason } from '@imprint/registry';
import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import {
  ALICE,
  TestClock,
  expectRegistryError,
  fingerprint,
  publishVersion,
  uniqueName,
} from '../helpers/fixtures';

describe.each(testEngines())('ancestry (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });

  /** A parent bucket with v1 on channel `prod`, and its image id. */
  async function parentWithChannel() {
    const bucket = uniqueName('base');
    await h.service.createBucket(ALICE, { name: bucket });
    const image = `ami-${fingerprint()}`;
    const v1 = await publishVersion(h.service, bucket, { externalId: image });
    const prod = await h.service.createChannel(ALICE, bucket, {
      name: 'prod',
      version_fingerprint: v1.fingerprint,
    });
    return { bucket, v1, prod, image };
  }

  it('12.12 has_relations tells a bucket or version with no relation from an undetermined one', async () => {
    const parent = await parentWithChannel();
    const child = uniqueName('app');
    await h.service.createBucket(ALICE, { name: child });
    const c1 = await publishVersion(h.service, child, { sourceExternalId: parent.image });
    const lone = uniqueName('lone');
    await h.service.createBucket(ALICE, { name: lone });
    await publishVersion(h.service, lone);

    // An inferred link has no channel: UNDETERMINED, but there is one.
    expect(c1.parents).toMatchObject({ status: 'UNDETERMINED', has_relations: true });
    const childBucket = await h.service.getBucket(child);
    expect(childBucket.parents).toMatchObject({ status: 'UNDETERMINED', has_relations: true });
    expect(childBucket.children).toMatchObject({ status: 'UNDETERMINED', has_relations: false });
    expect((await h.service.getBucket(parent.bucket)).children.has_relations).toBe(true);
    const loneBucket = await h.service.getBucket(lone);
    expect([loneBucket.parents.has_relations, loneBucket.children.has_relations]).toEqual([
      false,
      false,
    ]);
  });

  it('records a declared parent through a channel: UP_TO_DATE, then OUT_OF_DATE when the channel moves', async () => {
    const parent = await parentWithChannel();
    const child = uniqueName('app');
    await h.service.createBucket(ALICE, { name: child });
    const c1 = await publishVersion(h.service, child, {
      sourceExternalId: parent.image,
      parentVersionId: parent.v1.id,
      parentChannelId: parent.prod.id,
    });
    expect(c1.parents.status).toBe('UP_TO_DATE');
    expect((await h.service.getVersion(parent.bucket, parent.v1.fingerprint)).has_descendants).toBe(
      true,
    );

    const parents = await h.service.listBucketAncestry(child, { type: 'ANCESTRY_TYPE_PARENTS' });
    expect(parents).toEqual({
      relations: [
        {
          parent: {
            bucket_name: parent.bucket,
            channel_name: 'prod',
            channel_version: { fingerprint: parent.v1.fingerprint, id: parent.v1.id, name: 'v1' },
            version_fingerprint: parent.v1.fingerprint,
            version_id: parent.v1.id,
            version_name: 'v1',
          },
          child: {
            bucket_name: child,
            version_fingerprint: c1.fingerprint,
            version_id: c1.id,
            version_name: 'v1',
          },
          status: 'UP_TO_DATE',
          inferred: false,
        },
      ],
      total_count: 1,
      pagination: {},
    });
    expect((await h.service.getBucket(child)).parents.status).toBe('UP_TO_DATE');

    const v2 = await publishVersion(h.service, parent.bucket);
    await h.service.updateChannel(ALICE, parent.bucket, 'prod', {
      update_mask: 'versionFingerprint',
      version_fingerprint: v2.fingerprint,
    });
    const after = await h.service.listBucketAncestry(child, { type: 'ANCESTRY_TYPE_PARENTS' });
    expect(after.relations[0]).toMatchObject({
      status: 'OUT_OF_DATE',
      parent: { channel_version: { id: v2.id, name: 'v2' }, version_id: parent.v1.id },
    });
    expect((await h.service.getVersion(child, c1.fingerprint)).parents.status).toBe('OUT_OF_DATE');
    expect((await h.service.getBucket(child)).parents.status).toBe('OUT_OF_DATE');

    // From the parent's side: v1's children (v2 is latest now and has none).
    const children = await h.service.listBucketAncestry(parent.bucket, {
      type: 'ANCESTRY_TYPE_CHILDREN',
      versionFingerprint: parent.v1.fingerprint,
    });
    expect(children.relations.map((r) => r.child?.version_id)).toEqual([c1.id]);
    expect(
      (await h.service.listBucketAncestry(parent.bucket, { type: 'ANCESTRY_TYPE_CHILDREN' }))
        .total_count,
    ).toBe(0);
    expect((await h.service.getBucket(parent.bucket)).children.status).toBe('UNDETERMINED');

    // Unassigned channel → UNDETERMINED; deleted channel → UNDETERMINED with no channel name.
    await h.service.updateChannel(ALICE, parent.bucket, 'prod', {
      update_mask: 'versionFingerprint',
      version_fingerprint: '',
    });
    expect((await h.service.listBucketAncestry(child)).relations[0]).toMatchObject({
      status: 'UNDETERMINED',
      parent: { channel_name: 'prod', channel_version: null },
    });
    await h.service.deleteChannel(ALICE, parent.bucket, 'prod');
    expect((await h.service.listBucketAncestry(child)).relations[0]).toMatchObject({
      status: 'UNDETERMINED',
      parent: { channel_name: '', channel_version: null },
    });
  });

  it('records a declared parent without channel as UNDETERMINED', async () => {
    const parent = await parentWithChannel();
    const child = uniqueName('app');
    await h.service.createBucket(ALICE, { name: child });
    await publishVersion(h.service, child, { parentVersionId: parent.v1.id });
    const relation = (await h.service.listBucketAncestry(child)).relations[0];
    expect(relation).toMatchObject({
      status: 'UNDETERMINED',
      inferred: false,
      parent: { channel_name: '', version_id: parent.v1.id },
    });
  });

  it('infers a parent from the source image id when none is declared', async () => {
    const parent = await parentWithChannel();
    const child = uniqueName('infer');
    await h.service.createBucket(ALICE, { name: child });
    const c1 = await publishVersion(h.service, child, { sourceExternalId: parent.image });
    const relations = await h.service.listBucketAncestry(child, { type: 'ANCESTRY_TYPE_PARENTS' });
    expect(relations.relations).toEqual([
      expect.objectContaining({
        status: 'UNDETERMINED',
        inferred: true,
        parent: expect.objectContaining({ version_id: parent.v1.id, channel_name: '' }),
      }),
    ]);
    const children = await h.service.listBucketAncestry(parent.bucket, {
      type: 'ANCESTRY_TYPE_CHILDREN',
    });
    expect(
      children.relations.map((r) => [r.child?.bucket_name, r.child?.version_id, r.inferred]),
    ).toEqual([[child, c1.id, true]]);
    expect((await h.service.getVersion(parent.bucket, parent.v1.fingerprint)).has_descendants).toBe(
      true,
    );
  });

  it('keeps one relation, the declared one, when a declared parent also matches by image id', async () => {
    const parent = await parentWithChannel();
    const child = uniqueName('both');
    await h.service.createBucket(ALICE, { name: child });
    await publishVersion(h.service, child, {
      sourceExternalId: parent.image,
      parentVersionId: parent.v1.id,
      parentChannelId: parent.prod.id,
    });
    const relations = await h.service.listBucketAncestry(child);
    expect(relations.total_count).toBe(1);
    expect(relations.relations[0]).toMatchObject({ inferred: false, status: 'UP_TO_DATE' });
  });

  it('makes no relation for unknown parents, incomplete parents or unknown image ids', async () => {
    const child = uniqueName('orphan');
    await h.service.createBucket(ALICE, { name: child });
    const pending = uniqueName('pending');
    await h.service.createBucket(ALICE, { name: pending });
    const pfp = fingerprint();
    await h.service.createVersion(ALICE, pending, { fingerprint: pfp });
    await h.service.createBuild(ALICE, pending, pfp, { component_type: 'b.b' });
    await h.service.createBuild(ALICE, pending, pfp, {
      component_type: 'a.a',
      status: 'BUILD_DONE',
      artifacts: [{ external_identifier: `ami-pending-${pfp}`, region: 'r' }],
    });
    const v0 = await h.service.getVersion(pending, pfp);
    await publishVersion(h.service, child, {
      parentVersionId: '01HNOTINTHISREGISTRY000000',
      sourceExternalId: 'ami-from-a-vendor',
    });
    await publishVersion(h.service, child, {
      parentVersionId: v0.id,
      sourceExternalId: `ami-pending-${pfp}`,
    });
    expect((await h.service.listBucketAncestry(child)).total_count).toBe(0);
    expect((await h.service.getBucket(child)).parents.status).toBe('UNDETERMINED');
  });

  it('filters by type, channel name and version; paginates; answers unknown versions with 5', async () => {
    const parent = await parentWithChannel();
    await h.service.createChannel(ALICE, parent.bucket, {
      name: 'beta',
      version_fingerprint: parent.v1.fingerprint,
    });
    const beta = await h.service.getChannel(parent.bucket, 'beta');
    const kids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const b = uniqueName(`kid${i}`);
      await h.service.createBucket(ALICE, { name: b });
      clock.advance(1000);
      const channel = i === 2 ? beta : parent.prod;
      kids.push(
        (
          await publishVersion(h.service, b, {
            parentVersionId: parent.v1.id,
            parentChannelId: channel.id,
          })
        ).id,
      );
    }
    const all = await h.service.listBucketAncestry(parent.bucket, {
      type: 'ANCESTRY_TYPE_CHILDREN',
    });
    expect(all.total_count).toBe(3);
    expect((await h.service.getBucket(parent.bucket)).children.status).toBe('UP_TO_DATE');
    const first = await h.service.listBucketAncestry(parent.bucket, {
      type: 'ANCESTRY_TYPE_CHILDREN',
      pageSize: 2,
    });
    const second = await h.service.listBucketAncestry(parent.bucket, {
      type: 'ANCESTRY_TYPE_CHILDREN',
      pageSize: 2,
      nextPageToken: first.pagination.next_page_token,
    });
    expect(first.total_count).toBe(3);
    expect([...first.relations, ...second.relations].map((r) => r.child?.version_id)).toEqual(kids);
    const viaBeta = await h.service.listBucketAncestry(parent.bucket, {
      type: 'ANCESTRY_TYPE_CHILDREN',
      channelName: 'beta',
    });
    expect(viaBeta.relations.map((r) => r.child?.version_id)).toEqual([kids[2]]);
    expect(
      (await h.service.listBucketAncestry(parent.bucket, { type: 'ANCESTRY_TYPE_PARENTS' }))
        .total_count,
    ).toBe(0);
    // Unset type: both sides.
    expect((await h.service.listBucketAncestry(parent.bucket)).total_count).toBe(3);
    await expectRegistryError(
      h.service.listBucketAncestry(parent.bucket, { versionFingerprint: 'nope' }),
      GrpcCode.NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.listBucketAncestry(parent.bucket, { type: 'SIDEWAYS' as never }),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /type must be one of ANCESTRY_TYPE_UNSET, ANCESTRY_TYPE_PARENTS, ANCESTRY_TYPE_CHILDREN/,
    );
    await expectRegistryError(
      h.service.listBucketAncestry('no-such-bucket'),
      GrpcCode.NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
  });

  it('answers an empty list for a bucket without complete versions', async () => {
    const b = uniqueName('empty');
    await h.service.createBucket(ALICE, { name: b });
    expect(await h.service.listBucketAncestry(b)).toEqual({
      relations: [],
      total_count: 0,
      pagination: {},
    });
  });

  it('reads ancestry of a version deep in a long chain with direct lookups', async () => {
    const b = uniqueName('chain');
    await h.service.createBucket(ALICE, { name: b });
    let previous = await publishVersion(h.service, b, { externalId: `img-${b}-0` });
    const ids = [previous.id];
    for (let i = 1; i < 60; i++) {
      previous = await publishVersion(h.service, b, {
        externalId: `img-${b}-${i}`,
        sourceExternalId: `img-${b}-${i - 1}`,
      });
      ids.push(previous.id);
    }
    const latest = await h.service.listBucketAncestry(b);
    expect(latest.relations.map((r) => [r.parent?.version_id, r.child?.version_id])).toEqual([
      [ids[58], ids[59]],
    ]);
    const middle = await h.service.listBucketAncestry(b, {
      versionFingerprint: (await h.service.listVersions(b, { orderBy: ['name'], pageSize: 30 }))
        .versions[29].fingerprint,
    });
    expect(middle.total_count).toBe(2);
  });

  describe('depth (generations to follow)', () => {
    /** base v1 → mid v1 → app v1 → leaf v1, each in its own bucket, linked by image id. */
    async function fourGenerations() {
      const names = ['base', 'mid', 'app', 'leaf'].map((n) => uniqueName(`gen-${n}`));
      const versions = [];
      for (const [i, name] of names.entries()) {
        await h.service.createBucket(ALICE, { name });
        versions.push(
          await publishVersion(h.service, name, {
            externalId: `img-${name}`,
            ...(i > 0 ? { sourceExternalId: `img-${names[i - 1]}` } : {}),
          }),
        );
      }
      return { names, versions };
    }
    const pairs = (r: {
      relations: {
        parent?: { bucket_name: string } | null;
        child?: { bucket_name: string } | null;
      }[];
    }) => r.relations.map((x) => `${x.parent?.bucket_name}>${x.child?.bucket_name}`).sort();

    it('follows 1 generation by default, more on request, or all of them, across buckets', async () => {
      const { names } = await fourGenerations();
      const [base, mid, app, leaf] = names;
      const parents = (depth?: number | 'all') =>
        h.service.listBucketAncestry(leaf, {
          type: 'ANCESTRY_TYPE_PARENTS',
          ...(depth === undefined ? {} : { depth }),
        });
      expect(pairs(await parents())).toEqual([`${app}>${leaf}`]);
      expect(pairs(await parents(1))).toEqual([`${app}>${leaf}`]);
      expect(pairs(await parents(2))).toEqual([`${app}>${leaf}`, `${mid}>${app}`].sort());
      const all = await parents('all');
      expect(pairs(all)).toEqual([`${app}>${leaf}`, `${base}>${mid}`, `${mid}>${app}`].sort());
      expect(all.total_count).toBe(3);
      expect(pairs(await parents(100))).toEqual(pairs(all));

      const children = await h.service.listBucketAncestry(base, {
        type: 'ANCESTRY_TYPE_CHILDREN',
        depth: 'all',
      });
      expect(pairs(children)).toEqual(pairs(all));
      const both = await h.service.listBucketAncestry(mid, { depth: 'all' });
      expect(pairs(both)).toEqual(pairs(all));
      const near = await h.service.listBucketAncestry(mid, { depth: 1 });
      expect(pairs(near)).toEqual([`${base}>${mid}`, `${mid}>${app}`].sort());
    });

    it('paginates a deep walk', async () => {
      const { names } = await fourGenerations();
      const first = await h.service.listBucketAncestry(names[3], { depth: 'all', pageSize: 2 });
      expect(first.relations).toHaveLength(2);
      expect(first.total_count).toBe(3);
      const rest = await h.service.listBucketAncestry(names[3], {
        depth: 'all',
        pageSize: 2,
        nextPageToken: first.pagination.next_page_token,
      });
      expect(rest.relations).toHaveLength(1);
      expect(pairs({ relations: [...first.relations, ...rest.relations] })).toHaveLength(3);
    });

    it('refuses depths outside 1..100 or all', async () => {
      const { names } = await fourGenerations();
      for (const depth of [0, 101, 1.5, 'some', -1]) {
        await expectRegistryError(
          h.service.listBucketAncestry(names[0], { depth: depth as number }),
          GrpcCode.INVALID_ARGUMENT,
          RegistryErrorReason.INVALID_ARGUMENT,
          /depth must be/,
        );
      }
    });
  });
});
