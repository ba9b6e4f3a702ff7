import { compress, init } from '@bokuweb/zstd-wasm';
import { isInvalidArgument, isNotFound } from '@imprint/client';
import { useTestRegistry } from '@imprint/registry/testing';

/** The client's package operations against the real registry (embedded SQLite). */
describe('package operations against the Imprint registry', () => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { database: { prefix: 'imprint-client-packages' }, server: { logger: false } },
  );

  beforeAll(async () => {
    // The registry in this process may have loaded zstd: a second init() would start it over.
    try {
      compress(Buffer.from('{}'), 1);
    } catch {
      await init();
    }
  });

  it('lists the packages of a build and a bucket, and searches them', async () => {
    const client = registry.client;
    await client.upsertBucket('packages-client');
    const fp = '01JCLIENTPACKAGES00000001';
    await client.ensureVersion('packages-client', fp, 'HCL2');
    const build = await client.createBuild('packages-client', fp, {
      component_type: 'source.null.a',
    });
    const purl = 'pkg:deb/ubuntu/openssl@3.0.2';
    const document = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [
        { type: 'library', name: 'openssl', version: '3.0.2', purl },
        { type: 'library', name: 'zlib', version: '1.2.11' },
      ],
    });
    const sbom = await client.uploadSbom('packages-client', fp, build.id, {
      compressed_sbom: Buffer.from(compress(Buffer.from(document), 3)).toString('base64'),
      format: 'CYCLONEDX',
      name: 'os-packages',
    });

    const first = await client.listBuildPackages('packages-client', fp, build.id, {
      pageSize: 1,
    });
    expect(first.packages).toEqual([
      { name: 'openssl', version: '3.0.2', purl, sboms: [sbom], vuln_details: [] },
    ]);
    const second = await client.listBuildPackages('packages-client', fp, build.id, {
      pageSize: 1,
      nextPageToken: first.pagination.next_page_token,
    });
    expect(second.packages.map((p) => p.name)).toEqual(['zlib']);
    // paginate walks the pages of the three package lists.
    const walked: string[] = [];
    for await (const p of client.paginate('listBuildPackages', 'packages-client', fp, build.id, {
      pageSize: 1,
    })) {
      walked.push(p.name);
    }
    expect(walked).toEqual(['openssl', 'zlib']);
    const filtered = await client.listBuildPackages('packages-client', fp, build.id, {
      packageNameStartsWith: 'ZL',
      packageVersion: '1.2.11',
    });
    expect(filtered.packages.map((p) => p.name)).toEqual(['zlib']);
    // Incomplete: on no channel yet.
    expect((await client.listBucketPackages('packages-client')).packages).toEqual([]);

    const found = await client.searchPackages({ name: 'OpenSSL', version: '3.0.2' });
    expect(found.packages).toHaveLength(1);
    expect(found.packages[0]).toMatchObject({
      bucket_name: 'packages-client',
      version_fingerprint: fp,
      build_id: build.id,
      purl,
    });
    expect((await client.searchPackages({ purl })).packages).toHaveLength(1);
    const hits: string[] = [];
    for await (const hit of client.paginate('searchPackages', { name: 'zlib', pageSize: 1 })) {
      hits.push(hit.bucket_name);
    }
    expect(hits).toEqual(['packages-client']);

    const noName = await client.searchPackages({}).catch((e: unknown) => e);
    expect(isInvalidArgument(noName)).toBe(true);
    expect((noName as Error).message).toContain('name (or purl) is required');
    const missing = await client.listBucketPackages('no-such-bucket').catch((e: unknown) => e);
    expect(isNotFound(missing)).toBe(true);
  });
});
