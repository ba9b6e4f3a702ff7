import { Client } from 'pg';
import type { Version } from '@imprint/client';
import { GrpcCode, LISTENER_APPLICATION_NAME, RegistryErrorReason } from '@imprint/registry';
import type { Actor, OpenedRegistryStorage } from '@imprint/registry';
import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import {
  ALICE,
  HOUR,
  TestClock,
  expectRegistryError,
  publishVersion,
  uniqueName,
} from '../helpers/fixtures';

const VIEWER: Actor = { principalId: '01HZZZZZZZZZZZZZZZZZZZZZZV', name: 'vera', role: 'viewer' };

/** Polls `read` until `done` holds (another instance's change arrives by notification). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/*
 * GetChannel and GetVersion are answered from memory while nothing changed.
 * These tests check that nothing that did change is ever answered from it:
 * writes here, writes by another store on the same database (another
 * process, or another registry instance), and time passing a scheduled
 * revocation.
 */
describe.each(testEngines())('read cache (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });
  let bucket: string;
  let v1: Version;
  let v2: Version;
  let other: OpenedRegistryStorage;

  beforeAll(async () => {
    bucket = uniqueName('cache');
    await h.service.createBucket(ALICE, { name: bucket });
    v1 = await publishVersion(h.service, bucket);
    v2 = await publishVersion(h.service, bucket);
    await h.service.createChannel(ALICE, bucket, {
      name: 'prod',
      version_fingerprint: v1.fingerprint,
    });
    other = await h.reopen();
  });

  it('answers repeated reads with equal, frozen values', async () => {
    const first = await h.service.getChannel(bucket, 'prod');
    const second = await h.service.getChannel(bucket, 'prod');
    expect(second).toEqual(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(Object.isFrozen(second.version?.builds[0].artifacts)).toBe(true);
  });

  it('sees its own writes at once', async () => {
    await h.service.getChannel(bucket, 'prod');
    await h.service.updateChannel(ALICE, bucket, 'prod', {
      version_fingerprint: v2.fingerprint,
      update_mask: 'versionFingerprint',
    });
    expect((await h.service.getChannel(bucket, 'prod')).version?.id).toBe(v2.id);
    await h.service.updateChannel(ALICE, bucket, 'prod', {
      version_fingerprint: v1.fingerprint,
      update_mask: 'versionFingerprint',
    });
    expect((await h.service.getChannel(bucket, 'prod')).version?.id).toBe(v1.id);
  });

  it('keeps its entries through writes that cannot change a cached read (audit log, webhook deliveries)', async () => {
    const { audit, webhooks, instrumentation } = h.storage;
    await h.service.getChannel(bucket, 'prod');
    const hits = instrumentation.readCache.hits;
    // What every mutating request writes after its response, and what the
    // webhook deliverer writes on each poll.
    const row = await audit.begin({
      principal_id: ALICE.principalId,
      principal_name: ALICE.name,
      role: ALICE.role,
      method: 'PATCH',
      route: '/test',
      operation: 'UpdateChannel',
      resource: `bucket/${bucket}/channel/prod`,
      request_id: 'req-cache',
      client_address: '127.0.0.1',
      user_agent: 'jest',
    });
    await audit.finish(row, { status: 200, outcome: 'ok' });
    await webhooks.claimDue('cache-test', 10, 1_000);
    await h.service.getChannel(bucket, 'prod');
    expect(instrumentation.readCache.hits).toBe(hits + 1);
  });

  it("sees another store's writes on the same database", async () => {
    expect((await h.service.getChannel(bucket, 'prod')).version?.id).toBe(v1.id);
    await other.service.updateChannel(ALICE, bucket, 'prod', {
      version_fingerprint: v2.fingerprint,
      update_mask: 'versionFingerprint',
    });
    // SQLite: within a millisecond (data_version); PostgreSQL: when the notification arrives.
    const read = () => h.service.getChannel(bucket, 'prod');
    const seen = await eventually(read, (c) => c.version?.id === v2.id);
    expect(seen.version?.id).toBe(v2.id);

    await other.service.updateVersion(ALICE, bucket, v2.fingerprint, {
      revoke_at: clock.iso(-1000),
      revocation_message: 'CVE-2030-0001',
      disable_rollback_channels: true,
    });
    const version = () => h.service.getVersion(bucket, v2.fingerprint);
    const revoked = await eventually(version, (v) => v.revocation_message === 'CVE-2030-0001');
    expect(revoked.status).toBe('VERSION_REVOKED');
    await other.service.updateVersion(ALICE, bucket, v2.fingerprint, { restore: true });
    const restored = await eventually(version, (v) => v.status === 'VERSION_ACTIVE');
    expect(restored.status).toBe('VERSION_ACTIVE');
  });

  it('lets a scheduled revocation come due without any write', async () => {
    const scheduled = await publishVersion(h.service, bucket);
    await h.service.updateVersion(ALICE, bucket, scheduled.fingerprint, {
      revoke_in: '3600s',
      revocation_message: 'superseded',
    });
    await h.service.createChannel(ALICE, bucket, {
      name: 'scheduled',
      version_fingerprint: scheduled.fingerprint,
    });
    expect((await h.service.getChannel(bucket, 'scheduled')).version?.status).toBe(
      'VERSION_REVOCATION_SCHEDULED',
    );
    expect((await h.service.getVersion(bucket, scheduled.fingerprint)).status).toBe(
      'VERSION_REVOCATION_SCHEDULED',
    );
    clock.advance(HOUR + 1);
    expect((await h.service.getChannel(bucket, 'scheduled')).version?.status).toBe(
      'VERSION_REVOKED',
    );
    expect((await h.service.getVersion(bucket, scheduled.fingerprint)).status).toBe(
      'VERSION_REVOKED',
    );
  });

  it('keeps restricted channels from viewers, cached or not', async () => {
    await h.service.createChannel(ALICE, bucket, {
      name: 'internal',
      restricted: true,
      version_fingerprint: v1.fingerprint,
    });
    expect((await h.service.getChannel(bucket, 'internal', ALICE)).restricted).toBe(true);
    await expectRegistryError(
      h.service.getChannel(bucket, 'internal', VIEWER),
      GrpcCode.PERMISSION_DENIED,
      RegistryErrorReason.CHANNEL_RESTRICTED,
    );
    await expectRegistryError(
      h.service.listChannelHistory(bucket, 'internal', undefined, VIEWER),
      GrpcCode.PERMISSION_DENIED,
      RegistryErrorReason.CHANNEL_RESTRICTED,
    );
    const visible = await h.service.listChannels(bucket, undefined, VIEWER);
    const names = visible.channels.map((c) => c.name);
    expect(names).toContain('prod');
    expect(names).not.toContain('internal');
    // The managed `latest` channel is restricted too (as on HCP).
    expect(names).not.toContain('latest');
    const all = (await h.service.listChannels(bucket, undefined, ALICE)).channels;
    expect(all.map((c) => c.name)).toEqual(expect.arrayContaining(['internal', 'latest']));
  });

  it('can be turned off', async () => {
    const uncached = await h.reopen({ readCache: false });
    const a = await uncached.service.getChannel(bucket, 'prod');
    const b = await uncached.service.getChannel(bucket, 'prod');
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
    expect(Object.isFrozen(b)).toBe(false);
  });

  if (engine === 'postgres') {
    it('stops caching while the notification channel is down, and recovers', async () => {
      const url = h.options.databaseUrl ?? '';
      const admin = new Client({ connectionString: url });
      await admin.connect();
      try {
        const database = new URL(url).pathname.slice(1);
        const before = await h.service.getChannel(bucket, 'prod');
        // Cut every listening connection of this database; notifications sent meanwhile are
        // lost. (Found by application_name: after a ping, `query` no longer says LISTEN.)
        await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
           where datname = $1 and application_name = $2 and pid <> pg_backend_pid()`,
          [database, LISTENER_APPLICATION_NAME],
        );
        const target = before.version?.id === v1.id ? v2 : v1;
        await other.service.updateChannel(ALICE, bucket, 'prod', {
          version_fingerprint: target.fingerprint,
          update_mask: 'versionFingerprint',
        });
        // Not a stale cached answer, whether or not the listener is back yet.
        expect((await h.service.getChannel(bucket, 'prod')).version?.id).toBe(target.id);
        // Back to following (and caching) after reconnecting.
        const listening = await eventually(
          async () =>
            (
              await admin.query(
                `select count(*)::int as n from pg_stat_activity
                 where datname = $1 and application_name = $2`,
                [database, LISTENER_APPLICATION_NAME],
              )
            ).rows[0].n as number,
          (n) => n >= 2,
        );
        expect(listening).toBeGreaterThanOrEqual(2);
        const back = before.version?.id === v1.id ? v1 : v2;
        await other.service.updateChannel(ALICE, bucket, 'prod', {
          version_fingerprint: back.fingerprint,
          update_mask: 'versionFingerprint',
        });
        const seen = await eventually(
          () => h.service.getChannel(bucket, 'prod'),
          (c) => c.version?.id === back.id,
        );
        expect(seen.version?.id).toBe(back.id);
      } finally {
        await admin.end();
      }
    });
  }
});
