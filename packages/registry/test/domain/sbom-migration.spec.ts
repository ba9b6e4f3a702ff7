import { openRegistryStorage } from '@imprint/registry';
import { openTestStorage, testEngines } from '@imprint/registry/testing';
import { ALICE, fingerprint } from '../helpers/fixtures';
import { BEFORE_0006 } from '../helpers/migrations';
import { cycloneDx, runStatements, zstd, zstdReady } from '../helpers/sboms';

/** What migrations 0004 and 0005 (packages of SBOMs) added, taken away again: a database as it was before SBOMs. */
const BEFORE_0004 = [
  ...BEFORE_0006,
  'drop table packages',
  "delete from kysely_migration where name = '0005-packages'",
  'drop table sboms',
  'drop table sbom_blobs',
  'alter table registry drop column url_signing_key',
  "delete from kysely_migration where name = '0004-sboms'",
];

/** A database made before SBOM storage migrates on open, and its builds take SBOMs. */
describe.each(testEngines())('migration 0004-sboms (%s)', (engine) => {
  it('migrates an existing database: its builds take SBOMs and GetSbom signs URLs', async () => {
    await zstdReady();
    const test = await openTestStorage(engine);
    try {
      const fp = fingerprint('migrated');
      const service = test.storage.service;
      await service.createBucket(ALICE, { name: 'before-sboms' });
      await service.createVersion(ALICE, 'before-sboms', {
        fingerprint: fp,
        template_type: 'HCL2',
      });
      const build = await service.createBuild(ALICE, 'before-sboms', fp, { component_type: 'a' });
      await test.storage.close();
      await runStatements(test.location, BEFORE_0004);

      const reopened = await openRegistryStorage(test.location);
      try {
        const document = zstd(cycloneDx('migrated'));
        const ref = { bucket: 'before-sboms', fingerprint: fp, buildId: build.id };
        const sbom = await reopened.service.uploadSbom(ALICE, ref, {
          compressed_sbom: document.toString('base64'),
          format: 'CYCLONEDX',
          name: 'after-migration',
        });
        expect(sbom.name).toBe('after-migration');
        const link = await reopened.service.getSbomLink(ref, sbom.name);
        const [, id, expires, signature] =
          /^\/sbom-downloads\/(\w+)\?expires=(\d+)&signature=(\w+)$/.exec(link) ?? [];
        const read = await reopened.service.readSbomLink(id, expires, signature);
        expect(read.compressed.equals(document)).toBe(true);
      } finally {
        await reopened.close();
      }
    } finally {
      await test.dispose();
    }
  });
});
