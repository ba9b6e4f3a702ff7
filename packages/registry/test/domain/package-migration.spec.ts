import { openRegistryStorage } from '@imprint/registry';
import { openTestStorage, rawQuery, testEngines } from '@imprint/registry/testing';
import { ALICE, fingerprint } from '../helpers/fixtures';
import { BEFORE_0006 } from '../helpers/migrations';
import { cycloneDxOf, deb } from '../helpers/package-sboms';
import { runStatements, zstd, zstdReady } from '../helpers/sboms';

/** What migration 0005 added, taken away again: SBOMs stored before packages were parsed. */
const BEFORE_0005 = [
  ...BEFORE_0006,
  'drop table packages',
  'alter table sboms drop column packages_indexed',
  "delete from kysely_migration where name = '0005-packages'",
];

/** SBOMs stored before migration 0005 get their packages parsed when the storage opens. */
describe.each(testEngines())('migration 0005-packages (%s)', (engine) => {
  it('parses the packages of SBOMs stored before it, once', async () => {
    await zstdReady();
    const test = await openTestStorage(engine);
    try {
      const fp = fingerprint('pkgmig');
      const service = test.storage.service;
      await service.createBucket(ALICE, { name: 'before-packages' });
      await service.createVersion(ALICE, 'before-packages', {
        fingerprint: fp,
        template_type: 'HCL2',
      });
      const build = await service.createBuild(ALICE, 'before-packages', fp, {
        component_type: 'a',
      });
      const ref = { bucket: 'before-packages', fingerprint: fp, buildId: build.id };
      const document = cycloneDxOf([
        { type: 'library', name: 'openssl', version: '3.0.2', purl: deb('openssl', '3.0.2') },
        { type: 'library', name: 'bash', version: '5.1' },
      ]);
      const sbom = await service.uploadSbom(ALICE, ref, {
        compressed_sbom: zstd(document).toString('base64'),
        format: 'CYCLONEDX',
        name: 'old-sbom',
      });
      await test.storage.close();
      await runStatements(test.location, BEFORE_0005);

      for (let open = 0; open < 2; open += 1) {
        const reopened = await openRegistryStorage(test.location);
        try {
          const listed = await reopened.service.listBuildPackages(ref);
          expect(listed.packages.map((p) => [p.name, p.version, p.purl, p.sboms])).toEqual([
            ['bash', '5.1', '', [sbom]],
            ['openssl', '3.0.2', deb('openssl', '3.0.2'), [sbom]],
          ]);
          const found = await reopened.service.searchPackages({ name: 'openssl' });
          expect(found.packages.map((h) => h.build_id)).toEqual([build.id]);
        } finally {
          await reopened.close();
        }
      }
      // Opened twice, parsed once.
      const rows = await rawQuery(test.location, 'select count(*) as n from packages');
      expect(Number(rows[0].n)).toBe(2);
    } finally {
      await test.dispose();
    }
  });
});
