import { isNotFound, isVersionNotFound, type RegistryClient } from '@imprint/client';
import type { Build, Version } from '@imprint/client';
import { testEngines, useTestRegistry } from '@imprint/registry/testing';

/**
 * The build lifecycle Packer drives (docs/reference/registry-api.md), told as
 * one story over HTTP on 127.0.0.1 through the typed client, on every engine:
 * bucket upsert → version by fingerprint → builds → running with heartbeats →
 * done with artifacts → v1 on `latest` → channel assignment → a child image
 * built from the base → revocation cascading to the child → restore.
 */
describe.each(testEngines())('the build lifecycle (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, server: { sweepIntervalMs: 0 }, client: { retries: { attempts: 1 } } },
  );
  let client: RegistryClient;

  beforeAll(() => {
    client = registry.client;
  });

  /** What the runner does for one template: upsert, version, one build per source, done. */
  async function publish(
    bucket: string,
    fingerprint: string,
    sources: {
      component: string;
      artifacts: { id: string; region: string }[];
      sourceImageId: string;
    }[],
  ): Promise<Version> {
    await client.upsertBucket(bucket, {
      description: `${bucket} images`,
      labels: { team: 'platform' },
    });
    await client.ensureVersion(bucket, fingerprint, 'HCL2');
    const builds: Build[] = [];
    for (const source of sources) {
      builds.push(
        await client.createBuild(bucket, fingerprint, {
          component_type: source.component,
          status: 'BUILD_UNSET',
        }),
      );
    }
    for (const [i, build] of builds.entries()) {
      await client.updateBuild(bucket, fingerprint, build.id, { status: 'BUILD_RUNNING' });
      await client.updateBuild(bucket, fingerprint, build.id, { status: 'BUILD_RUNNING' }); // heartbeat
      await client.updateBuild(bucket, fingerprint, build.id, {
        status: 'BUILD_DONE',
        platform: 'aws',
        source_external_identifier: sources[i].sourceImageId,
        artifacts: sources[i].artifacts.map((a) => ({
          external_identifier: a.id,
          region: a.region,
        })),
        labels: { os: 'ubuntu' },
        metadata: { packer: { version: 'imprint-test' } },
      });
    }
    return client.getVersion(bucket, fingerprint);
  }

  it('publishes, promotes, links a child, revokes with cascade, and restores', async () => {
    // 1. The bucket does not exist yet (code 5); the runner creates it.
    expect(isNotFound(await client.getBucket('ubuntu-base').catch((e: unknown) => e))).toBe(true);

    await client.upsertBucket('ubuntu-base', { description: 'ubuntu-base images' });
    expect((await client.getChannel('ubuntu-base', 'latest')).managed).toBe(true);

    // 2. A fingerprint the registry has not seen answers code 10, so a version is created.
    expect(
      isVersionNotFound(
        await client.getVersion('ubuntu-base', 'fp-base-1').catch((e: unknown) => e),
      ),
    ).toBe(true);

    // 3–5. Builds run with heartbeats and finish with their artifacts.
    const base = await publish('ubuntu-base', 'fp-base-1', [
      {
        component: 'aws-like.ubuntu',
        sourceImageId: 'ami-0000000000000000a',
        artifacts: [
          { id: 'ami-00000000000000b01', region: 'us-east-1' },
          { id: 'ami-00000000000000b02', region: 'eu-west-1' },
        ],
      },
      {
        component: 'docker-like.ubuntu',
        sourceImageId: 'scratch',
        artifacts: [{ id: 'sha256:base', region: 'docker' }],
      },
    ]);

    // 6. Every build is done: the version is v1, active, and on `latest`.
    expect([base.name, base.status]).toEqual(['v1', 'VERSION_ACTIVE']);
    expect((await client.getChannel('ubuntu-base', 'latest')).version?.fingerprint).toBe(
      'fp-base-1',
    );
    const bucket = await client.getBucket('ubuntu-base');
    expect(bucket.version_count).toBe('1');
    expect([...bucket.platforms].sort()).toEqual(['aws']);

    // 7. Promote to a user channel.
    await client.createChannel('ubuntu-base', { name: 'production' });
    const production = await client.updateChannel('ubuntu-base', 'production', {
      version_fingerprint: 'fp-base-1',
      update_mask: 'versionFingerprint',
    });
    expect(production.version?.name).toBe('v1');

    // 8. A child image is built from the base's AMI: the registry links them through the source image id.
    const app = await publish('web-app', 'fp-app-1', [
      {
        component: 'aws-like.web',
        sourceImageId: 'ami-00000000000000b01',
        artifacts: [{ id: 'ami-00000000000000c01', region: 'us-east-1' }],
      },
    ]);
    expect(app.name).toBe('v1');
    const parents = await client.listBucketAncestry('web-app', { type: 'ANCESTRY_TYPE_PARENTS' });
    expect(parents.relations).toHaveLength(1);
    expect(parents.relations[0].parent).toMatchObject({
      bucket_name: 'ubuntu-base',
      version_fingerprint: 'fp-base-1',
    });
    expect(parents.relations[0].inferred).toBe(true);
    const found = await client.searchExternalArtifact({
      external_identifier: 'ami-00000000000000c01',
    });
    expect(found.artifacts[0].bucket.name).toBe('web-app');

    // 9. Revoking the base cascades to the child; channels roll back (here: nothing valid left to roll back to).
    await client.revokeVersion('ubuntu-base', 'fp-base-1', {
      revokeIn: '0s',
      message: 'CVE-2026-0001 in openssl',
    });
    const revokedBase = await client.getVersion('ubuntu-base', 'fp-base-1');
    expect(revokedBase.status).toBe('VERSION_REVOKED');
    expect(revokedBase.revocation_type).toBe('MANUAL');
    expect(revokedBase.revocation_message).toBe('CVE-2026-0001 in openssl');
    const revokedChild = await client.getVersion('web-app', 'fp-app-1');
    expect(revokedChild.status).toBe('VERSION_REVOKED');
    expect(revokedChild.revocation_type).toBe('INHERITED');
    expect(revokedChild.revocation_inherited_from).toMatchObject({
      bucket_name: 'ubuntu-base',
      version_fingerprint: 'fp-base-1',
    });

    // A second base version and a new revocation: `production` rolls back to the last valid version.
    const base2 = await publish('ubuntu-base', 'fp-base-2', [
      {
        component: 'aws-like.ubuntu',
        sourceImageId: 'ami-0000000000000000a',
        artifacts: [{ id: 'ami-00000000000000b11', region: 'us-east-1' }],
      },
    ]);
    expect(base2.name).toBe('v2');
    await client.updateChannel('ubuntu-base', 'production', {
      version_fingerprint: 'fp-base-2',
      update_mask: 'versionFingerprint',
    });

    // 10. Restoring the base restores the child it revoked.
    await client.restoreVersion('ubuntu-base', 'fp-base-1');
    expect((await client.getVersion('ubuntu-base', 'fp-base-1')).status).toBe('VERSION_ACTIVE');
    expect((await client.getVersion('web-app', 'fp-app-1')).status).toBe('VERSION_ACTIVE');

    await client.revokeVersion('ubuntu-base', 'fp-base-2', {
      revokeIn: '0s',
      message: 'bad kernel',
    });
    expect((await client.getChannel('ubuntu-base', 'production')).version?.fingerprint).toBe(
      'fp-base-1',
    );
    const history = await client.listChannelHistory('ubuntu-base', 'production');
    expect(history.history.map((h) => h.version?.fingerprint)).toEqual([
      'fp-base-1',
      'fp-base-2',
      'fp-base-1',
    ]);
  });
});
