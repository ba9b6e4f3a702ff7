import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import {
  eventually,
  launchBrowser,
  openConsolePage,
  publish,
  screenshot,
  useConsolePage,
} from './support/console-harness';

jest.setTimeout(120_000);

const AXE_SOURCE = readFileSync(
  path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'),
  'utf8',
);

/** One audit row as the person reads it: the cells by column. */
async function auditRows(page: Page): Promise<Record<string, string>[]> {
  return page
    .locator('table.audit-events tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        Object.fromEntries(
          [...row.querySelectorAll('td')].map((cell) => [
            cell.dataset.label ?? '',
            (cell.textContent ?? '').trim(),
          ]),
        ),
      ),
    );
}

async function signIn(page: Page, url: string, id: string, secret: string): Promise<void> {
  await page.goto(`${url}/#/buckets`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Client id').fill(id);
  await page.getByLabel('Client secret').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('identity').waitFor();
}

/**
 * The audit log page against a real registry with principals: the entries of
 * real mutating requests and a failed sign-in, its filters and pages, and
 * what a viewer sees.
 */
describe('web console: audit log', () => {
  const ctx = useConsolePage(
    async (registry) => {
      await publish(registry.client, 'ubuntu-base', 'fp-audit-1', [
        { artifacts: [{ id: 'ami-0audit000000000a01', region: 'us-east-1' }] },
      ]);
      await registry.client.createChannel('ubuntu-base', {
        name: 'production',
        version_fingerprint: 'fp-audit-1',
      });
      const viewer = registry.credentials.get('audit-viewer')!;
      const refused = await registry.request('POST', '/oauth2/token', {
        raw: `grant_type=client_credentials&client_id=${viewer.clientId}&client_secret=wrong-secret-Qa7`,
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(refused.status).toBe(401);
    },
    {
      principals: [
        { name: 'audit-admin', role: 'admin' },
        { name: 'audit-viewer', role: 'viewer' },
      ],
    },
  );

  it('lists the mutating requests and the failed sign-in, newest first, with their fields', async () => {
    const { page, registry } = ctx;
    const admin = registry.credentials.get('audit-admin')!;
    await signIn(page, registry.url, admin.clientId, admin.clientSecret);
    await expect(page.getByRole('link', { name: 'Audit log' }).count()).resolves.toBe(1);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.locator('table.audit-events tbody tr').first().waitFor();
    const rows = await auditRows(page);

    // The console's own identity probe before sign-in is a denied GetCallerIdentity too.
    const token = rows.find((row) => row.Operation === 'Token');
    expect(token).toMatchObject({
      Outcome: 'denied',
      Principal: '—',
      Status: '401',
      'Error reason': 'REGISTRY_ERR_INVALID_CLIENT',
      'Client address': '127.0.0.1',
    });
    const channel = rows.find((row) => row.Operation === 'CreateChannel');
    expect(channel).toMatchObject({
      Principal: 'seeder',
      Role: 'admin',
      Resource: 'bucket/ubuntu-base/channel/production',
      Outcome: 'ok',
      Status: '200',
      'Error reason': '—',
    });
    // Newest first: the failed sign-in came after the channel, the channel after the bucket.
    const operations = rows.map((row) => row.Operation);
    expect(operations.indexOf('Token')).toBeLessThan(operations.indexOf('CreateChannel'));
    expect(operations.indexOf('CreateChannel')).toBeLessThan(
      operations.lastIndexOf('CreateBucket'),
    );
    await expect(page.locator('.badge.outcome-denied').first().innerText()).resolves.toBe('denied');
    await screenshot(page, 'audit');
  });

  it('passes axe (WCAG 2 A and AA) at a desktop and a phone width', async () => {
    const { registry } = ctx;
    const admin = registry.credentials.get('audit-admin')!;
    const browser = await launchBrowser();
    try {
      for (const viewport of [
        { width: 1280, height: 800 },
        { width: 390, height: 844 },
      ]) {
        // As accessibility.spec.ts does: bypassCSP only to inject axe.
        const page = await (await browser.newContext({ viewport, bypassCSP: true })).newPage();
        await signIn(page, registry.url, admin.clientId, admin.clientSecret);
        await page.goto(`${registry.url}/#/audit?outcome=denied`);
        await page.locator('table.audit-events tbody tr').first().waitFor();
        await page.addScriptTag({ content: AXE_SOURCE });
        const results = await page.evaluate<AxeResults>(
          "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })",
        );
        expect(
          results.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes[0]?.target}`),
        ).toEqual([]);
      }
    } finally {
      await browser.close();
    }
  });

  it('filters by outcome, operation, principal, resource and time, and says when nothing matches', async () => {
    const { page, registry } = ctx;
    await page.goto(`${registry.url}/#/audit`);
    await page.locator('table.audit-events tbody tr').first().waitFor();

    await page.getByLabel('Outcome').selectOption('denied');
    await page.getByRole('button', { name: 'Filter' }).click();
    await eventually(async () => {
      const rows = await auditRows(page);
      return [...new Set(rows.map((row) => `${row.Operation} ${row.Outcome}`))].sort();
    }, ['IamService_GetCallerIdentity denied', 'Token denied']);
    expect(page.url()).toContain('#/audit?outcome=denied');

    await page.goto(`${registry.url}/#/audit?operation=CreateChannel&principal=seeder`);
    await eventually(
      async () => (await auditRows(page)).map((row) => `${row.Operation} ${row.Principal}`),
      ['CreateChannel seeder'],
    );
    await expect(page.getByLabel('Operation').inputValue()).resolves.toBe('CreateChannel');

    await page.goto(`${registry.url}/#/audit?resource=bucket/ubuntu-base`);
    await page.getByLabel('Resource (and what is under it)').waitFor();
    await eventually(async () => {
      const resources = (await auditRows(page)).map((row) => row.Resource);
      return resources.length > 0 && resources.every((r) => r.startsWith('bucket/ubuntu-base'));
    }, true);
    const channelRow = (await auditRows(page)).find((row) => row.Operation === 'CreateChannel');
    expect(channelRow?.Resource).toBe('bucket/ubuntu-base/channel/production');

    await page.goto(`${registry.url}/#/audit`);
    await page.locator('table.audit-events tbody tr').first().waitFor();
    await page.getByLabel('Since (UTC)').fill('2099-01-01T00:00');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByTestId('no-audit-events').waitFor();
    await expect(page.getByTestId('no-audit-events').innerText()).resolves.toBe(
      'No entry matches these filters.',
    );
    expect(decodeURIComponent(page.url())).toContain('since=2099-01-01T00:00:00Z');
  });

  it('pages through the log with the API page token', async () => {
    const { page, registry } = ctx;
    // 60 more entries: more than one page (50).
    for (let i = 0; i < 60; i += 1) {
      await registry.client.upsertBucket(`paged-${String(i).padStart(2, '0')}`, {
        description: 'paging',
      });
    }
    await page.goto(`${registry.url}/#/audit?operation=CreateBucket`);
    await page.locator('table.audit-events tbody tr').first().waitFor();
    const ids = () =>
      page
        .locator('table.audit-events tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''));
    const first = await ids();
    expect(first).toHaveLength(50);
    // ULIDs sort by time: newest first.
    expect([...first].sort().reverse()).toEqual(first);
    await page.getByTestId('next-page').click();
    // 60 paged buckets and ubuntu-base: 11 on the second page, all older, and no page after it.
    await eventually(async () => (await ids()).length, 11);
    const second = await ids();
    expect(second.every((id) => id < first[first.length - 1])).toBe(true);
    await expect(page.getByTestId('next-page').count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Newest entries' }).click();
    await eventually(async () => (await auditRows(page)).length, 50);
  });

  it('shows a viewer no audit link, and says the page is for admins when the API answers 403', async () => {
    const { registry } = ctx;
    const { browser, page, problems } = await openConsolePage();
    try {
      const viewer = registry.credentials.get('audit-viewer')!;
      await signIn(page, registry.url, viewer.clientId, viewer.clientSecret);
      await expect(page.getByRole('link', { name: 'Audit log' }).count()).resolves.toBe(0);
      await expect(page.getByRole('link', { name: 'Webhooks' }).count()).resolves.toBe(0);
      await page.goto(`${registry.url}/#/audit`);
      await page.getByTestId('audit-forbidden').waitFor();
      await expect(page.getByTestId('audit-forbidden').innerText()).resolves.toContain(
        'The audit log is for admins only',
      );
      await expect(page.locator('table.audit-events').count()).resolves.toBe(0);
      // A refused API call is a 403 the browser reports on its own; nothing else went wrong.
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
