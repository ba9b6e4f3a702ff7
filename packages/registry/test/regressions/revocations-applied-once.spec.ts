import { Client } from 'pg';
import { SYSTEM_AUTHOR } from '@imprint/registry';
import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import {
  ALICE,
  BOB,
  HOUR,
  MINUTE,
  TestClock,
  publishVersion,
  uniqueName,
} from '../helpers/fixtures';

/*
 * Regression: due revocations were applied more than once. Two sweepers (or
 * a sweeper and an immediate revocation) running at the same moment each
 * rolled the same channels back, and an immediate revocation applied every
 * other due revocation too, credited to whoever revoked. A rollback working
 * from a channel row read before another transaction assigned that channel
 * overwrote the fresh assignment.
 */
describe.each(testEngines())('due revocations are applied exactly once (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });

  /** A bucket with v1 and v2, channel `prod` moved from v1 to v2 (and `latest` on v2). */
  async function bucketOnV2(prefix: string) {
    const bucket = uniqueName(prefix);
    await h.service.createBucket(ALICE, { name: bucket });
    const v1 = await publishVersion(h.service, bucket);
    const v2 = await publishVersion(h.service, bucket);
    await h.service.createChannel(ALICE, bucket, {
      name: 'prod',
      version_fingerprint: v1.fingerprint,
    });
    await h.service.updateChannel(ALICE, bucket, 'prod', {
      update_mask: 'versionFingerprint',
      version_fingerprint: v2.fingerprint,
    });
    return { bucket, v1, v2 };
  }

  /**
   * A second store on the same database, as a second registry process has.
   * SQLite: two connections in one process would wait on each other's lock
   * with the thread blocked (better-sqlite3 is synchronous), so both sides
   * share the store, whose one connection serialises transactions just as
   * SQLite serialises two processes' write transactions.
   */
  const secondStore = () => (engine === 'postgres' ? h.reopen() : Promise.resolve(h.storage));

  const history = async (bucket: string, channel: string) =>
    (await h.service.listChannelHistory(bucket, channel, { pageSize: 100 })).history;

  it('two stores sweeping the same due revocations at once roll each channel back once', async () => {
    const other = await secondStore();
    const buckets = [];
    for (let i = 0; i < 30; i += 1) buckets.push(await bucketOnV2('sweep'));
    for (const { bucket, v2 } of buckets) {
      await h.service.updateVersion(ALICE, bucket, v2.fingerprint, { revoke_in: '1h' });
    }
    clock.advance(HOUR + MINUTE);

    const runs = await Promise.all([
      h.service.processDueRevocations(),
      other.service.processDueRevocations(),
      h.service.processDueRevocations(),
      other.service.processDueRevocations(),
    ]);
    expect(runs.reduce((sum, n) => sum + n, 0)).toBe(buckets.length);
    expect(await h.service.processDueRevocations()).toBe(0);

    for (const { bucket, v1 } of buckets) {
      for (const channel of ['prod', 'latest']) {
        const entries = await history(bucket, channel);
        const rollbacks = entries.filter((e) => e.assigned_at === clock.iso());
        expect(rollbacks).toEqual([
          expect.objectContaining({
            author_id: SYSTEM_AUTHOR,
            version: expect.objectContaining({ id: v1.id }),
          }),
        ]);
        expect((await h.service.getChannel(bucket, channel)).version?.id).toBe(v1.id);
      }
    }
  }, 30_000); // 30 buckets set up one request at a time: seconds on a busy machine

  it('an immediate revocation rolls back only its own channels, credited to its author', async () => {
    const scheduled = [];
    for (let i = 0; i < 4; i += 1) scheduled.push(await bucketOnV2('sched'));
    const immediate = [];
    for (let i = 0; i < 8; i += 1) immediate.push(await bucketOnV2('now'));
    for (const { bucket, v2 } of scheduled) {
      await h.service.updateVersion(ALICE, bucket, v2.fingerprint, { revoke_in: '1h' });
    }
    clock.advance(HOUR);

    // At the moment the schedules come due: revocations by bob and two sweepers, all at once.
    const other = await secondStore();
    await Promise.all([
      ...immediate.map(({ bucket, v2 }, i) =>
        (i % 2 === 0 ? h : other).service.updateVersion(BOB, bucket, v2.fingerprint, {
          revoke_in: '0s',
        }),
      ),
      h.service.processDueRevocations(),
      other.service.processDueRevocations(),
    ]);
    await h.service.processDueRevocations();

    const rollbacksOf = async (bucket: string, to: string) =>
      (await history(bucket, 'prod')).filter(
        (e) => e.version?.id === to && e.assigned_at === clock.iso(),
      );
    for (const { bucket, v1 } of immediate) {
      const entries = await rollbacksOf(bucket, v1.id);
      expect(entries).toEqual([expect.objectContaining({ author_id: BOB.name })]);
    }
    for (const { bucket, v1 } of scheduled) {
      const entries = await rollbacksOf(bucket, v1.id);
      expect(entries).toEqual([expect.objectContaining({ author_id: SYSTEM_AUTHOR })]);
    }
  });

  it('a revocation of one bucket leaves another bucket’s due schedule to the sweeper', async () => {
    const due = await bucketOnV2('due');
    const revoked = await bucketOnV2('revoked');
    await h.service.updateVersion(ALICE, due.bucket, due.v2.fingerprint, { revoke_in: '30m' });
    clock.advance(31 * MINUTE);
    await h.service.updateVersion(BOB, revoked.bucket, revoked.v2.fingerprint, {
      revoke_in: '0s',
    });
    // The due schedule reads as revoked, but its channels move only with the sweep, as the registry.
    expect((await h.service.getChannel(due.bucket, 'prod')).version?.id).toBe(due.v2.id);
    expect(await h.service.processDueRevocations()).toBe(1);
    expect((await history(due.bucket, 'prod'))[0]).toMatchObject({
      author_id: SYSTEM_AUTHOR,
      version: { id: due.v1.id },
    });
  });

  if (engine === 'postgres') {
    it('a rollback waits for a channel being assigned and leaves the fresh assignment alone', async () => {
      const { bucket, v2 } = await bucketOnV2('stale');
      const v3 = await publishVersion(h.service, bucket);
      await h.service.updateVersion(ALICE, bucket, v2.fingerprint, { revoke_in: '1h' });
      clock.advance(HOUR + MINUTE);

      // Another writer is assigning `prod` to v3 and has not committed yet.
      const client = new Client({ connectionString: h.options.databaseUrl });
      await client.connect();
      try {
        await client.query('begin');
        const { rows } = await client.query<{ id: string }>(
          `select c.id from channels c join buckets b on b.id = c.bucket_id
           where b.name = $1 and c.name = 'prod' for update`,
          [bucket],
        );
        await client.query('update channels set version_id = $1, author_id = $2 where id = $3', [
          v3.id,
          'carol',
          rows[0].id,
        ]);
        const sweep = h.service.processDueRevocations();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await client.query('commit');
        expect(await sweep).toBe(1);
      } finally {
        await client.end();
      }
      const prod = await h.service.getChannel(bucket, 'prod');
      expect(prod.version?.id).toBe(v3.id);
      expect(prod.author_id).toBe('carol');
      expect((await history(bucket, 'prod')).filter((e) => e.assigned_at === clock.iso())).toEqual(
        [],
      );
    });
  }
});
