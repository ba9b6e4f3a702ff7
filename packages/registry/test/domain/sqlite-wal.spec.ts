import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openRegistryStorage } from '../../src/domain';
import type { OpenedRegistryStorage } from '../../src/domain';
import { WAL_LIMIT_BYTES } from '../../src/storage/sqlite-checkpointer';
import { ALICE } from '../helpers/fixtures';

/** The registry's SQLite file in a data dir. */
const DB_FILE = 'imprint-registry.db';

/*
 * Under sustained writes a passive checkpoint never catches up with the
 * writer, so SQLite never starts the WAL over: it grew to 1.1 GB beside a
 * 34 MB database in 25 s of build completions. The checkpoint thread bounds
 * it; this writes several limits' worth of WAL without a pause and watches.
 */
describe('SQLite WAL under sustained writes', () => {
  let dir: string;
  let storage: OpenedRegistryStorage;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'imprint-wal-'));
    storage = await openRegistryStorage({ dataDir: dir });
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const walSize = () => {
    try {
      return statSync(path.join(dir, `${DB_FILE}-wal`)).size;
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
    const service = storage.service;
    await service.createBucket(ALICE, { name: 'wal-bucket' });
    const complete = async (fingerprint: string) => {
      await service.createVersion(ALICE, 'wal-bucket', { fingerprint, template_type: 'HCL2' });
      const build = await service.createBuild(ALICE, 'wal-bucket', fingerprint, {
        component_type: 'amazon-ebs.wal',
        status: 'BUILD_UNSET',
      });
      await service.updateBuild(ALICE, 'wal-bucket', fingerprint, build.id, {
        status: 'BUILD_DONE',
        platform: 'aws',
        labels: { os: 'ubuntu' },
        artifacts: ['eu-west-1', 'us-east-1', 'ap-south-1'].map((region) => ({
          external_identifier: `ami-${fingerprint}-${region}`,
          region,
        })),
      });
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
