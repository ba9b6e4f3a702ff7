/*
 * SBOM upload throughput and package search latency over 10,000 packages (20
 * builds in 4 buckets, one CycloneDX SBOM of 500 components each), through the
 * service; part of `npm run bench -w @imprint/registry`, or alone:
 *
 *   npm run bench:packages -w @imprint/registry
 *
 * Uploads are timed next to the CreateBuild that precedes each, in the same
 * run, and printed as a ratio.
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
    let uploadMs = 0;
    let createMs = 0;
    let uploadedBytes = 0;
    const builds: { bucket: string; fingerprint: string; buildId: string }[] = [];
    for (let b = 0; b < BUCKETS; b += 1) {
      const bucket = `bench-${b}`;
      await service.createBucket(ACTOR, { name: bucket });
      for (let v = 0; v < BUILDS_PER_BUCKET; v += 1, build += 1) {
        const fingerprint = `fp-${b}-${v}`;
        await service.createVersion(ACTOR, bucket, { fingerprint, template_type: 'HCL2' });
        const createStart = performance.now();
        const created = await service.createBuild(ACTOR, bucket, fingerprint, {
          component_type: 'source.null.a',
        });
        createMs += performance.now() - createStart;
        const ref = { bucket, fingerprint, buildId: created.id };
        builds.push(ref);
        const compressed = Buffer.from(compress(Buffer.from(sbom(build)), 3));
        uploadedBytes += compressed.length;
        const uploadStart = performance.now();
        await service.uploadSbom(ACTOR, ref, {
          compressed_sbom: compressed.toString('base64'),
          format: 'CYCLONEDX',
          name: 'os-packages',
        });
        uploadMs += performance.now() - uploadStart;
      }
    }
    const seeded = ((performance.now() - seedStart) / 1000).toFixed(1);
    process.stdout.write(
      `${engine}: ${build * COMPONENTS} packages in ${build} SBOMs, seeded in ${seeded} s\n`,
    );
    process.stdout.write(
      `  SBOM upload (${COMPONENTS} components, ${(uploadedBytes / build / 1024).toFixed(1)} KiB zstd, packages indexed): ` +
        `${((build * 1000) / uploadMs).toFixed(1)} uploads/s, ${(uploadedBytes / 1024 / 1024 / (uploadMs / 1000)).toFixed(2)} MiB/s compressed; ` +
        `${(uploadMs / createMs).toFixed(1)}× a CreateBuild\n`,
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
