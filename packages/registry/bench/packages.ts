/*
 * Package search latency over 10,000 packages (20 builds in 4 buckets, one
 * CycloneDX SBOM of 500 components each), through the service:
 *
 *   TS_NODE_PROJECT=tsconfig.check.json node -r ts-node/register/transpile-only \
 *     -r tsconfig-paths/register packages/registry/bench/packages.ts
 *
 * SQLite always; PostgreSQL too with IMPRINT_TEST_POSTGRES_URL (an admin URL:
 * the run creates and drops its own database). Prints p50 / p95 per query;
 * asserts nothing about time.
 */
import { performance } from 'node:perf_hooks';
import { compress, init } from '@bokuweb/zstd-wasm';
import { openRegistryStorage, type Actor } from '@imprint/registry';
import { createTestDatabase, type TestEngineName } from '@imprint/registry/testing';

const ACTOR: Actor = { principalId: 'bench', name: 'bench', role: 'admin' };
const BUCKETS = 4;
const BUILDS_PER_BUCKET = 5;
const COMPONENTS = 500;
const SAMPLES = 200;
/** 2,000 distinct names, each in 5 builds (in versions that differ). */
const DISTINCT = 2000;

function sbom(build: number): string {
  const components = Array.from({ length: COMPONENTS }, (_, i) => {
    const n = (build * COMPONENTS + i) % DISTINCT;
    const version = `1.${build % 3}.${n % 10}`;
    return {
      type: 'library',
      name: `pkg-${n}`,
      version,
      purl: `pkg:deb/ubuntu/pkg-${n}@${version}`,
      licenses: [{ license: { id: 'MIT' } }],
    };
  });
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(label: string, fn: (i: number) => Promise<unknown>): Promise<void> {
  const took: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const start = performance.now();
    await fn(i);
    took.push(performance.now() - start);
  }
  took.sort((a, b) => a - b);
  const p50 = percentile(took, 50).toFixed(2);
  const p95 = percentile(took, 95).toFixed(2);
  process.stdout.write(`  ${label.padEnd(44)} p50 ${p50} ms  p95 ${p95} ms\n`);
}

async function run(engine: TestEngineName): Promise<void> {
  const database = await createTestDatabase(engine, { prefix: 'imprint-bench-packages' });
  const storage = await openRegistryStorage(database.location);
  try {
    const { service } = storage;
    const seedStart = performance.now();
    let build = 0;
    const builds: { bucket: string; fingerprint: string; buildId: string }[] = [];
    for (let b = 0; b < BUCKETS; b += 1) {
      const bucket = `bench-${b}`;
      await service.createBucket(ACTOR, { name: bucket });
      for (let v = 0; v < BUILDS_PER_BUCKET; v += 1, build += 1) {
        const fingerprint = `fp-${b}-${v}`;
        await service.createVersion(ACTOR, bucket, { fingerprint, template_type: 'HCL2' });
        const created = await service.createBuild(ACTOR, bucket, fingerprint, {
          component_type: 'source.null.a',
        });
        const ref = { bucket, fingerprint, buildId: created.id };
        builds.push(ref);
        await service.uploadSbom(ACTOR, ref, {
          compressed_sbom: Buffer.from(compress(Buffer.from(sbom(build)), 3)).toString('base64'),
          format: 'CYCLONEDX',
          name: 'os-packages',
        });
      }
    }
    const seeded = ((performance.now() - seedStart) / 1000).toFixed(1);
    process.stdout.write(
      `${engine}: ${build * COMPONENTS} packages in ${build} SBOMs, seeded in ${seeded} s\n`,
    );
    await time('search name=', (i) => service.searchPackages({ name: `pkg-${i % DISTINCT}` }));
    await time('search NAME= (case-insensitive)', (i) =>
      service.searchPackages({ name: `PKG-${(i * 7) % DISTINCT}` }),
    );
    await time('search name= version=', (i) =>
      service.searchPackages({ name: `pkg-${i % DISTINCT}`, version: `1.0.${i % 10}` }),
    );
    await time('search purl=', (i) =>
      service.searchPackages({ purl: `pkg:deb/ubuntu/pkg-${i % DISTINCT}@1.1.${i % 10}` }),
    );
    await time('ListBuildPackages (first page of 50)', (i) =>
      service.listBuildPackages(builds[i % builds.length]),
    );
  } finally {
    await storage.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  await init();
  await run('sqlite');
  if (process.env['IMPRINT_TEST_POSTGRES_URL']) await run('postgres');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
