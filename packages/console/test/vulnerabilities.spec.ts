import { CRITICALITIES } from '@imprint/client';
import type { Locator, Page } from 'playwright-core';
import {
  eventually,
  screenshot,
  useConsolePage,
  type ConsoleRegistry,
} from './support/console-harness';
import { importOsvFixtures, seedShop } from './support/vulnerabilities';

jest.setTimeout(180_000);

/** The 13 vulnerabilities of `shop` v1, worst first then by id, as the registry lists them. */
const SHOP_V1 = [
  ['DSA-5532-1', 'Critical'],
  ['GHSA-xvch-5gv4-984h', 'Critical'],
  ['GHSA-35jh-r3h4-6jhm', 'High'],
  ['DSA-5585-1', 'Medium'],
  ['GHSA-wdgt-0001-test', 'Medium'],
  ['GHSA-wdgt-0003-test', 'Medium'],
  ['GHSA-wdgt-0005-test', 'Medium'],
  ['GHSA-wdgt-0007-test', 'Medium'],
  ['DSA-5593-1', 'Low'],
  ['GHSA-wdgt-0002-test', 'Low'],
  ['GHSA-wdgt-0004-test', 'Low'],
  ['GHSA-wdgt-0006-test', 'Low'],
  ['DSA-5587-1', 'Unknown'],
];
/** The one vulnerability of the version on the restricted channel `canary`. */
const CANARY_ONLY = ['GHSA-cnry-0001-test', 'High'];
const countOf = (rows: string[][], criticality: string) =>
  rows.filter(([, c]) => c === criticality).length;

/** The summary's totals for `rows`: [criticality, count], worst first, empty ones left out. */
function totalsOf(rows: string[][]): string[][] {
  return CRITICALITIES.map((c) => [c, String(countOf(rows, c))]).filter(([, n]) => n !== '0');
}

/** A channel's row of the summary table for `rows`: a count per criticality (all five are columns here). */
function channelRow(channel: string, rows: string[][]): string[] {
  return [channel, ...CRITICALITIES.map((c) => String(countOf(rows, c)))];
}

describe('web console: vulnerabilities', () => {
  const opened = useConsolePage((started) => seedShop(started.client), {
    principals: [{ name: 'shop-viewer', role: 'viewer' }],
  });
  let registry: ConsoleRegistry;
  let page: Page;
  beforeAll(() => ({ registry, page } = opened));

  /** Opens shop v1's page and waits for its OS build's packages, in name order. */
  async function openShopVersion(): Promise<void> {
    await page.goto(`${registry.url}/#/buckets/shop/versions/fp-shop-1`);
    await expect(packageNames('amazon-ebs.shop')).resolves.toEqual([
      'curl',
      'glibc',
      'openssl',
      'tar',
    ]);
  }

  async function signIn(name: string): Promise<void> {
    const credentials = registry.credentials.get(name)!;
    await page.goto(`${registry.url}/#/buckets`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Client id').fill(credentials.clientId);
    await page.getByLabel('Client secret').fill(credentials.clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('identity').innerText()).resolves.toContain(name);
  }

  const build = (component: string): Locator =>
    page.locator(`article.build-sboms[data-build="${component}"]`);

  /** A build's package names, in the order its table shows them, once its last request is answered. */
  async function packageNames(component: string): Promise<(string | null)[]> {
    await page
      .locator(`article.build-sboms[data-build="${component}"][data-packages="done"]`)
      .waitFor();
    return build(component)
      .locator('table.packages > tbody > tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-package')));
  }

  /** For each element `rows` finds: its `key` attribute, then the text of each of its `cells`. */
  function readRows(rows: Locator, key: string, cells: string): Promise<string[][]> {
    return rows.evaluateAll(
      (elements, [k, c]) =>
        elements.map((element) => [
          element.getAttribute(k) ?? '',
          ...[...element.querySelectorAll(c)].map((cell) => cell.textContent?.trim() ?? ''),
        ]),
      [key, cells] as const,
    );
  }

  /** The [id, criticality] rows of a vulnerability list, once its last request is answered. */
  async function listed(list: string): Promise<string[][]> {
    const root = page.locator(`[data-testid="${list}-list"][data-loading="done"]`);
    await root.waitFor();
    return readRows(
      root.locator('table.vulnerabilities > tbody > tr'),
      'data-vulnerability',
      'td[data-label="Criticality"]',
    );
  }

  /** The totals of the bucket summary: [criticality, count] in the order shown. */
  const totals = () =>
    readRows(
      page.locator('ul.criticality-totals > li'),
      'data-criticality',
      '[data-testid="total"]',
    );

  /** Each channel row of the summary: its name and its count per criticality column. */
  const channelCounts = () =>
    readRows(
      page.locator('table.channel-vulnerabilities > tbody > tr'),
      'data-channel',
      'td[data-criticality]',
    );

  it('says plainly that no vulnerability data was imported yet', async () => {
    await signIn('seeder');
    await openShopVersion();
    await expect(
      build('amazon-ebs.shop')
        .locator('tr[data-package="openssl"] td[data-label="Vulnerabilities"]')
        .innerText(),
    ).resolves.toBe('not scanned');
    const message =
      'No vulnerability data imported: an operator runs imprint-registry vulns import.';
    await expect(page.getByTestId('no-vulnerability-data').innerText()).resolves.toBe(message);

    await page.goto(`${registry.url}/#/buckets/shop`);
    await page.getByTestId('vulnerabilities-link').click();
    await page.waitForURL(/#\/buckets\/shop\/vulnerabilities$/);
    await expect(page.getByTestId('no-vulnerability-data').innerText()).resolves.toBe(message);
    await expect(page.locator('ul.criticality-totals').count()).resolves.toBe(0);
  });

  it('imports the OSV fixtures through the storage, as `vulns import` does', async () => {
    const summary = await importOsvFixtures(registry.storage);
    expect(summary).toMatchObject({ records: 15, added: 15, invalid: 0, matchesAdded: 14 });
  });

  it("badges each package's vulnerabilities, lists them, and sorts worst first", async () => {
    await openShopVersion();
    const cell = (component: string, name: string): Locator =>
      build(component).locator(`tr[data-package="${name}"] > td[data-label="Vulnerabilities"]`);
    const badge = async (component: string, name: string) => [
      await cell(component, name)
        .locator('summary [data-criticality]')
        .getAttribute('data-criticality'),
      await cell(component, name).locator('summary').innerText(),
    ];
    await expect(badge('amazon-ebs.shop', 'openssl')).resolves.toEqual([
      'Critical',
      'Critical 2 vulnerabilities',
    ]);
    await expect(badge('amazon-ebs.shop', 'curl')).resolves.toEqual([
      'Unknown',
      'Unknown 1 vulnerability',
    ]);
    await expect(badge('docker.shop', 'widget')).resolves.toEqual([
      'Medium',
      'Medium 7 vulnerabilities',
    ]);
    // Past its fix (glibc) or never affected (left-pad): scanned, nothing matched.
    await expect(cell('amazon-ebs.shop', 'glibc').innerText()).resolves.toBe('none');
    await expect(cell('docker.shop', 'left-pad').innerText()).resolves.toBe('none');

    // The row expands to its vulnerabilities: id and aliases, criticality, score, fix, description.
    await cell('amazon-ebs.shop', 'openssl').locator('summary').click();
    const details = cell('amazon-ebs.shop', 'openssl').locator('table tbody tr');
    await expect(
      details.evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => td.textContent?.replace(/\s+/g, ' ').trim()),
        ),
      ),
    ).resolves.toEqual([
      [
        'DSA-5532-1 aka CVE-2023-5363',
        'Critical',
        '9.8',
        '3.0.11-1~deb12u2',
        'openssl - security update (remote code execution)',
      ],
      [
        'DSA-5585-1 aka CVE-2023-6129',
        'Medium',
        '5.3',
        '3.0.13-1~deb12u1',
        'openssl - security update (denial of service)',
      ],
    ]);

    // Sorting by vulnerabilities: worst first (criticality, then count), clean last; again reverses.
    await build('amazon-ebs.shop')
      .getByRole('button', { name: /Vulnerabilities/ })
      .click();
    await eventually(() => packageNames('amazon-ebs.shop'), ['openssl', 'tar', 'curl', 'glibc']);
    // The open list moved with its package (rows are keyed), not left on the third row.
    await expect(
      build('amazon-ebs.shop')
        .locator('table.packages > tbody > tr:has(details[open])')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-package'))),
    ).resolves.toEqual(['openssl']);
    await expect(
      build('amazon-ebs.shop').locator('th[aria-sort="descending"]').innerText(),
    ).resolves.toMatch(/^Vulnerabilities/);
    await build('docker.shop')
      .getByRole('button', { name: /Vulnerabilities/ })
      .click();
    await eventually(
      () => packageNames('docker.shop'),
      ['minimist', 'lodash', 'widget', 'left-pad'],
    );
    await build('docker.shop')
      .getByRole('button', { name: /Vulnerabilities/ })
      .click();
    await eventually(
      () => packageNames('docker.shop'),
      ['left-pad', 'widget', 'lodash', 'minimist'],
    );

    await page
      .locator('[data-testid="ancestry-graph"][data-layout="done"]')
      .waitFor({ timeout: 30_000 });
    await build('amazon-ebs.shop')
      .getByRole('button', { name: /Vulnerabilities/ })
      .click();
    await eventually(() => packageNames('amazon-ebs.shop'), ['glibc', 'curl', 'tar', 'openssl']);
    await build('amazon-ebs.shop')
      .getByRole('button', { name: /Vulnerabilities/ })
      .click();
    await eventually(() => packageNames('amazon-ebs.shop'), ['openssl', 'tar', 'curl', 'glibc']);
    await page.locator('#sboms-title').evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'build-sboms');
  });

  it("lists the version's vulnerabilities worst first, filtered by criticality", async () => {
    await page.goto(`${registry.url}/#/buckets/shop/versions/fp-shop-1`);
    await expect(listed('version-vulnerabilities')).resolves.toEqual(SHOP_V1);
    const row = page.locator(
      '[data-testid="version-vulnerabilities-list"] tr[data-vulnerability="DSA-5532-1"]',
    );
    await expect(row.locator('td[data-label="Packages"]').innerText()).resolves.toBe(
      'openssl 3.0.11-1~deb12u1',
    );
    await expect(row.locator('td[data-label="Builds"]').innerText()).resolves.toBe(
      'amazon-ebs.shop',
    );

    const filter = page.locator('#version-vulnerabilities-criticality');
    await filter.selectOption('Critical');
    await eventually(
      () => listed('version-vulnerabilities'),
      SHOP_V1.filter(([, c]) => c === 'Critical'),
    );
    await filter.selectOption('Low');
    await eventually(
      () => listed('version-vulnerabilities'),
      SHOP_V1.filter(([, c]) => c === 'Low'),
    );
    await expect(
      page.locator('[data-testid="version-vulnerabilities-list"] [role="status"]').innerText(),
    ).resolves.toBe('4 vulnerabilities (1–4), page 1');
    await filter.selectOption('');
    await eventually(() => listed('version-vulnerabilities'), SHOP_V1);
  });

  it("summarises the bucket's channel versions and pages through their vulnerabilities", async () => {
    await page.goto(`${registry.url}/#/buckets/shop/vulnerabilities`);
    await page.locator('ul.criticality-totals').waitFor();
    // The admin sees canary's express vulnerability too: 14 in all (2 Critical, 2 High, …).
    await expect(totals()).resolves.toEqual(totalsOf([...SHOP_V1, CANARY_ONLY]));
    await expect(channelCounts()).resolves.toEqual([
      channelRow('canary', [CANARY_ONLY]),
      channelRow('latest', SHOP_V1),
      channelRow('production', SHOP_V1),
    ]);
    const all = await listed('bucket-vulnerabilities');
    expect(all).toHaveLength(14);
    expect(all).toContainEqual(CANARY_ONLY);
    await expect(
      page
        .locator('tr[data-vulnerability="GHSA-cnry-0001-test"] td[data-label="Channels"]')
        .innerText(),
    ).resolves.toBe('canary');
    await screenshot(page, 'vulnerabilities', { fullPage: true });

    // Ten per page: 14 → 10 + 4, and back, through the registry's page tokens.
    await page.locator('#bucket-vulnerabilities-page-size').selectOption('10');
    await eventually(() => listed('bucket-vulnerabilities'), all.slice(0, 10));
    const pager = page.getByRole('navigation', { name: /pages$/ });
    await pager.getByRole('button', { name: 'Next page' }).click();
    await eventually(() => listed('bucket-vulnerabilities'), all.slice(10));
    await expect(pager.getByRole('button', { name: 'Next page' }).isDisabled()).resolves.toBe(true);
    await expect(
      page.locator('[data-testid="bucket-vulnerabilities-list"] [role="status"]').innerText(),
    ).resolves.toBe('4 vulnerabilities (11–14), page 2');
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await eventually(() => listed('bucket-vulnerabilities'), all.slice(0, 10));

    // A filter starts again at page 1.
    await page.locator('#bucket-vulnerabilities-criticality').selectOption('High');
    await eventually(
      () => listed('bucket-vulnerabilities'),
      [
        ['GHSA-35jh-r3h4-6jhm', 'High'],
        ['GHSA-cnry-0001-test', 'High'],
      ],
    );
    await expect(pager.count()).resolves.toBe(0);
  });

  it('leaves restricted-channel-only vulnerabilities out for a viewer', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('shop-viewer');
    await page.goto(`${registry.url}/#/buckets/shop/vulnerabilities`);
    await page.locator('ul.criticality-totals').waitFor();
    await expect(totals()).resolves.toEqual(totalsOf(SHOP_V1));
    // `latest` is restricted too (HCP's default for the managed channel): only production is left.
    await expect(channelCounts()).resolves.toEqual([channelRow('production', SHOP_V1)]);
    await expect(listed('bucket-vulnerabilities')).resolves.toEqual(SHOP_V1);
    await page.locator('#bucket-vulnerabilities-criticality').selectOption('High');
    await eventually(() => listed('bucket-vulnerabilities'), [['GHSA-35jh-r3h4-6jhm', 'High']]);
  });
});
