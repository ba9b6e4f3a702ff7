import { readFile } from 'node:fs/promises';
import type { RegistryClient } from '@imprint/client';
import type { Locator, Page } from 'playwright-core';
import {
  eventually,
  publish,
  screenshot,
  useConsolePage,
  type ConsoleRegistry,
} from './support/console-harness';
import { cycloneDx, debComponent, zstdDecompress, type SeedSbom } from './support/sboms';

jest.setTimeout(120_000);

/** The web image's OS SBOM, out of name order as a scanner writes it. */
const WEB_OS: SeedSbom = {
  name: 'web-os',
  components: [
    debComponent('zlib1g', '1.2.11'),
    debComponent('openssl', '3.0.2'),
    debComponent('libssl3', '3.0.2'),
    debComponent('curl', '7.81.0'),
    debComponent('libc6', '2.35'),
  ],
};
const API_OS: SeedSbom = {
  name: 'api-os',
  components: [debComponent('openssl', '3.0.13'), debComponent('libc6', '2.39')],
};

/**
 * SBOMs and packages in the console, against a real registry in embedded
 * mode: `web-app` v1 has an SBOM on its AMI build and none on its container
 * build; `api-service` v1 names a newer openssl.
 */
/** Publishes the images of the specs, each build uploading its SBOMs before it is done. */
async function seedImages(client: RegistryClient): Promise<void> {
  await publish(client, 'web-app', 'fp-web-1', [
    {
      component: 'amazon-ebs.web',
      artifacts: [{ id: 'ami-0web000000000a01', region: 'us-east-1' }],
      sboms: [WEB_OS],
    },
    {
      component: 'docker.web',
      artifacts: [{ id: 'sha256:0eb0000000000000000000000000001', region: 'docker' }],
    },
  ]);
  await publish(client, 'api-service', 'fp-api-1', [
    {
      component: 'amazon-ebs.api',
      artifacts: [{ id: 'ami-0api000000000b01', region: 'us-east-1' }],
      sboms: [API_OS],
    },
  ]);
}

describe('web console: SBOMs and packages', () => {
  const opened = useConsolePage((started) => seedImages(started.client));
  let registry: ConsoleRegistry;
  let page: Page;
  beforeAll(() => ({ registry, page } = opened));

  const webBuild = (): Locator => page.locator('article.build-sboms[data-build="amazon-ebs.web"]');

  /** The package names the build's table shows, in order, once its last request is answered. */
  async function packageNames(): Promise<(string | null)[]> {
    await page
      .locator('article.build-sboms[data-build="amazon-ebs.web"][data-packages="done"]')
      .waitFor();
    return webBuild()
      .locator('table.packages tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-package')));
  }

  /** Types into the filter and waits until the list is the one for that prefix. */
  async function filterPackages(prefix: string, expected: string[]): Promise<void> {
    await webBuild().getByLabel('Filter packages by name').fill(prefix);
    await eventually(packageNames, expected);
  }

  it("shows a build's SBOMs and its packages, sorted and filtered by the registry", async () => {
    await page.goto(`${registry.url}/#/buckets/web-app/versions/fp-web-1`);
    const sbom = webBuild().locator('table.sboms tr[data-sbom="web-os"]');
    await sbom.waitFor();
    await expect(sbom.locator('td[data-label="Format"]').innerText()).resolves.toBe('CYCLONEDX');
    await expect(
      page
        .locator('article.build-sboms[data-build="docker.web"]')
        .getByTestId('no-sbom')
        .innerText(),
    ).resolves.toBe('No SBOM uploaded for this build.');

    await expect(packageNames()).resolves.toEqual([
      'curl',
      'libc6',
      'libssl3',
      'openssl',
      'zlib1g',
    ]);
    const openssl = webBuild().locator('tr[data-package="openssl"]');
    await expect(openssl.locator('td[data-label="Version"]').innerText()).resolves.toBe('3.0.2');
    await expect(openssl.locator('td[data-label="Package URL"]').innerText()).resolves.toBe(
      'pkg:deb/ubuntu/openssl@3.0.2',
    );
    // No OSV data in this registry: nothing was matched (vulnerabilities.spec.ts covers the rest,
    // and takes the screenshot of this section, with vulnerabilities).
    await expect(openssl.locator('td[data-label="Vulnerabilities"]').innerText()).resolves.toBe(
      'not scanned',
    );

    // Sort: by name descending, then by version (ascending first).
    await webBuild().getByRole('button', { name: /Name/ }).click();
    await eventually(packageNames, ['zlib1g', 'openssl', 'libssl3', 'libc6', 'curl']);
    await expect(page.locator('th[aria-sort="descending"]').innerText()).resolves.toMatch(/^Name/);
    await webBuild()
      .getByRole('button', { name: /Version/ })
      .click();
    await eventually(packageNames, ['zlib1g', 'libc6', 'libssl3', 'openssl', 'curl']);
    await webBuild().getByRole('button', { name: /Name/ }).click();
    await eventually(packageNames, ['curl', 'libc6', 'libssl3', 'openssl', 'zlib1g']);

    // Filter: a name prefix, any case, sent to the registry.
    await filterPackages('LIB', ['libc6', 'libssl3']);
    await expect(webBuild().getByRole('status').innerText()).resolves.toBe('2 packages');
    await filterPackages('nothing-like-this', []);
    await expect(webBuild().getByTestId('no-package').innerText()).resolves.toBe(
      'No package matches.',
    );
    // A prefix the registry refuses (over 1024 characters): its error, in the build's section.
    await webBuild().getByLabel('Filter packages by name').fill('x'.repeat(1025));
    const error = webBuild().locator('.error[role="alert"]');
    await error.waitFor();
    await expect(error.innerText()).resolves.toMatch(/^Error: .*package_name_starts_with/);
    await filterPackages('', ['curl', 'libc6', 'libssl3', 'openssl', 'zlib1g']);
    await expect(error.count()).resolves.toBe(0);
  });

  it('downloads an SBOM through its short-lived URL, still zstd-compressed', async () => {
    await page.goto(`${registry.url}/#/buckets/web-app/versions/fp-web-1`);
    const button = webBuild().getByRole('button', { name: 'Download web-os.json.zst' });
    await button.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('web-os.json.zst');
    const bytes = await readFile((await download.path())!);
    // A zstd frame (magic 28 b5 2f fd) holding the document as uploaded.
    expect(bytes.subarray(0, 4).toString('hex')).toBe('28b52ffd');
    expect((await zstdDecompress(bytes)).equals(cycloneDx(WEB_OS.components))).toBe(true);
  });

  it('finds the versions that contain a package and links to them', async () => {
    await page.goto(`${registry.url}/#/buckets`);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Packages' })
      .click();
    await page.waitForURL(/#\/packages$/);
    await page.getByLabel('Package name or package URL').fill('OpenSSL');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/#\/packages\?name=OpenSSL$/);
    const rows = page.locator('table.package-hits tbody tr');
    /** Each hit's bucket and package version. */
    const hits = (): Promise<(string | null | undefined)[][]> =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-bucket'),
          tr.querySelector('td[data-label="Version"]')?.textContent?.trim(),
        ]),
      );
    // Newest upload first: api-service was published after web-app.
    await eventually(hits, [
      ['api-service', '3.0.13'],
      ['web-app', '3.0.2'],
    ]);
    await screenshot(page, 'packages');

    // With a version, and then by package URL: only web-app's.
    await page.getByLabel('Version (optional)').fill('3.0.2');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/#\/packages\?name=OpenSSL&version=3\.0\.2$/);
    await eventually(hits, [['web-app', '3.0.2']]);
    const hit = rows.first();
    await expect(hit.getAttribute('data-bucket')).resolves.toBe('web-app');
    await expect(hit.locator('td[data-label="Component"]').innerText()).resolves.toBe(
      'amazon-ebs.web',
    );
    await page.goto(
      `${registry.url}/#/packages?name=${encodeURIComponent('pkg:deb/ubuntu/openssl@3.0.13')}`,
    );
    await eventually(hits, [['api-service', '3.0.13']]);

    await page.goto(`${registry.url}/#/packages?name=OpenSSL&version=3.0.2`);
    await rows.locator('td[data-label="Image version"] a').click();
    await page.waitForURL(/#\/buckets\/web-app\/versions\/fp-web-1$/);
    await webBuild().locator('table.sboms').waitFor();
  });

  it('says when no package matches, and shows the API refusing a search', async () => {
    await page.goto(`${registry.url}/#/packages?name=no-such-package`);
    await expect(page.getByTestId('no-package').innerText()).resolves.toBe(
      'No package matches no-such-package.',
    );
    // Longer than any name the registry takes (1024 characters): a 400 the page shows.
    await page.goto(`${registry.url}/#/packages?name=${'x'.repeat(1025)}`);
    const error = page.locator('main .error[role="alert"]');
    await error.waitFor();
    await expect(error.innerText()).resolves.toMatch(/^Error: .*name/);
  });
});
