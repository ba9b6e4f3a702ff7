import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import { ALICE, HOUR, MINUTE, TestClock, publishVersion, uniqueName } from '../helpers/fixtures';

/*
 * Regression: `latest` stayed on an older version after the newest complete
 * version was revoked and then restored. `latest` follows the newest
 * complete version that is not revoked, whatever moved it.
 */
describe.each(testEngines())('latest follows the newest valid version (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });
  const latest = async (bucket: string) => (await h.service.getChannel(bucket, 'latest')).version;

  it('returns to the newest version when it is restored', async () => {
    const bucket = uniqueName('restore');
    await h.service.createBucket(ALICE, { name: bucket });
    const v1 = await publishVersion(h.service, bucket, { platform: 'aws' });
    const v2 = await publishVersion(h.service, bucket, { platform: 'gce' });
    await h.service.updateVersion(ALICE, bucket, v2.fingerprint, { revoke_in: '0s' });
    expect((await latest(bucket))?.id).toBe(v1.id);
    expect((await h.service.getBucket(bucket)).platforms).toEqual(['aws']);

    await h.service.updateVersion(ALICE, bucket, v2.fingerprint, { restore: true });
    expect((await latest(bucket))?.id).toBe(v2.id);
    expect((await h.service.getBucket(bucket)).latest_version?.id).toBe(v2.id);
    expect((await h.service.getBucket(bucket)).platforms).toEqual(['gce']);
    const [entry] = (await h.service.listChannelHistory(bucket, 'latest')).history;
    expect(entry.version?.id).toBe(v2.id);
  });

  it('returns to a child bucket’s newest version when the ancestor it inherited from is restored', async () => {
    const base = uniqueName('base');
    const app = uniqueName('app');
    await h.service.createBucket(ALICE, { name: base });
    await h.service.createBucket(ALICE, { name: app });
    const image = `ami-${uniqueName('img')}`;
    const b1 = await publishVersion(h.service, base, { externalId: image });
    const a1 = await publishVersion(h.service, app);
    const a2 = await publishVersion(h.service, app, { sourceExternalId: image });
    await h.service.updateVersion(ALICE, base, b1.fingerprint, { revoke_in: '0s' });
    expect((await latest(app))?.id).toBe(a1.id);

    await h.service.updateVersion(ALICE, base, b1.fingerprint, { restore: true });
    expect((await latest(app))?.id).toBe(a2.id);
    expect((await latest(base))?.id).toBe(b1.id);
  });

  it('rolls back to the newest valid version when a scheduled revocation comes due, then returns on restore', async () => {
    const bucket = uniqueName('sched');
    await h.service.createBucket(ALICE, { name: bucket });
    const v1 = await publishVersion(h.service, bucket);
    const v2 = await publishVersion(h.service, bucket);
    const v3 = await publishVersion(h.service, bucket);
    await h.service.updateVersion(ALICE, bucket, v3.fingerprint, { revoke_in: '1h' });
    expect((await latest(bucket))?.id).toBe(v3.id);
    clock.advance(HOUR + MINUTE);
    await h.service.processDueRevocations();
    expect((await latest(bucket))?.id).toBe(v2.id);
    await h.service.updateVersion(ALICE, bucket, v2.fingerprint, { revoke_in: '0s' });
    expect((await latest(bucket))?.id).toBe(v1.id);
    await h.service.updateVersion(ALICE, bucket, v3.fingerprint, { restore: true });
    expect((await latest(bucket))?.id).toBe(v3.id);
  });
});
