import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GrpcCode, RegistryErrorReason, openRegistryStorage } from '@imprint/registry';
import type { OpenedRegistryStorage } from '@imprint/registry';
import { ALICE, expectRegistryError, uniqueName } from '../helpers/fixtures';

/*
 * SQLite group commit: write transactions that arrive while one runs share
 * one COMMIT, each in a savepoint of its own. What one caller sees must not
 * depend on whom it shared a commit with.
 */
describe('SQLite group commit', () => {
  let dir: string;
  let storage: OpenedRegistryStorage;
  const statements: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'imprint-group-commit-'));
    storage = await openRegistryStorage({
      dataDir: dir,
      onStatement: (text) => statements.push(text),
    });
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits concurrent writes together, and a failing one fails alone', async () => {
    const bucket = uniqueName('group');
    await storage.service.createBucket(ALICE, { name: bucket });
    const fingerprints = Array.from({ length: 40 }, (_, i) => `fp-group-${i}`);
    for (const fingerprint of fingerprints) {
      await storage.service.createVersion(ALICE, bucket, { fingerprint });
    }
    statements.length = 0;
    // Every fifth request names a version that does not exist: code 5 for it, and only for it.
    const outcomes = await Promise.allSettled(
      fingerprints.map((fp, i) =>
        storage.service.createBuild(ALICE, bucket, i % 5 === 4 ? 'missing' : fp, {
          component_type: 'amazon-ebs.x',
        }),
      ),
    );
    for (const [i, outcome] of outcomes.entries()) {
      if (i % 5 === 4) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({
          grpcCode: GrpcCode.NOT_FOUND,
          reason: RegistryErrorReason.VERSION_NOT_FOUND,
        });
      } else {
        expect(outcome.status).toBe('fulfilled');
      }
    }
    const commits = statements.filter((s) => s === 'commit').length;
    const begins = statements.filter((s) => /^begin/.test(s)).length;
    expect(begins).toBe(commits);
    expect(commits).toBeLessThan(20);

    // Everything acknowledged is there, nothing refused is.
    for (const [i, outcome] of outcomes.entries()) {
      const version = await storage.service.getVersion(bucket, fingerprints[i]);
      expect(version.builds).toHaveLength(outcome.status === 'fulfilled' ? 1 : 0);
    }
    await expectRegistryError(
      storage.service.createVersion(ALICE, bucket, { fingerprint: fingerprints[0] }),
      GrpcCode.ALREADY_EXISTS,
      RegistryErrorReason.VERSION_EXISTS,
    );
  });

  it('rolls back the changes of a transaction that failed half-way, keeping its neighbours', async () => {
    const bucket = uniqueName('halfway');
    await storage.service.createBucket(ALICE, { name: bucket });
    await storage.service.createVersion(ALICE, bucket, { fingerprint: 'fp-a' });
    await storage.service.createVersion(ALICE, bucket, { fingerprint: 'fp-b' });
    await storage.service.createBuild(ALICE, bucket, 'fp-b', { component_type: 'dup' });
    // The middle one updates the version's updated_at, then hits the unique index.
    const [first, middle, last] = await Promise.allSettled([
      storage.service.createBuild(ALICE, bucket, 'fp-a', { component_type: 'one' }),
      storage.service.createBuild(ALICE, bucket, 'fp-b', { component_type: 'dup' }),
      storage.service.createBuild(ALICE, bucket, 'fp-a', { component_type: 'two' }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(last.status).toBe('fulfilled');
    expect((middle as PromiseRejectedResult).reason).toMatchObject({
      grpcCode: GrpcCode.ALREADY_EXISTS,
      reason: RegistryErrorReason.BUILD_EXISTS,
    });
    expect((await storage.service.getVersion(bucket, 'fp-a')).builds).toHaveLength(2);
    expect((await storage.service.getVersion(bucket, 'fp-b')).builds).toHaveLength(1);
  });
});
