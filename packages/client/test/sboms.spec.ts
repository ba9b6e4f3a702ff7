import { compress, init } from '@bokuweb/zstd-wasm';
import { isAlreadyExists, isNotFound } from '@imprint/client';
import { useTestRegistry } from '@imprint/registry/testing';

/** The client's SBOM operations against the real registry (embedded SQLite). */
describe('SBOM operations against the Imprint registry', () => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { database: { prefix: 'imprint-client-sbom' }, server: { logger: false } },
  );

  beforeAll(async () => {
    // The registry in this process may have loaded zstd: a second init() would start it over.
    try {
      compress(Buffer.from('{}'), 1);
    } catch {
      await init();
    }
  });

  it('uploads, lists and gets an SBOM, whose URL answers the bytes uploaded', async () => {
    const client = registry.client;
    await client.upsertBucket('sbom-client');
    const fp = '01JCLIENTSBOM000000000001';
    await client.ensureVersion('sbom-client', fp, 'HCL2');
    const build = await client.createBuild('sbom-client', fp, { component_type: 'source.null.a' });
    const document = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [] });
    const compressed = Buffer.from(compress(Buffer.from(document), 19));
    const body = {
      compressed_sbom: compressed.toString('base64'),
      format: 'CYCLONEDX' as const,
      name: 'os-packages',
    };

    const sbom = await client.uploadSbom('sbom-client', fp, build.id, body);
    expect(sbom).toMatchObject({ name: 'os-packages', format: 'CYCLONEDX' });
    expect(await client.listSboms('sbom-client', fp, build.id)).toEqual({ sboms: [sbom] });

    const { download_url } = await client.getSbom('sbom-client', fp, build.id, 'os-packages');
    const fetched = Buffer.from(await (await fetch(download_url)).arrayBuffer());
    expect(fetched.equals(compressed)).toBe(true);

    const duplicate = await client.uploadSbom('sbom-client', fp, build.id, body).catch((e) => e);
    expect(isAlreadyExists(duplicate)).toBe(true);
    const missing = await client.getSbom('sbom-client', fp, build.id, 'nope').catch((e) => e);
    expect(isNotFound(missing)).toBe(true);
  });
});
