import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import { ALICE, TestClock, publishVersion, uniqueName } from '../helpers/fixtures';

/*
 * Regression: two registry instances on one PostgreSQL database each read
 * `now` before waiting on the same lock. The one that waited committed its
 * assignment second but with the earlier `assigned_at`, so the channel's
 * history, newest first, did not start with the version the channel held,
 * and a rollback to "the last valid version of its history" could pick the
 * wrong one. Here the stale clock of the second instance is a clock set back.
 */
describe.each(testEngines())('channel history is in assignment order (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });
  const historyOf = async (bucket: string, channel: string) =>
    (await h.service.listChannelHistory(bucket, channel)).history.map((entry) => ({
      at: entry.assigned_at,
      version: entry.version?.fingerprint,
    }));

  it('starts with the assignment made last, even when its clock read an earlier time', async () => {
    const bucket = uniqueName('order');
    await h.service.createBucket(ALICE, { name: bucket });
    const v1 = await publishVersion(h.service, bucket);
    const v2 = await publishVersion(h.service, bucket);
    await h.service.createChannel(ALICE, bucket, {
      name: 'prod',
      version_fingerprint: v1.fingerprint,
    });
    const first = clock.iso();
    clock.advance(-5_000);
    await h.service.updateChannel(ALICE, bucket, 'prod', {
      update_mask: 'versionFingerprint',
      version_fingerprint: v2.fingerprint,
    });
    expect((await h.service.getChannel(bucket, 'prod')).version?.id).toBe(v2.id);
    // 1 ms after the channel's previous change, not the clock's earlier time.
    const second = new Date(Date.parse(first) + 1).toISOString();
    expect(await historyOf(bucket, 'prod')).toEqual([
      { at: second, version: v2.fingerprint },
      { at: first, version: v1.fingerprint },
    ]);

    // Revoking v2 rolls prod back to v1: the entry before v2 in history.
    await h.service.updateVersion(ALICE, bucket, v2.fingerprint, { revoke_in: '0s' });
    expect((await h.service.getChannel(bucket, 'prod')).version?.id).toBe(v1.id);
  });

  it('moves latest with an increasing time when completions read the clock out of order', async () => {
    const bucket = uniqueName('latest');
    await h.service.createBucket(ALICE, { name: bucket });
    const v1 = await publishVersion(h.service, bucket);
    clock.advance(-5_000);
    const v2 = await publishVersion(h.service, bucket);
    const history = await historyOf(bucket, 'latest');
    expect(history.map((entry) => entry.version)).toEqual([v2.fingerprint, v1.fingerprint]);
    expect(Date.parse(history[0].at)).toBeGreaterThan(Date.parse(history[1].at));
    expect((await h.service.getChannel(bucket, 'latest')).version?.id).toBe(v2.id);
  });
});
