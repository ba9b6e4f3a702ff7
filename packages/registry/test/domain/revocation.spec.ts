import type { Version } from '@imprint/client';
import { GrpcCode, RegistryErrorReason } from '@imprint/registry';
import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import {
  ALICE,
  BOB,
  HOUR,
  MINUTE,
  TestClock,
  expectRegistryError,
  fingerprint,
  publishVersion,
  uniqueName,
} from '../helpers/fixtures';

const { INVALID_ARGUMENT, FAILED_PRECONDITION } = GrpcCode;

describe.each(testEngines())('revocation (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });

  const get = (bucket: string, v: Version) => h.service.getVersion(bucket, v.fingerprint);
  const channelVersion = async (bucket: string, channel: string) =>
    (await h.service.getChannel(bucket, channel)).version?.name ?? null;

  /** base (v1, v2 with image `image`), child bucket built from base v2's image. */
  async function family() {
    const base = uniqueName('base');
    const app = uniqueName('app');
    await h.service.createBucket(ALICE, { name: base });
    await h.service.createBucket(ALICE, { name: app });
    const image = `ami-${fingerprint()}`;
    const b1 = await publishVersion(h.service, base);
    const b2 = await publishVersion(h.service, base, { externalId: image });
    const a1 = await publishVersion(h.service, app);
    const a2 = await publishVersion(h.service, app, { sourceExternalId: image });
    return { base, app, image, b1, b2, a1, a2 };
  }

  it('runs the whole lifecycle: build, publish, promote, revoke with cascade and rollback, restore', async () => {
    // Build path of the base image, as Packer drives it.
    const base = uniqueName('golden');
    await h.service.createBucket(ALICE, { name: base, description: 'Golden image' });
    const old = await publishVersion(h.service, base, { externalId: `ami-old-${base}` });
    const fp = fingerprint();
    await h.service.createVersion(ALICE, base, { fingerprint: fp, template_type: 'HCL2' });
    const build = await h.service.createBuild(ALICE, base, fp, {
      component_type: 'amazon-ebs.golden',
      status: 'BUILD_UNSET',
    });
    await h.service.updateBuild(ALICE, base, fp, build.id, { status: 'BUILD_RUNNING' });
    clock.advance(2 * MINUTE);
    await h.service.updateBuild(ALICE, base, fp, build.id, { status: 'BUILD_RUNNING' });
    expect((await h.service.getVersion(base, fp)).status).toBe('VERSION_RUNNING');
    const image = `ami-new-${base}`;
    await h.service.updateBuild(ALICE, base, fp, build.id, {
      status: 'BUILD_DONE',
      platform: 'aws',
      artifacts: [{ external_identifier: image, region: 'us-east-1' }],
      metadata: { packer: { version: '1.16.0' } },
    });
    const golden = await h.service.getVersion(base, fp);
    expect(golden).toMatchObject({ name: 'v2', status: 'VERSION_ACTIVE' });
    expect(await channelVersion(base, 'latest')).toBe('v2');
    await h.service.createChannel(ALICE, base, {
      name: 'production',
      version_fingerprint: old.fingerprint,
    });
    await h.service.updateChannel(ALICE, base, 'production', {
      update_mask: 'versionFingerprint',
      version_fingerprint: golden.fingerprint,
    });

    // An app image built on top of the golden image, linked only by its source image id.
    const app = uniqueName('webapp');
    await h.service.createBucket(ALICE, { name: app });
    const appOld = await publishVersion(h.service, app);
    const appNew = await publishVersion(h.service, app, { sourceExternalId: image });
    await h.service.createChannel(ALICE, app, {
      name: 'release',
      version_fingerprint: appOld.fingerprint,
    });
    await h.service.updateChannel(ALICE, app, 'release', {
      update_mask: 'versionFingerprint',
      version_fingerprint: appNew.fingerprint,
    });
    expect((await h.service.getVersion(base, fp)).has_descendants).toBe(true);

    // Revoke the golden image now.
    clock.advance(MINUTE);
    const revoked = await h.service.updateVersion(BOB, base, fp, {
      revoke_in: '0s',
      revocation_message: 'CVE-2030-0001',
    });
    expect(revoked.operation).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      state: 'DONE',
    });
    expect(revoked.version).toMatchObject({
      status: 'VERSION_REVOKED',
      revoke_at: clock.iso(),
      revocation_message: 'CVE-2030-0001',
      revocation_author: 'bob@example.com',
      revocation_type: 'MANUAL',
    });
    expect(revoked.version.revocation_inherited_from).toBeUndefined();
    const inherited = await get(app, appNew);
    expect(inherited).toMatchObject({
      status: 'VERSION_REVOKED',
      revoke_at: clock.iso(),
      revocation_message: 'CVE-2030-0001',
      revocation_author: 'bob@example.com',
      revocation_type: 'INHERITED',
      revocation_inherited_from: {
        bucket_name: base,
        href: expect.stringMatching(new RegExp(`/buckets/${base}/versions/${fp}$`)),
        version_fingerprint: fp,
        version_id: golden.id,
        version_name: 'v2',
      },
    });
    expect((await get(app, appOld)).status).toBe('VERSION_ACTIVE');

    // Channels (user and latest, in both buckets) rolled back to the last valid version.
    expect(await channelVersion(base, 'production')).toBe('v1');
    expect(await channelVersion(base, 'latest')).toBe('v1');
    expect(await channelVersion(app, 'release')).toBe('v1');
    expect(await channelVersion(app, 'latest')).toBe('v1');
    expect((await h.service.getBucket(base)).latest_version?.id).toBe(old.id);
    expect((await h.service.listChannelHistory(base, 'production')).history[0]).toMatchObject({
      author_id: 'bob@example.com',
      version: { id: old.id, name: 'v1' },
    });

    // A revoked version cannot be assigned or otherwise changed.
    await expectRegistryError(
      h.service.updateChannel(ALICE, base, 'production', {
        update_mask: 'versionFingerprint',
        version_fingerprint: fp,
      }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_REVOKED,
      /is revoked and cannot be assigned/,
    );
    await expectRegistryError(
      h.service.updateVersion(ALICE, base, fp, { revoke_in: '1h' }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_REVOKED,
      /restore/,
    );
    await expectRegistryError(
      h.service.updateVersion(ALICE, base, fp, { complete: true }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_REVOKED,
    );
    await expectRegistryError(
      h.service.updateVersion(ALICE, app, appNew.fingerprint, { restore: true }),
      FAILED_PRECONDITION,
      RegistryErrorReason.REVOCATION_INHERITED,
      new RegExp(`inherits its revocation from version "${fp}" \\(v2\\) of bucket "${base}"`),
    );

    // Restore the root: the inherited revocation goes with it; channels stay where they are.
    const restored = await h.service.updateVersion(ALICE, base, fp, { restore: true });
    expect(restored.version.status).toBe('VERSION_ACTIVE');
    expect(restored.version.revoke_at).toBeUndefined();
    expect(restored.version.revocation_type).toBeUndefined();
    const appRestored = await get(app, appNew);
    expect(appRestored.status).toBe('VERSION_ACTIVE');
    expect(appRestored.revocation_inherited_from).toBeUndefined();
    expect(await channelVersion(base, 'production')).toBe('v1');
    await h.service.updateChannel(ALICE, base, 'production', {
      update_mask: 'versionFingerprint',
      version_fingerprint: fp,
    });
    expect(await channelVersion(base, 'production')).toBe('v2');
  });

  it('schedules a revocation that takes effect at revoke_at without any job', async () => {
    const f = await family();
    await h.service.createChannel(ALICE, f.base, {
      name: 'stable',
      version_fingerprint: f.b1.fingerprint,
    });
    await h.service.updateChannel(ALICE, f.base, 'stable', {
      update_mask: 'versionFingerprint',
      version_fingerprint: f.b2.fingerprint,
    });
    const scheduled = await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, {
      revoke_in: '90m',
    });
    expect(scheduled.version).toMatchObject({
      status: 'VERSION_REVOCATION_SCHEDULED',
      revoke_at: clock.iso(90 * MINUTE),
      revocation_type: 'MANUAL',
      revocation_message: '',
    });
    expect(await get(f.app, f.a2)).toMatchObject({
      status: 'VERSION_REVOCATION_SCHEDULED',
      revocation_type: 'INHERITED',
    });
    // Still valid: channels keep it and it can be assigned.
    expect(await channelVersion(f.base, 'stable')).toBe('v2');
    await h.service.createChannel(ALICE, f.base, {
      name: 'canary',
      version_fingerprint: f.b2.fingerprint,
    });

    clock.advance(89 * MINUTE);
    expect((await get(f.base, f.b2)).status).toBe('VERSION_REVOCATION_SCHEDULED');
    clock.advance(2 * MINUTE);
    expect((await get(f.base, f.b2)).status).toBe('VERSION_REVOKED');
    expect((await get(f.app, f.a2)).status).toBe('VERSION_REVOKED');
    await expectRegistryError(
      h.service.updateChannel(ALICE, f.base, 'stable', {
        update_mask: 'versionFingerprint',
        version_fingerprint: f.b2.fingerprint,
      }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_REVOKED,
    );

    // Moving channels needs a write: the periodic processDueRevocations does it.
    expect(await channelVersion(f.base, 'stable')).toBe('v2');
    expect(await h.service.processDueRevocations()).toBeGreaterThanOrEqual(2);
    expect(await channelVersion(f.base, 'stable')).toBe('v1');
    expect(await channelVersion(f.base, 'latest')).toBe('v1');
    expect(await channelVersion(f.app, 'latest')).toBe('v1');
    // canary's whole history is revoked: left as it is.
    expect(await channelVersion(f.base, 'canary')).toBe('v2');
    expect(await h.service.processDueRevocations()).toBe(0);
  });

  it('reschedules, brings an inherited schedule forward, and refuses to push it later (9)', async () => {
    const f = await family();
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, {
      revoke_at: clock.iso(2 * HOUR),
    });
    const later = await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, {
      revoke_at: clock.iso(3 * HOUR),
    });
    expect(later.version.revoke_at).toBe(clock.iso(3 * HOUR));
    expect((await get(f.app, f.a2)).revoke_at).toBe(clock.iso(3 * HOUR));
    await expectRegistryError(
      h.service.updateVersion(ALICE, f.app, f.a2.fingerprint, { revoke_at: clock.iso(4 * HOUR) }),
      FAILED_PRECONDITION,
      RegistryErrorReason.REVOCATION_INHERITED,
      /can only be earlier/,
    );
    const earlier = await h.service.updateVersion(BOB, f.app, f.a2.fingerprint, {
      revoke_in: '1h',
      revocation_message: 'own reason',
    });
    expect(earlier.version).toMatchObject({
      status: 'VERSION_REVOCATION_SCHEDULED',
      revocation_type: 'MANUAL',
      revoke_at: clock.iso(HOUR),
      revocation_author: 'bob@example.com',
    });
    expect(earlier.version.revocation_inherited_from).toBeUndefined();
    // Restoring the ancestor leaves the child's own revocation alone.
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { restore: true });
    expect((await get(f.app, f.a2)).revocation_type).toBe('MANUAL');
    // A scheduled revocation can be cancelled with restore.
    await h.service.updateVersion(ALICE, f.app, f.a2.fingerprint, { restore: true });
    expect((await get(f.app, f.a2)).status).toBe('VERSION_ACTIVE');
  });

  it.each([
    [{ revoke_at: '2031-01-01T00:00:00Z', revoke_in: '1h' }, /either revoke_at .* or revoke_in/],
    [{ restore: true, revoke_in: '1h' }, /restore cannot be combined/],
    [{ restore: true, revocation_message: 'x' }, /restore cannot be combined/],
    [{ revocation_message: 'why' }, /need revoke_at or revoke_in/],
    [{ skip_descendants_revocation: true }, /need revoke_at or revoke_in/],
    [{}, /needs one of: revoke_at or revoke_in/],
    [{ complete: true, revoke_in: '1h' }, /complete cannot be combined/],
    [{ revoke_in: '5w' }, /revoke_in must be a signed duration/],
    [{ revoke_in: '1h ' }, /revoke_in must be a signed duration/],
    [{ revoke_in: '9999999d' }, /at most 100 years/],
    [{ revoke_at: 'tomorrow' }, /revoke_at must be an RFC 3339 date-time/],
    [{ revoke_at: '2031-02-30T00:00:00Z' }, /RFC 3339/],
    [{ revoke_at: '2031-01-01T25:00:00Z' }, /RFC 3339/],
    [{ revoke_at: '2031-01-01' }, /RFC 3339/],
  ])('refuses UpdateVersion body %p with code 3', async (body, message) => {
    const b = uniqueName('badrev');
    await h.service.createBucket(ALICE, { name: b });
    const v = await publishVersion(h.service, b);
    await expectRegistryError(
      h.service.updateVersion(ALICE, b, v.fingerprint, body as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.VERSION_UPDATE_INVALID,
      message,
    );
    expect((await get(b, v)).status).toBe('VERSION_ACTIVE');
  });

  it('refuses non-boolean flags and non-string dates (3)', async () => {
    const b = uniqueName('types');
    await h.service.createBucket(ALICE, { name: b });
    const v = await publishVersion(h.service, b);
    await expectRegistryError(
      h.service.updateVersion(ALICE, b, v.fingerprint, { restore: 'true' } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /restore must be true or false/,
    );
    await expectRegistryError(
      h.service.updateVersion(ALICE, b, v.fingerprint, { revoke_at: 1893456000 } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /revoke_at must be a string/,
    );
    await expectRegistryError(
      h.service.updateVersion(ALICE, b, v.fingerprint, null as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
    );
  });

  it('accepts offsets, fractions and past dates; negative durations revoke in the past', async () => {
    const b = uniqueName('dates');
    await h.service.createBucket(ALICE, { name: b });
    const v1 = await publishVersion(h.service, b);
    const at = new Date(clock.ms + 2 * HOUR);
    const offset = `${at.toISOString().slice(0, 11)}${String(at.getUTCHours() + 2).padStart(2, '0')}${at.toISOString().slice(13, 19)}.123456+02:00`;
    const r1 = await h.service.updateVersion(ALICE, b, v1.fingerprint, { revoke_at: offset });
    expect(r1.version.revoke_at).toBe(
      new Date(at.getTime() - (at.getTime() % 1000) + 123).toISOString(),
    );
    const v2 = await publishVersion(h.service, b);
    const r2 = await h.service.updateVersion(ALICE, b, v2.fingerprint, { revoke_in: '-1h30m' });
    expect(r2.version).toMatchObject({
      status: 'VERSION_REVOKED',
      revoke_at: clock.iso(-90 * MINUTE),
    });
    const v3 = await publishVersion(h.service, b);
    const r3 = await h.service.updateVersion(ALICE, b, v3.fingerprint, {
      revoke_at: '2020-01-01T00:00:00Z',
    });
    expect(r3.version).toMatchObject({
      status: 'VERSION_REVOKED',
      revoke_at: '2020-01-01T00:00:00.000Z',
    });
  });

  it('enforces the state rules: incomplete 9, not revoked 9', async () => {
    const b = uniqueName('rules');
    await h.service.createBucket(ALICE, { name: b });
    const fp = fingerprint();
    await h.service.createVersion(ALICE, b, { fingerprint: fp });
    await expectRegistryError(
      h.service.updateVersion(ALICE, b, fp, { revoke_in: '0s' }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_INCOMPLETE,
      /only complete versions can be revoked/,
    );
    const v = await publishVersion(h.service, b);
    await expectRegistryError(
      h.service.updateVersion(ALICE, b, v.fingerprint, { restore: true }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_NOT_REVOKED,
      /nothing to restore/,
    );
    await expectRegistryError(
      h.service.updateVersion(ALICE, b, 'missing', { restore: true }),
      GrpcCode.NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
  });

  it('skip_descendants_revocation keeps children (and later children) valid', async () => {
    const f = await family();
    const r = await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, {
      revoke_in: '0s',
      skip_descendants_revocation: true,
    });
    expect(r.version.status).toBe('VERSION_REVOKED');
    expect((await get(f.app, f.a2)).status).toBe('VERSION_ACTIVE');
    const a3 = await publishVersion(h.service, f.app, { sourceExternalId: f.image });
    expect(a3.status).toBe('VERSION_ACTIVE');
  });

  it('disable_rollback_channels leaves channels on the revoked version', async () => {
    const f = await family();
    await h.service.createChannel(ALICE, f.base, {
      name: 'pinned',
      version_fingerprint: f.b1.fingerprint,
    });
    await h.service.updateChannel(ALICE, f.base, 'pinned', {
      update_mask: 'versionFingerprint',
      version_fingerprint: f.b2.fingerprint,
    });
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, {
      revoke_in: '0s',
      disable_rollback_channels: true,
    });
    expect(await channelVersion(f.base, 'pinned')).toBe('v2');
    expect(await channelVersion(f.base, 'latest')).toBe('v2');
    expect(await channelVersion(f.app, 'latest')).toBe('v2');
  });

  it('leaves a channel whose whole history is revoked as it is', async () => {
    const b = uniqueName('only');
    await h.service.createBucket(ALICE, { name: b });
    const v1 = await publishVersion(h.service, b);
    await h.service.createChannel(ALICE, b, { name: 'solo', version_fingerprint: v1.fingerprint });
    await h.service.updateVersion(ALICE, b, v1.fingerprint, { revoke_in: '0s' });
    expect(await channelVersion(b, 'solo')).toBe('v1');
    expect(await channelVersion(b, 'latest')).toBe('v1');
  });

  it('cascades transitively through declared and inferred links, and restores them all', async () => {
    const f = await family();
    const leaf = uniqueName('leaf');
    await h.service.createBucket(ALICE, { name: leaf });
    const l1 = await publishVersion(h.service, leaf, { parentVersionId: f.a2.id });
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { revoke_in: '0s' });
    const leafVersion = await get(leaf, l1);
    expect(leafVersion).toMatchObject({
      status: 'VERSION_REVOKED',
      revocation_type: 'INHERITED',
      revocation_inherited_from: { version_id: f.b2.id, bucket_name: f.base },
    });
    expect(await channelVersion(leaf, 'latest')).toBe('v1');
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { restore: true });
    expect((await get(leaf, l1)).status).toBe('VERSION_ACTIVE');
    expect((await get(f.app, f.a2)).status).toBe('VERSION_ACTIVE');
  });

  it('makes a version built on an already revoked parent inherit at completion (and keeps it off latest)', async () => {
    const f = await family();
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, {
      revoke_in: '0s',
      revocation_message: 'bad base',
    });
    const late = await publishVersion(h.service, f.app, { sourceExternalId: f.image });
    expect(late).toMatchObject({
      name: 'v3',
      status: 'VERSION_REVOKED',
      revocation_type: 'INHERITED',
      revocation_message: 'bad base',
      revocation_inherited_from: { version_id: f.b2.id },
    });
    expect(await channelVersion(f.app, 'latest')).toBe('v1');
    // Restoring the base restores the late child too.
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { restore: true });
    expect((await get(f.app, late)).status).toBe('VERSION_ACTIVE');
  });

  it('makes a version built on a scheduled parent inherit the schedule and still go to latest', async () => {
    const f = await family();
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { revoke_in: '7d' });
    const late = await publishVersion(h.service, f.app, { parentVersionId: f.b2.id });
    expect(late).toMatchObject({
      status: 'VERSION_REVOCATION_SCHEDULED',
      revoke_at: clock.iso(7 * 24 * HOUR),
      revocation_type: 'INHERITED',
    });
    expect(await channelVersion(f.app, 'latest')).toBe('v3');
    clock.advance(7 * 24 * HOUR);
    await h.service.processDueRevocations();
    expect(await channelVersion(f.app, 'latest')).toBe('v1');
  });

  it('lets the earliest revocation win, and re-applies a remaining ancestor after a restore', async () => {
    const p1 = uniqueName('p-one');
    const p2 = uniqueName('p-two');
    const child = uniqueName('kid');
    for (const name of [p1, p2, child]) await h.service.createBucket(ALICE, { name });
    const a = await publishVersion(h.service, p1);
    const b = await publishVersion(h.service, p2);
    const fp = fingerprint();
    await h.service.createVersion(ALICE, child, { fingerprint: fp });
    const builds = [
      await h.service.createBuild(ALICE, child, fp, {
        component_type: 'x.from-a',
        parent_version_id: a.id,
      }),
      await h.service.createBuild(ALICE, child, fp, {
        component_type: 'y.from-b',
        parent_version_id: b.id,
      }),
    ];
    for (const build of builds) {
      await h.service.updateBuild(ALICE, child, fp, build.id, {
        status: 'BUILD_DONE',
        artifacts: [{ external_identifier: `img-${build.id}`, region: 'r' }],
      });
    }
    expect(
      (await h.service.listBucketAncestry(child, { type: 'ANCESTRY_TYPE_PARENTS' })).total_count,
    ).toBe(2);
    await h.service.updateVersion(ALICE, p1, a.fingerprint, { revoke_in: '2h' });
    await h.service.updateVersion(ALICE, p2, b.fingerprint, { revoke_in: '1h' });
    expect((await h.service.getVersion(child, fp)).revocation_inherited_from?.version_id).toBe(
      b.id,
    );
    expect((await h.service.getVersion(child, fp)).revoke_at).toBe(clock.iso(HOUR));
    await h.service.updateVersion(ALICE, p1, a.fingerprint, { revoke_in: '3h' }); // later: child keeps b's
    expect((await h.service.getVersion(child, fp)).revocation_inherited_from?.version_id).toBe(
      b.id,
    );
    await h.service.updateVersion(ALICE, p2, b.fingerprint, { restore: true });
    const after = await h.service.getVersion(child, fp);
    expect(after).toMatchObject({
      status: 'VERSION_REVOCATION_SCHEDULED',
      revoke_at: clock.iso(3 * HOUR),
      revocation_inherited_from: { version_id: a.id },
    });
  });

  it("keeps a descendant's own later schedule beneath an ancestor's revocation and gives it back on restore", async () => {
    const f = await family();
    const own = await h.service.updateVersion(BOB, f.app, f.a2.fingerprint, {
      revoke_in: '2h',
      revocation_message: 'own plan',
    });
    expect(own.version).toMatchObject({
      revocation_type: 'MANUAL',
      revoke_at: clock.iso(2 * HOUR),
    });
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, {
      revoke_in: '0s',
      revocation_message: 'base broken',
    });
    expect(await get(f.app, f.a2)).toMatchObject({
      status: 'VERSION_REVOKED',
      revocation_type: 'INHERITED',
      revocation_message: 'base broken',
    });
    await expectRegistryError(
      h.service.updateVersion(ALICE, f.app, f.a2.fingerprint, { revoke_in: '1h' }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_REVOKED,
      new RegExp(
        `inherited from version "${f.b2.fingerprint}" of bucket "${f.base}"; restore that version first`,
      ),
    );
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { restore: true });
    expect(await get(f.app, f.a2)).toMatchObject({
      status: 'VERSION_REVOCATION_SCHEDULED',
      revocation_type: 'MANUAL',
      revoke_at: clock.iso(2 * HOUR),
      revocation_message: 'own plan',
      revocation_author: 'bob@example.com',
    });
  });

  it('gives a descendant its own earlier schedule back when the ancestor is rescheduled later', async () => {
    const f = await family();
    const leaf = uniqueName('leaf');
    await h.service.createBucket(ALICE, { name: leaf });
    const l1 = await publishVersion(h.service, leaf, { parentVersionId: f.a2.id });
    await h.service.updateVersion(ALICE, f.app, f.a2.fingerprint, { revoke_in: '2h' });
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { revoke_in: '1h' });
    expect((await get(f.app, f.a2)).revocation_type).toBe('INHERITED');
    expect((await get(leaf, l1)).revocation_inherited_from?.version_id).toBe(f.b2.id);
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { revoke_in: '5h' });
    expect(await get(f.app, f.a2)).toMatchObject({
      revocation_type: 'MANUAL',
      revoke_at: clock.iso(2 * HOUR),
    });
    // …and passes it on again.
    expect(await get(leaf, l1)).toMatchObject({
      revoke_at: clock.iso(2 * HOUR),
      revocation_inherited_from: { version_id: f.a2.id },
    });
  });

  it('lets an inherited child be restored directly once its source version is deleted', async () => {
    const f = await family();
    await h.service.updateVersion(ALICE, f.base, f.b2.fingerprint, { revoke_in: '0s' });
    await h.service.deleteVersion(ALICE, f.base, f.b2.fingerprint);
    const child = await get(f.app, f.a2);
    expect(child.status).toBe('VERSION_REVOKED');
    expect(child.revocation_inherited_from?.version_fingerprint).toBe(f.b2.fingerprint);
    await h.service.updateVersion(ALICE, f.app, f.a2.fingerprint, { restore: true });
    expect((await get(f.app, f.a2)).status).toBe('VERSION_ACTIVE');
  });

  it('revokes the root of a long chain in one pass and restores it in one pass', async () => {
    const b = uniqueName('longchain');
    await h.service.createBucket(ALICE, { name: b });
    const versions: Version[] = [await publishVersion(h.service, b, { externalId: `img-${b}-0` })];
    for (let i = 1; i < 40; i++) {
      versions.push(
        await publishVersion(h.service, b, {
          externalId: `img-${b}-${i}`,
          parentVersionId: versions[i - 1].id,
        }),
      );
    }
    await h.service.updateVersion(ALICE, b, versions[0].fingerprint, { revoke_in: '0s' });
    const listed = await h.service.listVersions(b, { pageSize: 100 });
    expect(listed.versions.every((v) => v.status === 'VERSION_REVOKED')).toBe(true);
    expect(listed.versions.filter((v) => v.revocation_type === 'INHERITED')).toHaveLength(39);
    expect(await channelVersion(b, 'latest')).toBe('v40');
    await h.service.updateVersion(ALICE, b, versions[0].fingerprint, { restore: true });
    expect(
      (await h.service.listVersions(b, { pageSize: 100 })).versions.every(
        (v) => v.status === 'VERSION_ACTIVE',
      ),
    ).toBe(true);
  });
});
