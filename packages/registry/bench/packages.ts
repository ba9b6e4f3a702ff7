/*
 * SBOM upload throughput and package search latency over 10,000 packages (20
 * builds in 4 buckets, one CycloneDX SBOM of 500 components each), the upload
 * throughput of ~1 MiB (compressed) SBOMs, and the cost of vulnerability data:
 * an OSV import of 2,000 records matched against those packages, and
 * ListBuildPackages before and after it (as a ratio), through the service;
 * part of `npm run bench -w @imprint/registry`, or alone:
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
import { randomBytes } from 'node:crypto';
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

async function time(label: string, fn: (i: number) => Promise<unknown>): Promise<number> {
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
  return percentile(took, 50);
}

/** Components with a random sha256 each: ~1 MiB once zstd-compressed (hashes do not compress). */
const LARGE_COMPONENTS = 30_000;
function largeSbom(): string {
  const components = Array.from({ length: LARGE_COMPONENTS }, (_, i) => ({
    type: 'file',
    name: `/usr/share/doc/file-${i}`,
    hashes: [{ alg: 'SHA-256', content: randomBytes(32).toString('hex') }],
  }));
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components });
}

/** OSV records (Ubuntu ecosystem, as the seeded purls are `pkg:deb/ubuntu/…`), one per name for the first `count` names. */
async function* osvRecords(count: number): AsyncGenerator<{ source: string; value: unknown }> {
  for (let n = 0; n < count; n += 1) {
    yield {
      source: 'bench',
      value: {
        id: `BENCH-${n}`,
        modified: '2026-12-01T00:00:00Z',
        summary: `pkg-${n} flaw`,
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
        affected: [
          {
            package: { ecosystem: 'Ubuntu:22.04:LTS', name: `pkg-${n}` },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.0' }] }],
          },
        ],
      },
    };
  }
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
    const listBefore = await time('ListBuildPackages (first page of 50)', (i) =>
      service.listBuildPackages(builds[i % builds.length]),
    );

    // ~1 MiB compressed documents, each next to a CreateBuild in the same version.
    await service.createBucket(ACTOR, { name: 'bench-large' });
    await service.createVersion(ACTOR, 'bench-large', {
      fingerprint: 'large',
      template_type: 'HCL2',
    });
    let largeMs = 0;
    let largeCreateMs = 0;
    let largeBytes = 0;
    const LARGE = 5;
    for (let i = 0; i < LARGE; i += 1) {
      const createStart = performance.now();
      const created = await service.createBuild(ACTOR, 'bench-large', 'large', {
        component_type: `source.null.large-${i}`,
      });
      largeCreateMs += performance.now() - createStart;
      const compressed = Buffer.from(compress(Buffer.from(largeSbom()), 19));
      largeBytes += compressed.length;
      const start = performance.now();
      await service.uploadSbom(
        ACTOR,
        { bucket: 'bench-large', fingerprint: 'large', buildId: created.id },
        { compressed_sbom: compressed.toString('base64'), format: 'CYCLONEDX', name: 'files' },
      );
      largeMs += performance.now() - start;
    }
    process.stdout.write(
      `  SBOM upload (${LARGE_COMPONENTS} file components, ${(largeBytes / LARGE / 1024 / 1024).toFixed(2)} MiB zstd): ` +
        `${((LARGE * 1000) / largeMs).toFixed(1)} uploads/s, ${(largeBytes / 1024 / 1024 / (largeMs / 1000)).toFixed(2)} MiB/s compressed; ` +
        `${(largeMs / largeCreateMs).toFixed(1)}× a CreateBuild\n`,
    );

    // Vulnerability data: 2,000 records, one per seeded name; versions 1.0.x are affected.
    const importStart = performance.now();
    const summary = await storage.vulnerabilities.importOsv(osvRecords(DISTINCT), {
      source: 'bench',
    });
    const importS = (performance.now() - importStart) / 1000;
    process.stdout.write(
      `  OSV import: ${summary.records} records, ${summary.matchesAdded} matches in ${importS.toFixed(1)} s ` +
        `(${(summary.records / importS).toFixed(0)} records/s)\n`,
    );
    const listAfter = await time('ListBuildPackages, with vuln_details', (i) =>
      service.listBuildPackages(builds[i % builds.length]),
    );
    process.stdout.write(
      `  ListBuildPackages with vuln_details / without: ${(listAfter / listBefore).toFixed(2)}×\n`,
    );
    // The seeded versions are incomplete (no channel points at them): the version's list.
    await time('ListVersionVulnerabilities (first page of 50)', (i) => {
      const { bucket, fingerprint } = builds[i % builds.length];
      return service.listVersionVulnerabilities(bucket, fingerprint);
    });
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
