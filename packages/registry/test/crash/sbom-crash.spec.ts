import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RegistryClient } from '@imprint/client';
import { createTestDatabase, rawQuery, type TestDatabase } from '@imprint/registry/testing';
import { spawnRegistry, type RegistryProcess } from '../helpers/registry-process';
import { compressedCycloneDxOfAbout, cycloneDx, zstd, zstdReady } from '../helpers/sboms';

/*
 * Crash recovery of SBOM files (SQLite keeps each document in a file beside
 * its database row): a registry child process is SIGKILLed while uploads
 * and build deletes are in flight. After a restart on the same data
 * directory there is no file without a row and no row without a file, and
 * every upload the client saw acknowledged answers its bytes. Files left by
 * an upload cut short between writing its file and committing its row (and
 * a temp file of a write cut short) are planted too, since a kill hits that
 * window only by chance: the start-up sweep must remove them.
 */

jest.setTimeout(120_000);

const BUCKET = 'sbom-crash';
const FINGERPRINT = 'sbom-crash-1';
const BUILDS = 24;
/** SIGKILL once this many uploads were acknowledged. */
const KILL_AFTER = 8;

async function start(
  database: TestDatabase,
): Promise<{ server: RegistryProcess; client: RegistryClient }> {
  const server = spawnRegistry(
    ['serve', '--data-dir', database.location.dataDir, '--listen', '127.0.0.1:0'],
    {},
    { sources: true },
  );
  const url = await server.ready(60_000);
  return {
    server,
    client: new RegistryClient({ baseUrl: url, retries: false, timeoutMs: 15_000 }),
  };
}

/** Files under `<data dir>/sboms/`, as `shard/name`. */
function sbomFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'sboms');
  let shards: string[];
  try {
    shards = readdirSync(dir);
  } catch {
    return [];
  }
  return shards.flatMap((shard) => readdirSync(path.join(dir, shard)).map((f) => `${shard}/${f}`));
}

describe('SBOM files survive a SIGKILL mid-upload and mid-delete (sqlite)', () => {
  let database: TestDatabase;
  let server: RegistryProcess | undefined;
  let client: RegistryClient;
  const acknowledged = new Map<string, { build: string; bytes: Buffer }>();
  const planted = ['ab/ab' + '0'.repeat(62), 'cd/.cd' + '1'.repeat(62) + '.abc.tmp'];

  beforeAll(async () => {
    await zstdReady();
    database = await createTestDatabase('sqlite', { prefix: 'imprint-sbom-crash' });
    ({ server, client } = await start(database));
    await client.upsertBucket(BUCKET);
    await client.createVersion(BUCKET, { fingerprint: FINGERPRINT, template_type: 'HCL2' });
    const builds: string[] = [];
    for (let i = 0; i < BUILDS; i += 1) {
      builds.push((await client.createBuild(BUCKET, FINGERPRINT, { component_type: `c${i}` })).id);
    }
    // Half the builds get an SBOM first, to be deleted during the burst.
    const doomed = builds.slice(0, BUILDS / 2);
    for (const build of doomed) {
      const bytes = zstd(cycloneDx(`doomed-${build}`, 50));
      await client.uploadSbom(BUCKET, FINGERPRINT, build, {
        compressed_sbom: bytes.toString('base64'),
        format: 'CYCLONEDX',
        name: 'doomed',
      });
    }
    const running = server;
    let killed = false;
    const uploads = builds.slice(BUILDS / 2).map(async (build, i) => {
      const bytes =
        i % 2 === 0 ? compressedCycloneDxOfAbout(256 * 1024) : zstd(cycloneDx(`small-${i}`, 200));
      try {
        await client.uploadSbom(BUCKET, FINGERPRINT, build, {
          compressed_sbom: bytes.toString('base64'),
          format: 'CYCLONEDX',
          name: 'burst',
        });
        acknowledged.set(build, { build, bytes });
        if (!killed && acknowledged.size >= KILL_AFTER) {
          killed = true;
          running.child.kill('SIGKILL');
        }
      } catch {
        // Failed by the kill: the upload may or may not be stored.
      }
    });
    const deletes = doomed.map((build) =>
      client.deleteBuild(BUCKET, FINGERPRINT, build).catch(() => undefined),
    );
    await Promise.all([...uploads, ...deletes]);
    if (!killed) running.child.kill('SIGKILL');
    await running.exit;
    // What an upload killed after its file was renamed (or while writing it) leaves behind.
    for (const file of planted) {
      mkdirSync(path.join(database.location.dataDir, 'sboms', path.dirname(file)), {
        recursive: true,
      });
      writeFileSync(path.join(database.location.dataDir, 'sboms', file), 'left by a crash');
    }
    ({ server, client } = await start(database));
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('leaves no file without a row and no row without a file', async () => {
    const rows = await rawQuery(database.location, 'select sha256 from sbom_blobs order by sha256');
    const shas = rows.map((r) => String(r.sha256));
    const files = sbomFiles(database.location.dataDir).sort();
    expect(files).toEqual(shas.map((sha) => `${sha.slice(0, 2)}/${sha}`));
    for (const file of planted) expect(files).not.toContain(file);
    const dangling = await rawQuery(
      database.location,
      'select s.id from sboms s left join sbom_blobs b on b.sha256 = s.blob_sha256 where b.sha256 is null',
    );
    expect(dangling).toEqual([]);
  });

  it('keeps every acknowledged upload, byte for byte', async () => {
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    for (const { build, bytes } of acknowledged.values()) {
      const { download_url } = await client.getSbom(BUCKET, FINGERPRINT, build, 'burst');
      const fetched = Buffer.from(await (await fetch(download_url)).arrayBuffer());
      expect({ build, same: fetched.equals(bytes) }).toEqual({ build, same: true });
    }
  });

  it('keeps working: an upload after the restart is stored and read back', async () => {
    const build = await client.createBuild(BUCKET, FINGERPRINT, { component_type: 'after' });
    const bytes = zstd(cycloneDx('after-restart', 5));
    await client.uploadSbom(BUCKET, FINGERPRINT, build.id, {
      compressed_sbom: bytes.toString('base64'),
      format: 'CYCLONEDX',
    });
    const { sboms } = await client.listSboms(BUCKET, FINGERPRINT, build.id);
    expect(sboms.map((s) => s.name)).toEqual([FINGERPRINT]);
  });
});
