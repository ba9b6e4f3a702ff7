import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertPrerequisites,
  launchBrowser,
  screenshot,
  seedChain,
  startConsoleRegistry,
  watchConsole,
  type ConsoleRegistry,
  type SeededChain,
} from './support/console-harness';

jest.setTimeout(120_000);

/**
 * The console against a real registry in embedded mode (127.0.0.1, no
 * principals: the caller is the anonymous admin), seeded through the public
 * API: ubuntu-base v1 → web-app v1 (declared, now out of date) → api-service v1
 * (inferred from web-app's AMI).
 */
describe('web console (embedded admin)', () => {
  let registry: ConsoleRegistry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seeded: SeededChain;
  let problems: string[];

  beforeAll(async () => {
    assertPrerequisites();
    registry = await startConsoleRegistry();
    seeded = await seedChain(registry.client);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    problems = watchConsole(page);
  });

  afterAll(async () => {
    await browser?.close();
    await registry?.close();
  });

  afterEach(() => {
    expect(problems).toEqual([]);
  });

  const versionUrl = (bucket: string, fingerprint: string): string =>
    `${registry.url}/#/buckets/${bucket}/versions/${fingerprint}`;

  async function openGraph(bucket: string, fingerprint: string): Promise<void> {
    await page.goto(versionUrl(bucket, fingerprint));
    await page
      .locator('[data-testid="ancestry-graph"][data-layout="done"]')
      .waitFor({ timeout: 30_000 });
  }

  it('lists the buckets: searchable, sortable, with latest version, count and ancestry status', async () => {
    await page.goto(`${registry.url}/`);
    await page.waitForURL(/#\/buckets$/);
    const rows = page.locator('table.buckets tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(3);
    expect(
      await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-bucket'))),
    ).toEqual(['api-service', 'ubuntu-base', 'web-app']);
    const webApp = page.locator('tr[data-bucket="web-app"]');
    await expect(webApp.locator('[data-ancestry]').getAttribute('data-ancestry')).resolves.toBe(
      'out-of-date',
    );
    const base = page.locator('tr[data-bucket="ubuntu-base"]');
    await expect(base.locator('td[data-label="Latest version"]').innerText()).resolves.toContain(
      'v2',
    );
    await expect(base.locator('td[data-label="Versions"]').innerText()).resolves.toBe('2');
    await expect(base.locator('td[data-label="Platforms"]').innerText()).resolves.toBe('aws');
    await expect(page.getByTestId('identity').innerText()).resolves.toContain('anonymous (admin)');
    await screenshot(page, 'buckets');

    // 12.12: a bucket with no parents says so ("—"), not "Undetermined".
    const baseAncestry = base.locator('[data-ancestry]');
    await expect(baseAncestry.getAttribute('data-ancestry')).resolves.toBe('none');
    await expect(baseAncestry.innerText()).resolves.toBe('—');

    // Sort by name, descending, with a real button.
    await page.getByRole('button', { name: /Bucket/ }).click();
    expect(
      await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-bucket'))),
    ).toEqual(['web-app', 'ubuntu-base', 'api-service']);
    await expect(page.locator('th[aria-sort="descending"]').count()).resolves.toBe(1);

    // Filter.
    await page.getByLabel('Filter buckets').fill('ubuntu');
    expect(
      await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-bucket'))),
    ).toEqual(['ubuntu-base']);
  });

  it('renders the buckets list at a narrow width', async () => {
    const narrow = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
    });
    try {
      const small = await narrow.newPage();
      const smallProblems = watchConsole(small);
      await small.goto(`${registry.url}/#/buckets`);
      await small.locator('table.buckets tbody tr').first().waitFor();
      // No horizontal scrolling of the page itself.
      const overflow = await small.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(1);
      await screenshot(small, 'buckets-narrow', { fullPage: false });
      expect(smallProblems).toEqual([]);
    } finally {
      await narrow.close();
    }
  });

  it('shows a bucket: versions, channels with their current version and history, builds with artifacts', async () => {
    await page.goto(`${registry.url}/#/buckets/ubuntu-base`);
    await page.locator('table.versions').waitFor();
    const versions = page.locator('table.versions > tbody > tr');
    await expect(versions.count()).resolves.toBe(2);
    const production = page.locator('tr[data-channel="production"]');
    await expect(
      production.locator('td[data-label="Current version"]').innerText(),
    ).resolves.toContain('v2');
    await production.locator('summary').click();
    await expect(production.locator('ol.history li').count()).resolves.toBe(2);
    const v1 = page.locator('tr[data-fingerprint="fp-base-1"]');
    await v1.locator('summary').click();
    await expect(v1.locator('code.artifact-id').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining(['ami-0base0000000000b01', 'ami-0base0000000000b02']),
    );
    await expect(v1.locator('[data-status]').first().getAttribute('data-status')).resolves.toBe(
      'active',
    );
    await screenshot(page, 'bucket', { fullPage: true });
  });

  it('draws the ancestry graph across buckets: declared, inferred and out-of-date links', async () => {
    await openGraph('web-app', 'fp-app-1');
    const graph = page.getByTestId('ancestry-graph');
    await expect(graph.getAttribute('data-node-count')).resolves.toBe('3');
    const node = (bucket: string, fingerprint: string) =>
      page.locator(`a.node[data-bucket="${bucket}"][data-fingerprint="${fingerprint}"]`);
    for (const [bucket, fingerprint, name] of [
      ['ubuntu-base', 'fp-base-1', 'v1'],
      ['web-app', 'fp-app-1', 'v1'],
      ['api-service', 'fp-service-1', 'v1'],
    ]) {
      await expect(node(bucket, fingerprint).getAttribute('data-status')).resolves.toBe('active');
      const text = await node(bucket, fingerprint).textContent();
      expect(text).toContain(bucket);
      expect(text).toContain(name);
      expect(text).toContain('Active');
    }
    await expect(node('web-app', 'fp-app-1').getAttribute('class')).resolves.toContain('focus');

    // Parents above, children below.
    const y = async (bucket: string, fingerprint: string) =>
      (await node(bucket, fingerprint).boundingBox())!.y;
    expect(await y('ubuntu-base', 'fp-base-1')).toBeLessThan(await y('web-app', 'fp-app-1'));
    expect(await y('web-app', 'fp-app-1')).toBeLessThan(await y('api-service', 'fp-service-1'));

    const declared = page.locator(
      'g.edge[data-parent="ubuntu-base/fp-base-1"][data-child="web-app/fp-app-1"]',
    );
    await expect(declared.getAttribute('class')).resolves.toBe('edge declared out-of-date');
    await expect(declared.getAttribute('data-status')).resolves.toBe('OUT_OF_DATE');
    await expect(declared.locator('text.edge-label').textContent()).resolves.toBe('out of date');
    const inferred = page.locator(
      'g.edge[data-parent="web-app/fp-app-1"][data-child="api-service/fp-service-1"]',
    );
    await expect(inferred.getAttribute('class')).resolves.toBe('edge inferred');
    // Drawn differently: dashed.
    await expect(
      inferred
        .locator('path')
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).strokeDasharray),
    ).resolves.not.toBe('none');
    await expect(
      declared
        .locator('path')
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).strokeDasharray),
    ).resolves.toBe('none');

    // Metadata is shown.
    const metadata = await page.locator('article.metadata').first().innerText();
    expect(metadata).toContain('1.16.0');
    expect(metadata).toContain('4f2a9c1e0b7d');
    expect(metadata).toContain('github-actions');
    await screenshot(page, 'version', { fullPage: true });

    // Nodes are links: keyboard focus and Enter navigate.
    await node('web-app', 'fp-app-1').focus();
    await page.keyboard.press('ArrowDown');
    await expect(
      page.evaluate<string | null>("document.activeElement?.getAttribute('data-key')"),
    ).resolves.toBe('api-service/fp-service-1');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/buckets\/api-service\/versions\/fp-service-1$/);
    await page.locator('h1', { hasText: 'api-service v1' }).waitFor();

    // And a click on a parent node navigates too.
    await page.locator('[data-testid="ancestry-graph"][data-layout="done"]').waitFor();
    await page.locator('a.node[data-bucket="ubuntu-base"]').click();
    await page.waitForURL(/#\/buckets\/ubuntu-base\/versions\/fp-base-1$/);
  });

  it('finds the version that produced an AMI from the search box', async () => {
    await page.goto(`${registry.url}/#/buckets`);
    await page.getByLabel('Find an artifact').fill('ami-0service000000d01');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(/#\/buckets\/api-service\/versions\/fp-service-1$/);
    await page.locator('h1', { hasText: 'api-service v1' }).waitFor();
    await expect(page.getByTestId('fingerprint').innerText()).resolves.toBe('fp-service-1');

    await page.getByLabel('Find an artifact').fill('ami-0doesnotexist');
    await page.getByLabel('Find an artifact').press('Enter');
    await page.getByTestId('no-match').waitFor();
  });

  // Issue 12, item 17: the dialogs say what will really happen (they are cancelled here).
  const open = (fingerprint: string) => openGraph('ubuntu-base', fingerprint);

  it('12.17 assign preselects a channel not on this version, and refuses one already on it', async () => {
    await open('fp-base-2');
    await page.getByRole('button', { name: 'Assign to channel…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign ubuntu-base v2 to a channel' });
    const select = dialog.getByLabel('Channel', { exact: true });
    await expect(select.inputValue()).resolves.toBe('lts');
    await expect(dialog.getByTestId('assign-effect').innerText()).resolves.toBe(
      'Channel lts moves from v1 to v2.',
    );
    const assign = dialog.getByRole('button', { name: 'Assign' });
    await expect(assign.isEnabled()).resolves.toBe(true);

    await select.selectOption('production');
    await expect(dialog.getByTestId('assign-effect').innerText()).resolves.toBe(
      'Channel production already points at v2: nothing to assign.',
    );
    await expect(assign.isDisabled()).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('12.17 revoke says per channel whether it rolls back, and to what, or stays', async () => {
    await open('fp-base-2');
    await page.getByRole('button', { name: 'Revoke…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Revoke ubuntu-base v2' });
    let channels = dialog.getByTestId('affected-channels');
    await channels.waitFor();
    await expect(channels.locator('li[data-channel="production"]').innerText()).resolves.toBe(
      'production rolls back from v2 to v1.',
    );
    await expect(channels.locator('li[data-channel="latest"]').innerText()).resolves.toBe(
      'latest rolls back from v2 to v1 (managed: the newest valid version).',
    );
    await expect(dialog.innerText()).resolves.not.toContain('previous valid version:');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await open('fp-base-1');
    await page.getByRole('button', { name: 'Revoke…' }).click();
    dialog = page.getByRole('dialog', { name: 'Revoke ubuntu-base v1' });
    channels = dialog.getByTestId('affected-channels');
    await channels.waitFor();
    await expect(channels.locator('li').count()).resolves.toBe(1);
    await expect(channels.locator('li[data-channel="lts"]').innerText()).resolves.toBe(
      'lts stays on v1: no earlier valid version to roll back to.',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('12.17 the graph header counts versions and links with the right plural ("1 version")', async () => {
    await open('fp-base-2');
    const counts = page.locator('[data-testid="ancestry-graph"] .muted.small').first();
    await expect(counts.innerText()).resolves.toMatch(/^1 version, 0 links$/);
    await open('fp-base-1');
    await expect(counts.innerText()).resolves.toMatch(/^3 versions, 2 links$/);
  });

  it('revokes through the confirmation dialog; descendants become inherited-revoked', async () => {
    await openGraph('ubuntu-base', 'fp-base-1');
    await page.getByRole('button', { name: 'Revoke…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke ubuntu-base v1' });
    await dialog.waitFor();
    const affected = dialog.getByTestId('affected-descendants');
    await affected.waitFor();
    await expect(affected.getAttribute('data-count')).resolves.toBe('2');
    const listed = await affected
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-key')));
    expect(listed.sort()).toEqual(['api-service/fp-service-1', 'web-app/fp-app-1']);
    await expect(dialog.getByTestId('affected-channels').innerText()).resolves.toContain('lts');
    await dialog.getByLabel('Reason').fill('CVE-2026-0001 in openssl');
    await screenshot(page, 'revoke-dialog');

    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('h1 [data-status="revoked"]').waitFor();
    await page.locator('[data-testid="ancestry-graph"][data-layout="done"]').waitFor();
    const status = (bucket: string) =>
      page.locator(`a.node[data-bucket="${bucket}"]`).getAttribute('data-status');
    await expect(status('ubuntu-base')).resolves.toBe('revoked');
    await expect(status('web-app')).resolves.toBe('inherited-revoked');
    await expect(status('api-service')).resolves.toBe('inherited-revoked');
    await expect(page.locator('.revocation').innerText()).resolves.toContain(
      'CVE-2026-0001 in openssl',
    );
    await expect(page.getByRole('button', { name: 'Restore…' }).count()).resolves.toBe(1);
    await page.evaluate("document.getElementById('ancestry-title')?.scrollIntoView()");
    await screenshot(page, 'version-revoked');

    for (const [bucket, fingerprint] of [
      ['web-app', 'fp-app-1'],
      ['api-service', 'fp-service-1'],
    ]) {
      const version = await registry.client.getVersion(bucket, fingerprint);
      expect([version.status, version.revocation_type]).toEqual(['VERSION_REVOKED', 'INHERITED']);
      expect(version.revocation_inherited_from?.version_id).toBe(seeded.base1.id);
    }

    // The inherited revocation names its origin on the descendant's page.
    await page.goto(versionUrl('web-app', 'fp-app-1'));
    await expect(page.getByTestId('inherited-from').innerText()).resolves.toBe('ubuntu-base v1');
    // An inherited revocation is restored on the ancestor, not here.
    await expect(page.locator('[data-action]').count()).resolves.toBe(0);
  });

  it('restores through the confirmation dialog, listing the descendants it restores', async () => {
    await openGraph('ubuntu-base', 'fp-base-1');
    await page.getByRole('button', { name: 'Restore…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore ubuntu-base v1' });
    await expect(
      dialog.getByTestId('affected-descendants').getAttribute('data-count'),
    ).resolves.toBe('2');
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('h1 [data-status="active"]').waitFor();
    expect((await registry.client.getVersion('web-app', 'fp-app-1')).status).toBe('VERSION_ACTIVE');
  });

  it('assigns a channel through the confirmation dialog', async () => {
    await page.goto(versionUrl('ubuntu-base', 'fp-base-1'));
    await page.getByRole('button', { name: 'Assign to channel…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign ubuntu-base v1 to a channel' });
    await dialog.getByLabel('Channel', { exact: true }).selectOption('production');
    await expect(dialog.getByTestId('assign-effect').innerText()).resolves.toBe(
      'Channel production moves from v2 to v1.',
    );
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await dialog.waitFor({ state: 'detached' });
    const channel = await registry.client.getChannel('ubuntu-base', 'production');
    expect(channel.version?.fingerprint).toBe('fp-base-1');
  });
});
