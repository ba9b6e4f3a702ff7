import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { MINUTE, TestClock, fingerprint } from '../helpers/fixtures';
import { expectStatus, ok } from '../helpers/http';
import { cycloneDx, uploadBody, zstd, zstdReady } from '../helpers/sboms';

/** When SBOMs can be uploaded, and how long their download URLs last (embedded mode, a test clock). */
describe.each(testEngines())('SBOM rules (%s)', (engine) => {
  const clock = new TestClock(Date.now());
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, storageOptions: { now: clock.now } },
  );
  const bucket = 'sbom-rules';

  async function versionWithBuild(fp: string): Promise<string> {
    ok(
      await registry.request('POST', `${registry.base}/buckets/${bucket}/versions`, {
        body: { fingerprint: fp, template_type: 'HCL2' },
      }),
    );
    return ok(
      await registry.request('POST', `${registry.base}/buckets/${bucket}/versions/${fp}/builds`, {
        body: { component_type: 'source.null.a' },
      }),
    ).build.id;
  }
  const sbomsOf = (fp: string, build: string) =>
    `${registry.base}/buckets/${bucket}/versions/${fp}/builds/${build}/sboms`;

  beforeAll(async () => {
    await zstdReady();
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: bucket } }));
  });

  it('takes SBOMs while the version is incomplete, then answers 400 / code 9 like other build writes', async () => {
    const fp = fingerprint('complete');
    const build = await versionWithBuild(fp);
    ok(
      await registry.request('PUT', sbomsOf(fp, build), {
        body: uploadBody(zstd(cycloneDx('before')), 'CYCLONEDX', 'before'),
      }),
    );
    ok(
      await registry.request(
        'PATCH',
        `${registry.base}/buckets/${bucket}/versions/${fp}/builds/${build}`,
        {
          body: {
            status: 'BUILD_DONE',
            artifacts: [{ external_identifier: 'img-1', region: 'eu' }],
          },
        },
      ),
    );
    const late = await registry.request('PUT', sbomsOf(fp, build), {
      body: uploadBody(zstd(cycloneDx('after')), 'CYCLONEDX', 'after'),
    });
    expect(expectStatus(late, 400, 9).message).toContain('is complete');
    // What was uploaded during the build stays readable.
    expect(
      ok(await registry.request('GET', sbomsOf(fp, build))).sboms.map(
        (s: { name: string }) => s.name,
      ),
    ).toEqual(['before']);
  });

  it('answers a download URL for 10 minutes, then 403 / code 7 asking for a new one', async () => {
    const fp = fingerprint('expiry');
    const build = await versionWithBuild(fp);
    const compressed = zstd(cycloneDx('expiry'));
    ok(
      await registry.request('PUT', sbomsOf(fp, build), {
        body: uploadBody(compressed, 'CYCLONEDX', 'doc'),
      }),
    );
    const { download_url } = ok(await registry.request('GET', `${sbomsOf(fp, build)}/doc`));
    const path = download_url.slice(registry.url.length);
    clock.advance(9 * MINUTE);
    const fresh = await fetch(download_url);
    expect(Buffer.from(await fresh.arrayBuffer()).equals(compressed)).toBe(true);
    clock.advance(2 * MINUTE);
    expect(expectStatus(await registry.request('GET', path), 403, 7).message).toBe(
      'This SBOM download URL has expired. Ask GetSbom for a new one.',
    );
  });
});
