import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { compress, init } from '@bokuweb/zstd-wasm';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { SQLITE_FILE_NAME } from '@imprint/registry';
import { rawQuery, type TestDatabaseLocation, type TestRegistry } from '@imprint/registry/testing';
import { ok, type PrincipalRole } from './http';

/*
 * SBOM documents for the SBOM specs: real CycloneDX / SPDX JSON, compressed
 * with zstd as Packer's hcp-sbom provisioner does.
 */

/**
 * Loads zstd's WebAssembly module unless it is loaded (the registry in this
 * process may have: a second `init()` would start the module over under it).
 */
export async function zstdReady(): Promise<void> {
  try {
    compress(Buffer.from('{}'), 1);
  } catch {
    await init();
  }
}

/** A small CycloneDX document; `tag` makes it distinct. */
export function cycloneDx(tag: string, components = 1): Buffer {
  return Buffer.from(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      serialNumber: `urn:uuid:${tag}`,
      version: 1,
      components: Array.from({ length: components }, (_, i) => ({
        type: 'library',
        'bom-ref': `pkg:${tag}-${i}`,
        name: `${tag}-${i}`,
        version: `1.${i}.0`,
        hashes: [{ alg: 'SHA-256', content: randomBytes(32).toString('hex') }],
      })),
    }),
  );
}

/** A small SPDX document. */
export function spdx(tag: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: tag,
      packages: [],
    }),
  );
}

/** zstd-compressed, as Packer sends it (a frame that declares its size). */
export function zstd(document: Buffer, level = 3): Buffer {
  return Buffer.from(compress(document, level));
}

/**
 * The same frame without its content-size field (as a streaming compressor
 * writes it), so the registry cannot refuse it from the header alone.
 */
export function withoutContentSize(frame: Buffer): Buffer {
  const descriptor = frame[4];
  if (descriptor >> 6 !== 2 || (descriptor >> 5) & 1 || descriptor & 3) {
    throw new Error(`unexpected frame header descriptor ${descriptor}`);
  }
  return Buffer.concat([
    frame.subarray(0, 4),
    Buffer.from([descriptor & 0x3f]),
    frame.subarray(5, 6),
    frame.subarray(10),
  ]);
}

/**
 * A CycloneDX document of random-ish components (random hashes do not
 * compress) whose zstd frame is about `bytes` long.
 */
export function compressedCycloneDxOfAbout(bytes: number): Buffer {
  const sample = zstd(cycloneDx('sample', 1000)).length / 1000;
  return zstd(cycloneDx('big', Math.ceil(bytes / sample)));
}

/** `{ "compressed_sbom", "format", "name"? }` */
export function uploadBody(compressed: Buffer, format: 'CYCLONEDX' | 'SPDX', name?: string) {
  return { compressed_sbom: compressed.toString('base64'), format, ...(name ? { name } : {}) };
}

/** Rows of `sbom_blobs` with this sha256 (0 or 1). */
export async function blobRows(location: TestDatabaseLocation, sha256: string): Promise<number> {
  const rows = await rawQuery(location, `select sha256 from sbom_blobs where sha256 = '${sha256}'`);
  return rows.length;
}

/** Whether the SBOM file of `sha256` exists (SQLite keeps documents as files). */
export function blobFileExists(location: TestDatabaseLocation, sha256: string): boolean {
  return existsSync(path.join(location.dataDir, 'sboms', sha256.slice(0, 2), sha256));
}

/**
 * Creates `count` builds (`source.null.c<i>`) of a new version `fp` of
 * `bucket`, creating the bucket unless it exists. Returns their ids.
 */
export async function newBuilds(
  registry: TestRegistry,
  tokens: Record<PrincipalRole, string>,
  bucket: string,
  fp: string,
  count: number,
): Promise<string[]> {
  const found = await registry.request('GET', `${registry.base}/buckets/${bucket}`, {
    token: tokens.viewer,
  });
  if (found.status === 404) {
    ok(
      await registry.request('PUT', `${registry.base}/buckets`, {
        token: tokens.admin,
        body: { name: bucket },
      }),
    );
  }
  ok(
    await registry.request('POST', `${registry.base}/buckets/${bucket}/versions`, {
      token: tokens.contributor,
      body: { fingerprint: fp, template_type: 'HCL2' },
    }),
  );
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const created = ok(
      await registry.request('POST', `${registry.base}/buckets/${bucket}/versions/${fp}/builds`, {
        token: tokens.contributor,
        body: { component_type: `source.null.c${i}` },
      }),
    );
    ids.push(created.build.id);
  }
  return ids;
}

/**
 * Runs SQL statements on a closed test database (PostgreSQL or the SQLite
 * file), e.g. to take a migration back and see the registry migrate again.
 */
export async function runStatements(
  location: TestDatabaseLocation,
  statements: readonly string[],
): Promise<void> {
  if (location.databaseUrl) {
    const client = new Client({ connectionString: location.databaseUrl });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new BetterSqlite3(path.join(location.dataDir, SQLITE_FILE_NAME));
  try {
    for (const statement of statements) db.exec(statement);
  } finally {
    db.close();
  }
}
