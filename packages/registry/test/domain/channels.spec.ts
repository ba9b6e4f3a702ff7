import type { Version } from '@imprint/client';
import { GrpcCode, RegistryErrorReason } from '@imprint/registry';
import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import {
  ALICE,
  BOB,
  TestClock,
  expectRegistryError,
  fingerprint,
  publishVersion,
  uniqueName,
} from '../helpers/fixtures';

const { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION } = GrpcCode;

describe.each(testEngines())('channels (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });
  let bucket: string;
  let v1: Version;
  let v2: Version;
  let incomplete: string;

  beforeAll(async () => {
    bucket = uniqueName('channels');
    await h.service.createBucket(ALICE, { name: bucket });
    v1 = await publishVersion(h.service, bucket);
    v2 = await publishVersion(h.service, bucket);
    incomplete = fingerprint();
    await h.service.createVersion(ALICE, bucket, { fingerprint: incomplete });
  });

  it('creates channels, empty or pre-assigned (recording history)', async () => {
    const empty = await h.service.createChannel(BOB, bucket, { name: 'dev-empty' });
    expect(empty).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name: 'dev-empty',
      bucket_name: bucket,
      author_id: 'bob@example.com',
      created_at: clock.iso(),
      updated_at: clock.iso(),
      managed: false,
      restricted: false,
      version: null,
    });
    const assigned = await h.service.createChannel(ALICE, bucket, {
      name: 'staging',
      restricted: true,
      version_fingerprint: v1.fingerprint,
    });
    expect(assigned.restricted).toBe(true);
    expect(assigned.version).toEqual(await h.service.getVersion(bucket, v1.fingerprint));
    const history = await h.service.listChannelHistory(bucket, 'staging');
    expect(history).toEqual({
      count: 1,
      history: [
        {
          assigned_at: clock.iso(),
          author_id: 'alice',
          version: { fingerprint: v1.fingerprint, id: v1.id, name: 'v1' },
        },
      ],
      pagination: {},
    });
    expect(await h.service.getChannel(bucket, 'staging')).toEqual(assigned);
  });

  it('validates channel creation', async () => {
    await expectRegistryError(
      h.service.createChannel(ALICE, bucket, { name: 'x' }),
      INVALID_ARGUMENT,
      RegistryErrorReason.CHANNEL_NAME_INVALID,
      /channel name of 3 to 36/,
    );
    await expectRegistryError(
      h.service.createChannel(ALICE, bucket, { name: 'prod_1' }),
      INVALID_ARGUMENT,
      RegistryErrorReason.CHANNEL_NAME_INVALID,
    );
    await expectRegistryError(
      h.service.createChannel(ALICE, bucket, { name: 'okay', restricted: 'yes' } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /restricted must be true or false/,
    );
    await expectRegistryError(
      h.service.createChannel(ALICE, bucket, { name: 'latest' }),
      ALREADY_EXISTS,
      RegistryErrorReason.CHANNEL_EXISTS,
    );
    await h.service.createChannel(ALICE, bucket, { name: 'twice' });
    await expectRegistryError(
      h.service.createChannel(ALICE, bucket, { name: 'twice' }),
      ALREADY_EXISTS,
      RegistryErrorReason.CHANNEL_EXISTS,
      /already exists in bucket/,
    );
    await expectRegistryError(
      h.service.createChannel(ALICE, 'no-such-bucket', { name: 'prod' }),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.createChannel(ALICE, bucket, { name: 'early', version_fingerprint: incomplete }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_INCOMPLETE,
      /only complete versions can be assigned/,
    );
    await expectRegistryError(
      h.service.createChannel(ALICE, bucket, { name: 'ghost', version_fingerprint: 'nope' }),
      NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.getChannel(bucket, 'early'),
      NOT_FOUND,
      RegistryErrorReason.CHANNEL_NOT_FOUND,
      /"early" does not exist in bucket/,
    );
  });

  it('updates a channel through update_mask: assign, re-assign (no-op), restrict, unassign', async () => {
    await h.service.createChannel(ALICE, bucket, { name: 'prod' });
    clock.advance(1000);
    const assigned = await h.service.updateChannel(BOB, bucket, 'prod', {
      update_mask: 'versionFingerprint',
      version_fingerprint: v2.fingerprint,
    });
    expect(assigned.version?.id).toBe(v2.id);
    expect(assigned.author_id).toBe('bob@example.com');
    await h.service.updateChannel(BOB, bucket, 'prod', {
      update_mask: 'versionFingerprint',
      version_fingerprint: v2.fingerprint,
    });
    expect((await h.service.listChannelHistory(bucket, 'prod')).count).toBe(1);
    // Only the masked field changes.
    const restricted = await h.service.updateChannel(ALICE, bucket, 'prod', {
      update_mask: 'restricted',
      restricted: true,
      version_fingerprint: v1.fingerprint,
    });
    expect(restricted).toMatchObject({ restricted: true, version: { id: v2.id } });
    const both = await h.service.updateChannel(ALICE, bucket, 'prod', {
      update_mask: 'versionFingerprint, restricted',
      version_fingerprint: v1.fingerprint,
    });
    expect(both).toMatchObject({ restricted: false, version: { id: v1.id } });
    clock.advance(1000);
    const cleared = await h.service.updateChannel(ALICE, bucket, 'prod', {
      update_mask: 'version_fingerprint',
      version_fingerprint: '',
    });
    expect(cleared.version).toBeNull();
    const history = await h.service.listChannelHistory(bucket, 'prod');
    expect(history.count).toBe(3);
    expect(history.history.map((e) => e.version?.name ?? null)).toEqual([null, 'v1', 'v2']);
    expect(history.history[0]).toEqual({
      assigned_at: clock.iso(),
      author_id: 'alice',
      version: null,
    });
  });

  it('requires and validates update_mask (3)', async () => {
    await h.service.createChannel(ALICE, bucket, { name: 'masked' });
    await expectRegistryError(
      h.service.updateChannel(ALICE, bucket, 'masked', {
        version_fingerprint: v1.fingerprint,
      } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.UPDATE_MASK_INVALID,
      /update_mask is required/,
    );
    await expectRegistryError(
      h.service.updateChannel(ALICE, bucket, 'masked', { update_mask: ' ' }),
      INVALID_ARGUMENT,
      RegistryErrorReason.UPDATE_MASK_INVALID,
    );
    await expectRegistryError(
      h.service.updateChannel(ALICE, bucket, 'masked', { update_mask: 'name' }),
      INVALID_ARGUMENT,
      RegistryErrorReason.UPDATE_MASK_INVALID,
      /unknown field "name"/,
    );
    await expectRegistryError(
      h.service.updateChannel(ALICE, bucket, 'nope-nope', { update_mask: 'restricted' }),
      NOT_FOUND,
      RegistryErrorReason.CHANNEL_NOT_FOUND,
    );
  });

  it('refuses incomplete versions (9) and unknown ones (5) on update', async () => {
    await h.service.createChannel(ALICE, bucket, { name: 'strict' });
    await expectRegistryError(
      h.service.updateChannel(ALICE, bucket, 'strict', {
        update_mask: 'versionFingerprint',
        version_fingerprint: incomplete,
      }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_INCOMPLETE,
    );
    await expectRegistryError(
      h.service.updateChannel(ALICE, bucket, 'strict', {
        update_mask: 'versionFingerprint',
        version_fingerprint: 'missing',
      }),
      NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
  });

  it('protects the managed latest channel: assignment 9, assign target 9, delete 3', async () => {
    await expectRegistryError(
      h.service.updateChannel(ALICE, bucket, 'latest', {
        update_mask: 'versionFingerprint',
        version_fingerprint: v1.fingerprint,
      }),
      FAILED_PRECONDITION,
      RegistryErrorReason.CHANNEL_MANAGED,
      /managed by the registry .* cannot be assigned a version \(only its restricted flag can be updated\)/,
    );
    // A mask that names the version as well is refused whole: restricted does not change either.
    await expectRegistryError(
      h.service.updateChannel(ALICE, bucket, 'latest', {
        update_mask: 'restricted,versionFingerprint',
        restricted: false,
        version_fingerprint: v1.fingerprint,
      }),
      FAILED_PRECONDITION,
      RegistryErrorReason.CHANNEL_MANAGED,
    );
    expect((await h.service.getChannel(bucket, 'latest')).restricted).toBe(true);
    await h.service.createChannel(ALICE, bucket, {
      name: 'src-for-latest',
      version_fingerprint: v1.fingerprint,
    });
    await expectRegistryError(
      h.service.assignChannel(ALICE, bucket, {
        source_channel: 'src-for-latest',
        target_channel: 'latest',
      }),
      FAILED_PRECONDITION,
      RegistryErrorReason.CHANNEL_MANAGED,
    );
    await expectRegistryError(
      h.service.deleteChannel(ALICE, bucket, 'latest'),
      INVALID_ARGUMENT,
      RegistryErrorReason.CHANNEL_MANAGED_DELETE,
      /cannot be deleted/,
    );
    expect((await h.service.getChannel(bucket, 'latest')).version?.id).toBe(v2.id);
  });

  it('lets restricted alone change on latest, keeping its version, author and managed flag', async () => {
    const before = await h.service.getChannel(bucket, 'latest');
    const historyBefore = (await h.service.listChannelHistory(bucket, 'latest')).count;
    const opened = await h.service.updateChannel(BOB, bucket, 'latest', {
      update_mask: 'restricted',
      restricted: false,
    });
    expect(opened).toMatchObject({
      name: 'latest',
      managed: true,
      restricted: false,
      author_id: before.author_id,
    });
    expect(opened.version?.id).toBe(before.version?.id);
    // proto3: a masked restricted that is absent is false; true closes it again.
    const closed = await h.service.updateChannel(BOB, bucket, 'latest', {
      update_mask: 'restricted',
      restricted: true,
    });
    expect(closed).toMatchObject({ managed: true, restricted: true });
    expect(closed.version?.id).toBe(before.version?.id);
    // Restricting is not an assignment: the history does not grow.
    expect((await h.service.listChannelHistory(bucket, 'latest')).count).toBe(historyBefore);
  });

  it('promotes with assignChannel: copies the source version, records history', async () => {
    await h.service.createChannel(ALICE, bucket, {
      name: 'qa-env',
      version_fingerprint: v1.fingerprint,
    });
    await h.service.createChannel(ALICE, bucket, { name: 'live' });
    const live = await h.service.assignChannel(BOB, bucket, {
      source_channel: 'qa-env',
      target_channel: 'live',
    });
    expect(live.version?.id).toBe(v1.id);
    expect((await h.service.listChannelHistory(bucket, 'live')).history[0]).toMatchObject({
      author_id: 'bob@example.com',
      version: { id: v1.id },
    });
    const fromLatest = await h.service.assignChannel(BOB, bucket, {
      source_channel: 'latest',
      target_channel: 'live',
    });
    expect(fromLatest.version?.id).toBe(v2.id);
    await h.service.createChannel(ALICE, bucket, { name: 'blank' });
    await expectRegistryError(
      h.service.assignChannel(ALICE, bucket, { source_channel: 'blank', target_channel: 'live' }),
      FAILED_PRECONDITION,
      RegistryErrorReason.CHANNEL_UNASSIGNED,
      /has no version to copy/,
    );
    await expectRegistryError(
      h.service.assignChannel(ALICE, bucket, { source_channel: 'live', target_channel: 'live' }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /both "live"/,
    );
    await expectRegistryError(
      h.service.assignChannel(ALICE, bucket, {
        source_channel: 'nope-nope',
        target_channel: 'live',
      }),
      NOT_FOUND,
      RegistryErrorReason.CHANNEL_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.assignChannel(ALICE, bucket, { source_channel: 'qa-env' } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /target_channel is required/,
    );
  });

  it('deletes user channels and their history', async () => {
    await h.service.createChannel(ALICE, bucket, {
      name: 'temp',
      version_fingerprint: v1.fingerprint,
    });
    await h.service.deleteChannel(ALICE, bucket, 'temp');
    await expectRegistryError(
      h.service.getChannel(bucket, 'temp'),
      NOT_FOUND,
      RegistryErrorReason.CHANNEL_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.listChannelHistory(bucket, 'temp'),
      NOT_FOUND,
      RegistryErrorReason.CHANNEL_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.deleteChannel(ALICE, bucket, 'temp'),
      NOT_FOUND,
      RegistryErrorReason.CHANNEL_NOT_FOUND,
    );
    // Recreated under the same name it starts with an empty history.
    await h.service.createChannel(ALICE, bucket, { name: 'temp' });
    expect((await h.service.listChannelHistory(bucket, 'temp')).count).toBe(0);
  });

  it('paginates channel lists and history', async () => {
    const b = uniqueName('chpages');
    await h.service.createBucket(ALICE, { name: b });
    const versions: Version[] = [];
    for (let i = 0; i < 3; i++) versions.push(await publishVersion(h.service, b));
    for (const name of ['ccc', 'aaa', 'bbb']) await h.service.createChannel(ALICE, b, { name });
    const first = await h.service.listChannels(b, { pageSize: 2 });
    const rest = await h.service.listChannels(b, {
      pageSize: 2,
      nextPageToken: first.pagination.next_page_token,
    });
    expect([...first.channels, ...rest.channels].map((c) => c.name)).toEqual([
      'aaa',
      'bbb',
      'ccc',
      'latest',
    ]);
    for (const v of versions) {
      clock.advance(1000);
      await h.service.updateChannel(ALICE, b, 'aaa', {
        update_mask: 'versionFingerprint',
        version_fingerprint: v.fingerprint,
      });
    }
    const page1 = await h.service.listChannelHistory(b, 'aaa', { pageSize: 2 });
    const page2 = await h.service.listChannelHistory(b, 'aaa', {
      pageSize: 2,
      nextPageToken: page1.pagination.next_page_token,
    });
    expect(page1.count).toBe(3);
    expect([...page1.history, ...page2.history].map((e) => e.version?.name)).toEqual([
      'v3',
      'v2',
      'v1',
    ]);
    expect(page2.pagination).toEqual({});
    const oldestFirst = await h.service.listChannelHistory(b, 'aaa', {
      orderBy: ['assigned_at asc'],
    });
    expect(oldestFirst.history.map((e) => e.version?.name)).toEqual(['v1', 'v2', 'v3']);
  });
});
