import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient, isNotFound, isVersionComplete } from '@imprint/client';
import { openRegistryStorage, startRegistryServer } from '@imprint/registry';
import type { RunningRegistryServer } from '@imprint/registry';

/**
 * The client against the real Imprint registry (SQLite in a temp dir,
 * listening on 127.0.0.1:0, embedded mode): the lifecycle Packer runs.
 */
describe('against the Imprint registry', () => {
  let dataDir: string;
  let server: RunningRegistryServer;
  let client: RegistryClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'imprint-client-'));
    const storage = await openRegistryStorage({ dataDir });
    server = await startRegistryServer({
      storage,
      host: '127.0.0.1',
      port: 0,
      logger: false,
      sweepIntervalMs: 0,
      closeStorage: true,
    });
    client = new RegistryClient({
      baseUrl: server.url,
      // Embedded mode hands a token to any credentials; this still exercises the token path.
      clientId: 'ci',
      clientSecret: 'anything',
      retries: { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 },
      timeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    await server?.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('says who the caller is (the anonymous admin in embedded mode)', async () => {
    const identity = await client.getCallerIdentity();
    expect(identity.principal).toEqual({
      id: 'anonymous',
      type: 'PRINCIPAL_TYPE_SERVICE',
      service: { id: 'anonymous', name: 'anonymous', role: 'admin' },
    });
  });

  it('runs a build lifecycle: bucket, version, build, completion, latest channel', async () => {
    const location = await client.resolveLocation();
    expect(location.organizationId).not.toBe('');
    expect(location.projectId).not.toBe('');

    const missing = await client.getBucket('ubuntu-base').catch((error: unknown) => error);
    expect(isNotFound(missing)).toBe(true);
    const created = await client.upsertBucket('ubuntu-base', {
      description: 'Ubuntu base',
      labels: { os: 'ubuntu' },
    });
    expect(created.name).toBe('ubuntu-base');
    const updated = await client.upsertBucket('ubuntu-base', {
      description: 'Ubuntu 24.04 base',
      labels: { os: 'ubuntu' },
    });
    expect(updated.description).toBe('Ubuntu 24.04 base');

    const fingerprint = '01JCLIENTTEST0000000000001';
    const version = await client.ensureVersion('ubuntu-base', fingerprint, 'HCL2');
    expect(version.fingerprint).toBe(fingerprint);
    expect(version.name).toBe('v0');
    expect(isVersionComplete(version)).toBe(false);
    // A second ensureVersion finds the same version.
    expect((await client.ensureVersion('ubuntu-base', fingerprint, 'HCL2')).id).toBe(version.id);

    const build = await client.createBuild('ubuntu-base', fingerprint, {
      component_type: 'amazon-ebs.ubuntu',
      status: 'BUILD_UNSET',
      packer_run_uuid: '2b8e7e43-3c37-4c55-9c1a-1f0c7c0c0c01',
    });
    expect(build.component_type).toBe('amazon-ebs.ubuntu');

    const running = await client.updateBuild('ubuntu-base', fingerprint, build.id, {
      status: 'BUILD_RUNNING',
    });
    expect(running.status).toBe('BUILD_RUNNING');
    // Heartbeat: RUNNING → RUNNING.
    await client.updateBuild('ubuntu-base', fingerprint, build.id, { status: 'BUILD_RUNNING' });

    const done = await client.updateBuild('ubuntu-base', fingerprint, build.id, {
      status: 'BUILD_DONE',
      platform: 'aws',
      artifacts: [{ external_identifier: 'ami-0123456789abcdef0', region: 'eu-west-1' }],
      labels: { git_sha: 'abc123' },
    });
    expect(done.status).toBe('BUILD_DONE');
    expect(done.artifacts.map((a) => a.external_identifier)).toEqual(['ami-0123456789abcdef0']);

    const complete = await client.getVersion('ubuntu-base', fingerprint);
    expect(complete.name).toBe('v1');
    expect(complete.status).toBe('VERSION_ACTIVE');
    expect(isVersionComplete(complete)).toBe(true);

    const latest = await client.getChannel('ubuntu-base', 'latest');
    expect(latest.managed).toBe(true);
    expect(latest.version?.fingerprint).toBe(fingerprint);
    expect(latest.version?.name).toBe('v1');

    const builds = [];
    for await (const b of client.paginate('listBuilds', 'ubuntu-base', fingerprint)) builds.push(b);
    expect(builds.map((b) => b.id)).toEqual([build.id]);
  });

  it('reports a missing version with code 10, as Packer expects', async () => {
    await client.upsertBucket('empty-bucket');
    await expect(client.getVersion('empty-bucket', 'nope')).rejects.toMatchObject({
      grpcCode: 10,
      httpStatus: 409,
    });
  });

  // Uses the bucket and complete version of the lifecycle test above (same registry).
  it('promotes through channels and finds the artifact by its external id', async () => {
    const fingerprint = '01JCLIENTTEST0000000000001';
    await client.createChannel('ubuntu-base', {
      name: 'staging',
      version_fingerprint: fingerprint,
    });
    await client.createChannel('ubuntu-base', { name: 'production' });
    const promoted = await client.assignChannel('ubuntu-base', {
      source_channel: 'staging',
      target_channel: 'production',
    });
    expect(promoted.fingerprint ?? promoted.version?.fingerprint).toBe(fingerprint);
    const production = await client.getChannel('ubuntu-base', 'production');
    expect(production.version?.fingerprint).toBe(fingerprint);

    const history = await client.listChannelHistory('ubuntu-base', 'production');
    expect(history.history.map((entry) => entry.version?.fingerprint)).toContain(fingerprint);

    const found = await client.searchExternalArtifact({
      external_identifier: 'ami-0123456789abcdef0',
    });
    expect(found.artifacts.map((match) => match.bucket.name)).toEqual(['ubuntu-base']);
  });
});
