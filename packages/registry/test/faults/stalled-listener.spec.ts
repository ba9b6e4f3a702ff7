import { Client } from 'pg';
import { describeIfPostgres, useStorage } from '../helpers/storage';
import { ALICE, publishVersion, uniqueName } from '../helpers/fixtures';
import { LISTENER_APPLICATION_NAME, READ_STALENESS_BOUND_MS } from '@imprint/registry';

/*
 * Regression: while one instance's LISTEN connection was frozen (its backend
 * alive but not answering, as on a stalled host or a half-open TCP
 * connection), that instance kept answering channel reads from memory: 30
 * of 30 reads showed the old version, and a revoked version as active. The
 * listener is pinged with a deadline; reads stop trusting memory once the
 * last answered ping is older than READ_STALENESS_BOUND_MS.
 */
describeIfPostgres('a stalled change listener (%s)', (engine) => {
  // The writer keeps no cache (and no listener); the reader is the instance under test.
  const writer = useStorage(engine, { readCache: false });

  async function listenerPid(admin: Client, database: string): Promise<number> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const { rows } = await admin.query<{ pid: number }>(
        'select pid from pg_stat_activity where application_name = $1 and datname = $2',
        [LISTENER_APPLICATION_NAME, database],
      );
      if (rows.length === 1) return rows[0].pid;
      if (Date.now() > deadline) throw new Error(`${rows.length} listener backends found`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('stops answering from memory within the staleness bound, and resumes once healthy', async () => {
    const reader = await writer.reopen({ readCache: true });
    const bucket = uniqueName('stall');
    await writer.service.createBucket(ALICE, { name: bucket });
    const v1 = await publishVersion(writer.service, bucket);
    const v2 = await publishVersion(writer.service, bucket);
    await writer.service.createChannel(ALICE, bucket, {
      name: 'prod',
      version_fingerprint: v1.fingerprint,
    });
    const readChannel = async () => (await reader.service.getChannel(bucket, 'prod')).version?.id;
    const readStatus = async () => (await reader.service.getVersion(bucket, v1.fingerprint)).status;
    // Cached now.
    expect(await readChannel()).toBe(v1.id);
    expect(await readStatus()).toBe('VERSION_ACTIVE');
    expect(reader.readCacheState()).toBe('on');

    const url = new URL(writer.options.databaseUrl ?? '');
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    const pid = await listenerPid(admin, url.pathname.slice(1));
    process.kill(pid, 'SIGSTOP');
    const reads: { at: number; channel?: string; status: string; cache: string }[] = [];
    let writtenAt: number;
    try {
      await writer.service.updateChannel(ALICE, bucket, 'prod', {
        update_mask: 'versionFingerprint',
        version_fingerprint: v2.fingerprint,
      });
      await writer.service.updateVersion(ALICE, bucket, v1.fingerprint, { revoke_in: '0s' });
      writtenAt = Date.now();
      while (Date.now() < writtenAt + READ_STALENESS_BOUND_MS + 1_000) {
        reads.push({
          at: Date.now(),
          channel: await readChannel(),
          status: await readStatus(),
          cache: reader.readCacheState(),
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      process.kill(pid, 'SIGCONT');
      await admin.end();
    }

    // Every read once the bound has passed since the writes saw them.
    const late = reads.filter((r) => r.at > writtenAt + READ_STALENESS_BOUND_MS + 50);
    expect(late.length).toBeGreaterThan(5);
    for (const r of late) expect(r).toMatchObject({ channel: v2.id, status: 'VERSION_REVOKED' });
    // The frozen listener was given up on (reads bypassed memory) and a new one took over.
    expect(reads.some((r) => r.cache === 'bypassed')).toBe(true);

    // A new listener connects; memory is trusted again and still follows writes.
    const deadline = Date.now() + 10_000;
    while (reader.readCacheState() !== 'on' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(reader.readCacheState()).toBe('on');
    await readStatus();
    await writer.service.updateVersion(ALICE, bucket, v1.fingerprint, { restore: true });
    const restoredAt = Date.now();
    while ((await readStatus()) !== 'VERSION_ACTIVE') {
      if (Date.now() - restoredAt > READ_STALENESS_BOUND_MS) throw new Error('restore not seen');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
});
