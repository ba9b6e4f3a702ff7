import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  GrpcCode,
  RegistryErrorReason,
  SQLITE_FILE_NAME,
  openRegistryStorage,
} from '@imprint/registry';
import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import {
  ALICE,
  expectRegistryError,
  fingerprint,
  publishVersion,
  uniqueName,
} from '../helpers/fixtures';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe.each(testEngines())('storage (%s)', (engine) => {
  const h = useStorage(engine);

  it('creates the registry record on first open: UUID organization and project, ULID id', async () => {
    const registry = await h.service.getRegistry();
    expect(registry.location.organization_id).toMatch(UUID);
    expect(registry.location.project_id).toMatch(UUID);
    expect(registry.id).toMatch(ULID);
    expect(registry.config).toEqual({ activated: true, feature_tier: 'PLUS' });
    expect(h.storage.location).toEqual(registry.location);
    expect(h.service.location()).toEqual(registry.location);
    expect(h.storage.registryId).toBe(registry.id);
    expect(h.storage.engine).toBe(engine);
  });

  it('reopens the same database idempotently: same registry, data kept, migrations not re-applied', async () => {
    const name = uniqueName('reopen');
    await h.service.createBucket(ALICE, { name });
    const before = await h.service.getRegistry();
    const again = await h.reopen();
    const third = await h.reopen();
    expect(await again.service.getRegistry()).toEqual(before);
    expect(await third.service.getRegistry()).toEqual(before);
    expect((await again.service.getBucket(name)).name).toBe(name);
    await again.service.createBucket(ALICE, { name: `${name}-2` });
    expect((await h.service.getBucket(`${name}-2`)).name).toBe(`${name}-2`);
  });

  it('keeps version sequences and channels across a reopen', async () => {
    const name = uniqueName('seq');
    await h.service.createBucket(ALICE, { name });
    await publishVersion(h.service, name);
    const again = await h.reopen();
    const v2 = await publishVersion(again.service, name);
    expect(v2.name).toBe('v2');
    expect((await h.service.getChannel(name, 'latest')).version?.id).toBe(v2.id);
  });

  it('rolls back a failing multi-row change completely (no partial writes)', async () => {
    const name = uniqueName('atomic');
    await h.service.createBucket(ALICE, { name });
    await h.service.createChannel(ALICE, name, { name: 'prod', restricted: false });
    // `restricted` is written first, then the unknown fingerprint fails the request.
    await expectRegistryError(
      h.service.updateChannel(ALICE, name, 'prod', {
        update_mask: 'restricted,versionFingerprint',
        restricted: true,
        version_fingerprint: 'does-not-exist',
      }),
      GrpcCode.NOT_FOUND,
      RegistryErrorReason.VERSION_NOT_FOUND,
    );
    const channel = await h.service.getChannel(name, 'prod');
    expect(channel.restricted).toBe(false);
    expect((await h.service.listChannelHistory(name, 'prod')).count).toBe(0);
  });

  it('leaves no trace of a version whose creation failed validation', async () => {
    const name = uniqueName('novalid');
    await h.service.createBucket(ALICE, { name });
    await expectRegistryError(
      h.service.createVersion(ALICE, name, {
        fingerprint: fingerprint(),
        template_type: 'YAML' as never,
      }),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /template_type must be one of TEMPLATE_TYPE_UNSET, HCL2, JSON/,
    );
    expect((await h.service.getBucket(name)).version_count).toBe('0');
  });

  it('answers a concurrent duplicate create with code 6, never a raw database error', async () => {
    const name = uniqueName('race');
    const results = await Promise.allSettled([
      h.service.createBucket(ALICE, { name }),
      h.service.createBucket(ALICE, { name }),
      h.service.createBucket(ALICE, { name }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected')
        expect(r.reason).toMatchObject({ grpcCode: 6, reason: RegistryErrorReason.BUCKET_EXISTS });
    }
    const channels = await h.service.listChannels(name);
    expect(channels.channels.map((c) => c.name)).toEqual(['latest']);
  });

  it('completes a version exactly once when its builds finish concurrently', async () => {
    const name = uniqueName('concurrent');
    await h.service.createBucket(ALICE, { name });
    const fp = fingerprint();
    await h.service.createVersion(ALICE, name, { fingerprint: fp });
    const builds = await Promise.all(
      ['a.one', 'b.two', 'c.three', 'd.four'].map((component_type) =>
        h.service.createBuild(ALICE, name, fp, { component_type, status: 'BUILD_RUNNING' }),
      ),
    );
    await Promise.all(
      builds.map((b, i) =>
        h.service.updateBuild(ALICE, name, fp, b.id, {
          status: 'BUILD_DONE',
          artifacts: [{ external_identifier: `img-${fp}-${i}`, region: 'r' }],
        }),
      ),
    );
    const version = await h.service.getVersion(name, fp);
    expect(version.name).toBe('v1');
    expect((await h.service.listChannelHistory(name, 'latest')).count).toBe(1);
  });

  if (engine === 'sqlite') {
    it('keeps the SQLite database in <dataDir>/imprint-registry.db', () => {
      expect(existsSync(path.join(h.options.dataDir ?? '', SQLITE_FILE_NAME))).toBe(true);
    });
  }
});

describe('openRegistryStorage options', () => {
  it('refuses a non-PostgreSQL databaseUrl', async () => {
    await expectRegistryError(
      openRegistryStorage({ databaseUrl: 'mysql://localhost/x' }),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /postgres:\/\//,
    );
  });

  it('needs dataDir for SQLite', async () => {
    await expectRegistryError(
      openRegistryStorage({}),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /dataDir/,
    );
  });

  it('refuses a non-positive heartbeat timeout', async () => {
    await expectRegistryError(
      openRegistryStorage({ dataDir: ':memory:', heartbeatTimeoutMs: 0 }),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /heartbeatTimeoutMs/,
    );
  });

  it('opens a throwaway in-memory SQLite store', async () => {
    const storage = await openRegistryStorage({ dataDir: ':memory:' });
    await storage.service.createBucket(ALICE, { name: 'in-memory' });
    expect((await storage.service.listBuckets()).buckets).toHaveLength(1);
    await storage.close();
    await storage.service.close(); // idempotent
  });
});
