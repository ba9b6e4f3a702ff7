import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { SQLITE_FILE_NAME } from '@imprint/registry';
import { WAL_LIMIT_BYTES, openTestStorage, type TestStorage } from '@imprint/registry/testing';
import { ALICE } from '../helpers/fixtures';
import { doneWithThreeArtifacts } from '../../bench/completion';

/*
 * Under sustained writes a passive checkpoint never catches up with the
 * writer, so SQLite never starts the WAL over: it grew to 1.1 GB beside a
 * 34 MB database in 25 s of build completions. The checkpoint thread bounds
 * it; this writes several limits' worth of WAL without a pause and watches.
 */
describe('SQLite WAL under sustained writes', () => {
  let store: TestStorage;

  beforeAll(async () => {
    store = await openTestStorage('sqlite', {}, { prefix: 'imprint-wal' });
  });
  afterAll(async () => {
    await store.dispose();
  });

  const walSize = () => {
    try {
      return statSync(path.join(store.location.dataDir, `${SQLITE_FILE_NAME}-wal`)).size;
    } catch {
      return 0;
    }
  };

  /** Bytes this process has passed to write() and its kind (Linux: wchar in /proc/self/io). */
  const bytesWritten = () => {
    const io = readFileSync('/proc/self/io', 'utf8');
    return Number(/^wchar: (\d+)$/m.exec(io)?.[1] ?? 0);
  };

  it('stays near its limit however long writes go on', async () => {
    const service = store.storage.service;
    await service.createBucket(ALICE, { name: 'wal-bucket' });
    const complete = async (fingerprint: string) => {
      await service.createVersion(ALICE, 'wal-bucket', { fingerprint, template_type: 'HCL2' });
      const build = await service.createBuild(ALICE, 'wal-bucket', fingerprint, {
        component_type: 'amazon-ebs.wal',
        status: 'BUILD_UNSET',
      });
      await service.updateBuild(
        ALICE,
        'wal-bucket',
        fingerprint,
        build.id,
        doneWithThreeArtifacts(fingerprint),
      );
    };
    // Ten writers, each completing one version after another without a
    // pause (as ten busy clients do; concurrent ones share commits), until
    // this process has written ten limits' worth (what it hands write():
    // WAL frames and checkpoint copies), within a bounded number.
    const start = bytesWritten();
    const enough = () => bytesWritten() - start >= 10 * WAL_LIMIT_BYTES;
    let largest = 0;
    let completed = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, writer) => {
        for (let i = 0; i < 4_000 && !enough(); i += 1) {
          await complete(`wal-${writer}-${i}`);
          completed += 1;
          largest = Math.max(largest, walSize());
        }
      }),
    );
    expect(bytesWritten() - start).toBeGreaterThanOrEqual(10 * WAL_LIMIT_BYTES);
    // The limit, plus what commits add between two checkpoint turns (unbounded, it
    // was 3 limits here, and growing).
    expect(largest).toBeLessThan(1.5 * WAL_LIMIT_BYTES);
    // Every completion took its vN; none was lost on the way.
    const latest = await service.getChannel('wal-bucket', 'latest', ALICE);
    expect(latest.version?.name).toBe(`v${completed}`);
  }, 60_000);
});
