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

const { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED } = GrpcCode;

describe.each(testEngines())('versions (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });
  let bucket: string;

  beforeAll(async () => {
    bucket = uniqueName('versions');
    await h.service.createBucket(ALICE, { name: bucket });
  });

  it('creates an empty v0 version', async () => {
    const fp = fingerprint();
    const version = await h.service.createVersion(BOB, bucket, {
      fingerprint: fp,
      template_type: 'HCL2',
    });
    expect(version).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      bucket_name: bucket,
      fingerprint: fp,
      name: 'v0',
      status: 'VERSION_UNSET',
      template_type: 'HCL2',
      author_id: 'bob@example.com',
      builds: [],
      created_at: clock.iso(),
      updated_at: clock.iso(),
      has_descendants: false,
      parents: {
        href: expect.stringContaining(
          `/buckets/${bucket}/ancestry?type=ANCESTRY_TYPE_PARENTS&version_fingerprint=${fp}`,
        ),
        status: 'UNDETERMINED',
        has_relations: false,
      },
    });
    expect(await h.service.getVersion(bucket, fp)).toEqual(version);
    expect(
      (await h.service.createVersion(ALICE, bucket, { fingerprint: fingerprint() })).template_type,
    ).toBe('TEMPLATE_TYPE_UNSET');
  });

  it.each([
    'a',
    'Z9',
    '01HXYZABCDEFGHJKMNPQRSTVWX',
    'v1.2_3-rc',
    'a'.repeat(40),
    '0123456789abcdef0123456789abcdef01234567',
  ])('accepts fingerprint %p', async (fp) => {
    const b = uniqueName('fpok');
    await h.service.createBucket(ALICE, { name: b });
    expect((await h.service.createVersion(ALICE, b, { fingerprint: fp })).fingerprint).toBe(fp);
  });

  it.each(['', 'a'.repeat(41), '-abc', 'abc-', '.abc', 'abc_', 'a b', 'a/b', 'ab"c', 42, null])(
    'refuses fingerprint %p with code 3',
    async (fp) => {
      await expectRegistryError(
        h.service.createVersion(ALICE, bucket, { fingerprint: fp } as never),
        INVALID_ARGUMENT,
        RegistryErrorReason.FINGERPRINT_INVALID,
        /fingerprint must be a fingerprint of 1 to 40 characters that starts and ends with a letter or digit/,
      );
    },
  );

  it('answers duplicates with 6, unknown buckets with 5 and unknown fingerprints with 10 (ABORTED)', async () => {
    const fp = fingerprint();
    await h.service.createVersion(ALICE, bucket, { fingerprint: fp });
    await expectRegistryError(
      h.service.createVersion(ALICE, bucket, { fingerprint: fp }),
      ALREADY_EXISTS,
      RegistryErrorReason.VERSION_EXISTS,
      /already exists in bucket/,
    );
    await expectRegistryError(
      h.service.createVersion(ALICE, 'no-such-bucket', { fingerprint: fp }),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.getVersion(bucket, 'unknown-fp'),
      ABORTED,
      RegistryErrorReason.VERSION_NOT_FOUND,
      /"unknown-fp" does not exist/,
    );
    await expectRegistryError(
      h.service.getVersion(bucket, '!!bad!!'),
      ABORTED,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.getVersion('no-such-bucket', fp),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
    // Elsewhere an unknown version is a plain 5.
    await expectRegistryError(
      h.service.listBuilds(bucket, 'unknown-fp'),
      NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
  });

  it('derives the version status from its builds until complete', async () => {
    const fp = fingerprint();
    await h.service.createVersion(ALICE, bucket, { fingerprint: fp });
    const status = async () => (await h.service.getVersion(bucket, fp)).status;
    expect(await status()).toBe('VERSION_UNSET');
    const a = await h.service.createBuild(ALICE, bucket, fp, { component_type: 'a.one' });
    const b = await h.service.createBuild(ALICE, bucket, fp, { component_type: 'b.two' });
    expect(await status()).toBe('VERSION_UNSET');
    await h.service.updateBuild(ALICE, bucket, fp, a.id, { status: 'BUILD_RUNNING' });
    expect(await status()).toBe('VERSION_RUNNING');
    await h.service.updateBuild(ALICE, bucket, fp, a.id, {
      status: 'BUILD_DONE',
      artifacts: [{ external_identifier: `ami-${fp}`, region: 'eu' }],
    });
    expect(await status()).toBe('VERSION_INCOMPLETE');
    await h.service.updateBuild(ALICE, bucket, fp, b.id, { status: 'BUILD_FAILED' });
    expect(await status()).toBe('VERSION_FAILED');
    await h.service.updateBuild(ALICE, bucket, fp, b.id, { status: 'BUILD_CANCELLED' });
    expect(await status()).toBe('VERSION_CANCELLED');
    await h.service.updateBuild(ALICE, bucket, fp, b.id, { status: 'BUILD_RUNNING' });
    expect(await status()).toBe('VERSION_RUNNING');
    expect((await h.service.getVersion(bucket, fp)).name).toBe('v0');
    await h.service.updateBuild(ALICE, bucket, fp, b.id, {
      status: 'BUILD_DONE',
      artifacts: [{ external_identifier: `ami-${fp}-b`, region: 'eu' }],
    });
    const done = await h.service.getVersion(bucket, fp);
    expect(done.status).toBe('VERSION_ACTIVE');
    expect(done.name).toMatch(/^v[1-9]\d*$/);
  });

  it('names versions v1, v2… per bucket in completion order and moves latest each time', async () => {
    const b = uniqueName('seq');
    await h.service.createBucket(ALICE, { name: b });
    const early = fingerprint();
    await h.service.createVersion(ALICE, b, { fingerprint: early });
    const build = await h.service.createBuild(ALICE, b, early, {
      component_type: 'x.y',
      status: 'BUILD_RUNNING',
    });
    const v1 = await publishVersion(h.service, b);
    expect(v1.name).toBe('v1');
    clock.advance(1000);
    await h.service.updateBuild(ALICE, b, early, build.id, {
      status: 'BUILD_DONE',
      artifacts: [{ external_identifier: `ami-${early}`, region: 'r' }],
    });
    const v2 = await h.service.getVersion(b, early);
    expect(v2.name).toBe('v2');
    const latest = await h.service.getChannel(b, 'latest');
    expect(latest.version?.id).toBe(v2.id);
    const history = await h.service.listChannelHistory(b, 'latest');
    expect(history.history.map((e) => [e.author_id, e.version?.name])).toEqual([
      ['Imprint', 'v2'],
      ['Imprint', 'v1'],
    ]);
    const other = uniqueName('seq-other');
    await h.service.createBucket(ALICE, { name: other });
    expect((await publishVersion(h.service, other)).name).toBe('v1');
  });

  it('completes via UpdateVersion complete only when every build is done', async () => {
    const fp = fingerprint();
    await h.service.createVersion(ALICE, bucket, { fingerprint: fp });
    await expectRegistryError(
      h.service.updateVersion(ALICE, bucket, fp, { complete: true }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_INCOMPLETE,
      /needs at least one build and every build must be BUILD_DONE/,
    );
    const v = await publishVersion(h.service, bucket);
    const again = await h.service.updateVersion(ALICE, bucket, v.fingerprint, { complete: true });
    expect(again.version.name).toBe(v.name);
    expect(again.operation).toEqual({ id: expect.any(String), state: 'DONE' });
  });

  it('lists versions newest first by default, in pages; orderBy name sorts by vN', async () => {
    const b = uniqueName('vlist');
    await h.service.createBucket(ALICE, { name: b });
    const fps: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      fps.push((await publishVersion(h.service, b)).fingerprint);
    }
    const first = await h.service.listVersions(b, { pageSize: 2 });
    const second = await h.service.listVersions(b, {
      pageSize: 2,
      nextPageToken: first.pagination.next_page_token,
    });
    const third = await h.service.listVersions(b, {
      pageSize: 2,
      nextPageToken: second.pagination.next_page_token,
    });
    expect(
      [...first.versions, ...second.versions, ...third.versions].map((v) => v.fingerprint),
    ).toEqual([...fps].reverse());
    expect(third.pagination.next_page_token).toBeUndefined();
    const byName = await h.service.listVersions(b, { orderBy: ['name asc'] });
    expect(byName.versions.map((v) => v.name)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    await expectRegistryError(
      h.service.listVersions('no-such-bucket'),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
  });

  it('deletes incomplete versions; refuses (9) while a user channel holds one unless rolling channels back', async () => {
    const b = uniqueName('vdel');
    await h.service.createBucket(ALICE, { name: b });
    const v0 = fingerprint();
    await h.service.createVersion(ALICE, b, { fingerprint: v0 });
    await h.service.deleteVersion(ALICE, b, v0);
    await expectRegistryError(
      h.service.getVersion(b, v0),
      ABORTED,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.deleteVersion(ALICE, b, v0),
      NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );

    const v1 = await publishVersion(h.service, b);
    const v2 = await publishVersion(h.service, b);
    await h.service.createChannel(ALICE, b, { name: 'prod', version_fingerprint: v1.fingerprint });
    await h.service.updateChannel(ALICE, b, 'prod', {
      update_mask: 'versionFingerprint',
      version_fingerprint: v2.fingerprint,
    });
    await expectRegistryError(
      h.service.deleteVersion(ALICE, b, v2.fingerprint),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_ASSIGNED,
      /assigned to channel\(s\) "prod".*rollback_channels=true/,
    );
    expect((await h.service.getChannel(b, 'prod')).version?.id).toBe(v2.id);
    await expectRegistryError(
      h.service.deleteVersion(ALICE, b, v2.fingerprint, { rollbackChannels: 'yes' } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
    );
    await h.service.deleteVersion(ALICE, b, v2.fingerprint, { rollbackChannels: true });
    expect((await h.service.getChannel(b, 'prod')).version?.id).toBe(v1.id);
    // latest is not a user channel: it follows along without being asked.
    expect((await h.service.getChannel(b, 'latest')).version?.id).toBe(v1.id);
    expect((await h.service.getBucket(b)).version_count).toBe('1');
    await h.service.deleteVersion(ALICE, b, v1.fingerprint, { rollbackChannels: true });
    expect((await h.service.getChannel(b, 'prod')).version).toBeNull();
    const bucketAfter = await h.service.getBucket(b);
    expect(bucketAfter.latest_version).toBeNull();
    expect(bucketAfter.platforms).toEqual([]);
  });

  it('finds which bucket/version/build produced an artifact', async () => {
    const b = uniqueName('search');
    await h.service.createBucket(ALICE, { name: b, labels: { team: 'core' } });
    const v = await publishVersion(h.service, b, {
      externalId: `ami-search-${b}`,
      region: 'eu-west-1',
      platform: 'aws',
    });
    const found = await h.service.searchExternalArtifact({
      external_identifier: `ami-search-${b}`,
    });
    expect(found.artifacts).toHaveLength(1);
    expect(found.artifacts[0]).toEqual({
      bucket: { id: expect.any(String), name: b, labels: { team: 'core' } },
      build: v.builds[0],
      version: {
        id: v.id,
        name: 'v1',
        fingerprint: v.fingerprint,
        author_id: 'alice',
        status: 'VERSION_ACTIVE',
      },
    });
    expect(
      (
        await h.service.searchExternalArtifact({
          external_identifier: `ami-search-${b}`,
          region: 'eu-west-1',
          platform: 'aws',
        })
      ).artifacts,
    ).toHaveLength(1);
    expect(
      (
        await h.service.searchExternalArtifact({
          external_identifier: `ami-search-${b}`,
          region: 'us-east-1',
        })
      ).artifacts,
    ).toEqual([]);
    expect(
      (
        await h.service.searchExternalArtifact({
          external_identifier: `ami-search-${b}`,
          platform: 'gce',
        })
      ).artifacts,
    ).toEqual([]);
    await expectRegistryError(
      h.service.searchExternalArtifact({} as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /external_identifier is required/,
    );
  });
});

describe.each(testEngines())('builds (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now, heartbeatTimeoutMs: 5 * 60_000 });
  let bucket: string;
  let fp: string;

  beforeEach(async () => {
    bucket = uniqueName('builds');
    fp = fingerprint();
    await h.service.createBucket(ALICE, { name: bucket });
    await h.service.createVersion(ALICE, bucket, { fingerprint: fp, template_type: 'HCL2' });
  });

  const artifact = (id = `ami-${fingerprint()}`) => ({
    external_identifier: id,
    region: 'us-east-1',
  });

  it('creates a build with every wire field', async () => {
    const build = await h.service.createBuild(BOB, bucket, fp, {
      component_type: 'amazon-ebs.ubuntu',
      platform: 'aws',
      packer_run_uuid: 'run-1',
      labels: { os: 'ubuntu' },
      source_external_identifier: 'ami-source',
    });
    expect(build).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      version_id: (await h.service.getVersion(bucket, fp)).id,
      component_type: 'amazon-ebs.ubuntu',
      platform: 'aws',
      status: 'BUILD_UNSET',
      packer_run_uuid: 'run-1',
      labels: { os: 'ubuntu' },
      source_external_identifier: 'ami-source',
      artifacts: [],
      metadata: {},
      created_at: clock.iso(),
      updated_at: clock.iso(),
    });
    expect(await h.service.getBuild(bucket, fp, build.id)).toEqual(build);
    expect((await h.service.listBuilds(bucket, fp)).builds).toEqual([build]);
    expect((await h.service.getVersion(bucket, fp)).builds).toEqual([build]);
  });

  it('allows one build per component_type (6)', async () => {
    await h.service.createBuild(ALICE, bucket, fp, { component_type: 'docker.app' });
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, { component_type: 'docker.app' }),
      ALREADY_EXISTS,
      RegistryErrorReason.BUILD_EXISTS,
      /already has a build for component_type "docker.app"/,
    );
  });

  it('validates build bodies (3)', async () => {
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, {} as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /component_type is required/,
    );
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, { component_type: 'x', status: 'DONE' } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /status must be one of BUILD_UNSET/,
    );
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, {
        component_type: 'x',
        artifacts: [{ region: 'r' }],
      } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /artifacts\[0\].external_identifier is required/,
    );
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, {
        component_type: 'x',
        artifacts: 'ami-1',
      } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /artifacts must be an array/,
    );
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, { component_type: 'x', labels: { n: 1 } } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.LABELS_INVALID,
    );
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, { component_type: 'x\u0000y' }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /NUL/,
    );
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, { component_type: 'c'.repeat(256) }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /at most 255/,
    );
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fp, {
        component_type: 'x',
        parent_channel_id: '01HCHANNEL',
      }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /parent_channel_id is set without parent_version_id/,
    );
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, 'no-such-fp', { component_type: 'x' }),
      NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
    expect((await h.service.listBuilds(bucket, fp)).builds).toEqual([]);
  });

  it('walks UNSET → RUNNING (heartbeats) → DONE, then refuses changes (9) but tolerates an identical retry', async () => {
    const build = await h.service.createBuild(ALICE, bucket, fp, { component_type: 'qemu.vm' });
    clock.advance(1000);
    const running = await h.service.updateBuild(ALICE, bucket, fp, build.id, {
      status: 'BUILD_RUNNING',
    });
    expect(running).toMatchObject({ status: 'BUILD_RUNNING', updated_at: clock.iso() });
    clock.advance(120_000);
    const beat = await h.service.updateBuild(ALICE, bucket, fp, build.id, {
      status: 'BUILD_RUNNING',
    });
    expect(beat.updated_at).toBe(clock.iso());
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, { status: 'BUILD_DONE' }),
      INVALID_ARGUMENT,
      RegistryErrorReason.BUILD_ARTIFACTS_REQUIRED,
      /cannot be BUILD_DONE without artifacts/,
    );
    const done = {
      status: 'BUILD_DONE' as const,
      platform: 'qemu',
      artifacts: [artifact('img-1'), artifact('img-1')],
    };
    const finished = await h.service.updateBuild(ALICE, bucket, fp, build.id, done);
    expect(finished.status).toBe('BUILD_DONE');
    expect(finished.artifacts.map((a) => a.external_identifier)).toEqual(['img-1']);
    expect(await h.service.updateBuild(ALICE, bucket, fp, build.id, done)).toEqual(finished);
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, { status: 'BUILD_RUNNING' }),
      FAILED_PRECONDITION,
      RegistryErrorReason.BUILD_DONE,
      /is BUILD_DONE and can no longer change/,
    );
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, {
        status: 'BUILD_DONE',
        labels: { late: 'x' },
      }),
      FAILED_PRECONDITION,
      RegistryErrorReason.BUILD_DONE,
    );
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, { artifacts: [artifact()] }),
      FAILED_PRECONDITION,
      RegistryErrorReason.BUILD_DONE,
    );
    expect(await h.service.getBuild(bucket, fp, build.id)).toEqual(finished);
  });

  it('allows retries after FAILED/CANCELLED, but not straight to DONE or back to UNSET (9)', async () => {
    const build = await h.service.createBuild(ALICE, bucket, fp, {
      component_type: 'a.b',
      status: 'BUILD_RUNNING',
    });
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, { status: 'BUILD_UNSET' }),
      FAILED_PRECONDITION,
      RegistryErrorReason.BUILD_STATUS_TRANSITION,
      /cannot go from BUILD_RUNNING to BUILD_UNSET/,
    );
    await h.service.updateBuild(ALICE, bucket, fp, build.id, { status: 'BUILD_FAILED' });
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, {
        status: 'BUILD_DONE',
        artifacts: [artifact()],
      }),
      FAILED_PRECONDITION,
      RegistryErrorReason.BUILD_STATUS_TRANSITION,
      /Set it to BUILD_RUNNING first/,
    );
    await h.service.updateBuild(ALICE, bucket, fp, build.id, { status: 'BUILD_CANCELLED' });
    await h.service.updateBuild(ALICE, bucket, fp, build.id, { status: 'BUILD_RUNNING' });
    const done = await h.service.updateBuild(ALICE, bucket, fp, build.id, {
      status: 'BUILD_DONE',
      artifacts: [artifact()],
    });
    expect(done.status).toBe('BUILD_DONE');
  });

  it('accepts artifacts before DONE, merges labels and metadata, stores metadata as JSON', async () => {
    const build = await h.service.createBuild(ALICE, bucket, fp, {
      component_type: 'a.b',
      labels: { a: '1', b: '2' },
    });
    await h.service.updateBuild(ALICE, bucket, fp, build.id, {
      status: 'BUILD_RUNNING',
      labels: { b: 'two', git_sha: 'abc' },
      artifacts: [artifact('img-early')],
      metadata: { packer: { version: '1.16.0', plugins: [{ name: 'amazon', version: '1.3.0' }] } },
    });
    const updated = await h.service.updateBuild(ALICE, bucket, fp, build.id, {
      status: 'BUILD_DONE',
      metadata: {
        vcs: { type: 'git', details: { commit: 'abc', has_uncommitted_changes: false } },
      },
    });
    expect(updated.labels).toEqual({ a: '1', b: 'two', git_sha: 'abc' });
    expect(updated.artifacts.map((a) => a.external_identifier)).toEqual(['img-early']);
    expect(updated.metadata).toEqual({
      packer: { version: '1.16.0', plugins: [{ name: 'amazon', version: '1.3.0' }] },
      vcs: { type: 'git', details: { commit: 'abc', has_uncommitted_changes: false } },
    });
  });

  it('stores the largest artifact list (1000, several insert statements), skipping repeats', async () => {
    const build = await h.service.createBuild(ALICE, bucket, fp, { component_type: 'a.many' });
    const many = Array.from({ length: 1000 }, (_, i) => ({
      external_identifier: `ami-${String(i).padStart(4, '0')}`,
      region: `region-${i % 7}`,
    }));
    await h.service.updateBuild(ALICE, bucket, fp, build.id, {
      status: 'BUILD_RUNNING',
      artifacts: [many[0], many[0], many[1]],
    });
    const done = await h.service.updateBuild(ALICE, bucket, fp, build.id, {
      status: 'BUILD_DONE',
      artifacts: many,
    });
    expect(done.artifacts).toHaveLength(1000);
    expect(new Set(done.artifacts.map((a) => a.external_identifier)).size).toBe(1000);
    expect(done.artifacts.map((a) => a.external_identifier).sort()).toEqual(
      many.map((a) => a.external_identifier),
    );
  });

  it('refuses unsafe or oversized metadata (3)', async () => {
    const build = await h.service.createBuild(ALICE, bucket, fp, { component_type: 'a.b' });
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, {
        metadata: JSON.parse('{"packer": {"__proto__": {"x": 1}}}'),
      }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /forbidden key "__proto__"/,
    );
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, { metadata: [] as never }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /metadata must be a JSON object/,
    );
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, {
        metadata: { big: 'x'.repeat(1024 * 1024) },
      }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /at most 1048576/,
    );
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, { metadata: { n: Number.NaN } }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /finite number/,
    );
    expect((await h.service.getBuild(bucket, fp, build.id)).metadata).toEqual({});
  });

  it('sets parent ids once: same value again is fine, another is 6', async () => {
    const build = await h.service.createBuild(ALICE, bucket, fp, {
      component_type: 'a.b',
      parent_version_id: '01HPARENTVERSION0000000000',
    });
    await h.service.updateBuild(ALICE, bucket, fp, build.id, {
      parent_version_id: '01HPARENTVERSION0000000000',
      parent_channel_id: '01HPARENTCHANNEL0000000000',
    });
    await h.service.updateBuild(ALICE, bucket, fp, build.id, { parent_version_id: '' });
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, {
        parent_version_id: '01HOTHERVERSION00000000000',
      }),
      ALREADY_EXISTS,
      RegistryErrorReason.BUILD_PARENT_IMMUTABLE,
      /parent_version_id of build .* is already "01HPARENTVERSION0000000000" and can be set only once/,
    );
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, build.id, {
        parent_channel_id: '01HOTHERCHANNEL00000000000',
      }),
      ALREADY_EXISTS,
      RegistryErrorReason.BUILD_PARENT_IMMUTABLE,
    );
  });

  it('refuses new builds, build changes and build deletion in a complete version (9)', async () => {
    const v = await publishVersion(h.service, bucket);
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, v.fingerprint, { component_type: 'late.one' }),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_COMPLETE,
      /is complete \(v\d+\)/,
    );
    await expectRegistryError(
      h.service.deleteBuild(ALICE, bucket, v.fingerprint, v.builds[0].id),
      FAILED_PRECONDITION,
      RegistryErrorReason.VERSION_COMPLETE,
    );
  });

  it('creates a finished build in one request, completing the version', async () => {
    await h.service.createBuild(ALICE, bucket, fp, {
      component_type: 'one.shot',
      status: 'BUILD_DONE',
      artifacts: [artifact()],
      platform: 'docker',
    });
    const version = await h.service.getVersion(bucket, fp);
    expect(version.name).toBe('v1');
    expect((await h.service.getBucket(bucket)).platforms).toEqual(['docker']);
    await expectRegistryError(
      h.service.createBuild(ALICE, bucket, fingerprint(), { component_type: 'x' }),
      NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
  });

  it('deletes builds; removing the last unfinished build completes the version', async () => {
    const b = await h.service.createBuild(ALICE, bucket, fp, {
      component_type: 'b.b',
      status: 'BUILD_FAILED',
    });
    const a = await h.service.createBuild(ALICE, bucket, fp, {
      component_type: 'a.a',
      status: 'BUILD_DONE',
      artifacts: [artifact()],
    });
    expect((await h.service.getVersion(bucket, fp)).name).toBe('v0');
    await h.service.deleteBuild(ALICE, bucket, fp, b.id);
    await expectRegistryError(
      h.service.getBuild(bucket, fp, b.id),
      NOT_FOUND,
      RegistryErrorReason.BUILD_NOT_FOUND,
    );
    const version = await h.service.getVersion(bucket, fp);
    expect(version.name).toBe('v1');
    expect(version.builds.map((x) => x.id)).toEqual([a.id]);
  });

  it('answers unknown builds, and builds of another version, with 5', async () => {
    const other = fingerprint();
    await h.service.createVersion(ALICE, bucket, { fingerprint: other });
    const build = await h.service.createBuild(ALICE, bucket, other, { component_type: 'x.y' });
    await expectRegistryError(
      h.service.getBuild(bucket, fp, build.id),
      NOT_FOUND,
      RegistryErrorReason.BUILD_NOT_FOUND,
      /does not exist in version/,
    );
    await expectRegistryError(
      h.service.updateBuild(ALICE, bucket, fp, 'nope', { status: 'BUILD_RUNNING' }),
      NOT_FOUND,
      RegistryErrorReason.BUILD_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.deleteBuild(ALICE, bucket, fp, 'nope'),
      NOT_FOUND,
      RegistryErrorReason.BUILD_NOT_FOUND,
    );
  });

  it('lists builds in pages, in creation order', async () => {
    const ids: string[] = [];
    for (const c of ['c.3', 'a.1', 'b.2']) {
      clock.advance(10);
      ids.push((await h.service.createBuild(ALICE, bucket, fp, { component_type: c })).id);
    }
    const first = await h.service.listBuilds(bucket, fp, { pageSize: 2 });
    const second = await h.service.listBuilds(bucket, fp, {
      pageSize: 2,
      nextPageToken: first.pagination.next_page_token,
    });
    expect([...first.builds, ...second.builds].map((b) => b.id)).toEqual(ids);
    const byName = await h.service.listBuilds(bucket, fp, { orderBy: ['component_type'] });
    expect(byName.builds.map((b) => b.component_type)).toEqual(['a.1', 'b.2', 'c.3']);
  });

  it('cancels RUNNING builds whose heartbeat is older than the timeout', async () => {
    const stale = await h.service.createBuild(ALICE, bucket, fp, {
      component_type: 'stale.one',
      status: 'BUILD_RUNNING',
    });
    const alive = await h.service.createBuild(ALICE, bucket, fp, {
      component_type: 'alive.one',
      status: 'BUILD_RUNNING',
    });
    const idle = await h.service.createBuild(ALICE, bucket, fp, { component_type: 'idle.one' });
    clock.advance(4 * 60_000);
    expect(await h.service.cancelStaleBuilds()).toBe(0);
    await h.service.updateBuild(ALICE, bucket, fp, alive.id, { status: 'BUILD_RUNNING' }); // heartbeat
    clock.advance(2 * 60_000);
    expect(await h.service.cancelStaleBuilds()).toBe(1);
    expect((await h.service.getBuild(bucket, fp, stale.id)).status).toBe('BUILD_CANCELLED');
    expect((await h.service.getBuild(bucket, fp, alive.id)).status).toBe('BUILD_RUNNING');
    expect((await h.service.getBuild(bucket, fp, idle.id)).status).toBe('BUILD_UNSET');
    // An explicit `now` wins over the clock.
    expect(await h.service.cancelStaleBuilds(new Date(clock.ms + 10 * 60_000))).toBe(1);
    expect((await h.service.getBuild(bucket, fp, alive.id)).status).toBe('BUILD_CANCELLED');
    expect((await h.service.getVersion(bucket, fp)).status).toBe('VERSION_CANCELLED');
    // A cancelled build may be retried.
    expect(
      (await h.service.updateBuild(ALICE, bucket, fp, stale.id, { status: 'BUILD_RUNNING' }))
        .status,
    ).toBe('BUILD_RUNNING');
    await expectRegistryError(
      h.service.cancelStaleBuilds('now' as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /valid Date/,
    );
  });
});
