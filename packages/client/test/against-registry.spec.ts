import { isNotFound, isVersionComplete } from '@imprint/client';
import { useTestRegistry } from '@imprint/registry/testing';

/**
 * The client against the real Imprint registry (SQLite in a temp dir,
 * listening on 127.0.0.1:0, embedded mode): the lifecycle Packer runs.
 */
describe('against the Imprint registry', () => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    {
      database: { prefix: 'imprint-client' },
      server: { logger: false },
      client: {
        // Embedded mode hands a token to any credentials; this still exercises the token path.
        clientId: 'ci',
        clientSecret: 'anything',
        retries: { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 },
        timeoutMs: 10_000,
      },
    },
  );

  it('says who the caller is (the anonymous admin in embedded mode)', async () => {
    const identity = await registry.client.getCallerIdentity();
    expect(identity.principal).toEqual({
      id: 'anonymous',
      type: 'PRINCIPAL_TYPE_SERVICE',
      service: { id: 'anonymous', name: 'anonymous', role: 'admin' },
    });
  });

  it('runs a build lifecycle: bucket, version, build, completion, latest channel', async () => {
    const location = await registry.client.resolveLocation();
    expect(location.organizationId).not.toBe('');
    expect(location.projectId).not.toBe('');

    const missing = await registry.client.getBucket('ubuntu-base').catch((error: unknown) => error);
    expect(isNotFound(missing)).toBe(true);
    const created = await registry.client.upsertBucket('ubuntu-base', {
      description: 'Ubuntu base',
      labels: { os: 'ubuntu' },
    });
    expect(created.name).toBe('ubuntu-base');
    const updated = await registry.client.upsertBucket('ubuntu-base', {
      description: 'Ubuntu 24.04 base',
      labels: { os: 'ubuntu' },
    });
    expect(updated.description).toBe('Ubuntu 24.04 base');

    const fingerprint = '01JCLIENTTEST0000000000001';
    const version = await registry.client.ensureVersion('ubuntu-base', fingerprint, 'HCL2');
    expect(version.fingerprint).toBe(fingerprint);
    expect(version.name).toBe('v0');
    expect(isVersionComplete(version)).toBe(false);
    // A second ensureVersion finds the same version.
    expect((await registry.client.ensureVersion('ubuntu-base', fingerprint, 'HCL2')).id).toBe(
      version.id,
    );

    const build = await registry.client.createBuild('ubuntu-base', fingerprint, {
      component_type: 'amazon-ebs.ubuntu',
      status: 'BUILD_UNSET',
      packer_run_uuid: '2b8e7e43-3c37-4c55-9c1a-1f0c7c0c0c01',
    });
    expect(build.component_type).toBe('amazon-ebs.ubuntu');

    const running = await registry.client.updateBuild('ubuntu-base', fingerprint, build.id, {
      status: 'BUILD_RUNNING',
    });
    expect(running.status).toBe('BUILD_RUNNING');
    // Heartbeat: RUNNING → RUNNING.
    await registry.client.updateBuild('ubuntu-base', fingerprint, build.id, {
      status: 'BUILD_RUNNING',
    });

    const done = await registry.client.updateBuild('ubuntu-base', fingerprint, build.id, {
      status: 'BUILD_DONE',
      platform: 'aws',
      artifacts: [{ external_identifier: 'ami-0123456789abcdef0', region: 'eu-west-1' }],
      labels: { git_sha: 'abc123' },
    });
    expect(done.status).toBe('BUILD_DONE');
    expect(done.artifacts.map((a) => a.external_identifier)).toEqual(['ami-0123456789abcdef0']);

    const complete = await registry.client.getVersion('ubuntu-base', fingerprint);
    expect(complete.name).toBe('v1');
    expect(complete.status).toBe('VERSION_ACTIVE');
    expect(isVersionComplete(complete)).toBe(true);

    const latest = await registry.client.getChannel('ubuntu-base', 'latest');
    expect(latest.managed).toBe(true);
    expect(latest.version?.fingerprint).toBe(fingerprint);
    expect(latest.version?.name).toBe('v1');

    const builds = [];
    for await (const b of registry.client.paginate('listBuilds', 'ubuntu-base', fingerprint))
      builds.push(b);
    expect(builds.map((b) => b.id)).toEqual([build.id]);
  });

  it('reports a missing version with code 10, as Packer expects', async () => {
    await registry.client.upsertBucket('empty-bucket');
    await expect(registry.client.getVersion('empty-bucket', 'nope')).rejects.toMatchObject({
      grpcCode: 10,
      httpStatus: 409,
    });
  });

  // Uses the bucket and complete version of the lifecycle test above (same registry).
  it('promotes through channels and finds the artifact by its external id', async () => {
    const fingerprint = '01JCLIENTTEST0000000000001';
    await registry.client.createChannel('ubuntu-base', {
      name: 'staging',
      version_fingerprint: fingerprint,
    });
    await registry.client.createChannel('ubuntu-base', { name: 'production' });
    const promoted = await registry.client.assignChannel('ubuntu-base', {
      source_channel: 'staging',
      target_channel: 'production',
    });
    expect(promoted.fingerprint ?? promoted.version?.fingerprint).toBe(fingerprint);
    const production = await registry.client.getChannel('ubuntu-base', 'production');
    expect(production.version?.fingerprint).toBe(fingerprint);

    const history = await registry.client.listChannelHistory('ubuntu-base', 'production');
    expect(history.history.map((entry) => entry.version?.fingerprint)).toContain(fingerprint);

    const found = await registry.client.searchExternalArtifact({
      external_identifier: 'ami-0123456789abcdef0',
    });
    expect(found.artifacts.map((match) => match.bucket.name)).toEqual(['ubuntu-base']);
  });
});
