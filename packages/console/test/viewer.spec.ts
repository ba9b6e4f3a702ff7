import type { Browser, Page } from 'playwright-core';
import {
  assertPrerequisites,
  launchBrowser,
  screenshot,
  seedChain,
  startConsoleRegistry,
  watchConsole,
  type ConsoleRegistry,
} from './support/console-harness';

jest.setTimeout(120_000);

/**
 * A registry on 127.0.0.1 with principals (so not embedded): the console asks
 * for client credentials, exchanges them at POST /oauth2/token, and shows a
 * viewer no actions.
 */
describe('web console (signed-in viewer)', () => {
  let registry: ConsoleRegistry;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    assertPrerequisites();
    registry = await startConsoleRegistry({
      principals: [{ name: 'console-viewer', role: 'viewer' }],
    });
    await seedChain(registry.client);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    problems = watchConsole(page);
  });

  afterAll(async () => {
    await browser?.close();
    await registry?.close();
  });

  it('asks to sign in, refuses a wrong secret, then signs the viewer in', async () => {
    const viewer = registry.credentials.get('console-viewer')!;
    await page.goto(`${registry.url}/#/buckets`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');

    await page.getByLabel('Client id').fill(viewer.clientId);
    await page.getByLabel('Client secret').fill(`${viewer.clientSecret}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    await expect(error.innerText()).resolves.toMatch(/^Sign-in failed: invalid client credentials/);
    await expect(error.getAttribute('role')).resolves.toBe('alert');
    await expect(page.evaluate<number>('sessionStorage.length')).resolves.toBe(0);

    await page.getByLabel('Client secret').fill(viewer.clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.buckets tbody tr').first().waitFor();
    await expect(page.getByTestId('identity').innerText()).resolves.toContain(
      'console-viewer (viewer)',
    );

    // The token is in sessionStorage, never in the URL.
    const stored = await page.evaluate<string | null>(
      "sessionStorage.getItem('imprint.console.token')",
    );
    const token = JSON.parse(stored!).accessToken as string;
    expect(token.length).toBeGreaterThan(10);
    expect(page.url()).not.toContain(token);
    expect(page.url()).not.toContain(viewer.clientSecret);
  });

  it('shows a viewer no revoke, restore or assign actions', async () => {
    await page.goto(`${registry.url}/#/buckets/ubuntu-base/versions/fp-base-1`);
    await page
      .locator('[data-testid="ancestry-graph"][data-layout="done"]')
      .waitFor({ timeout: 30_000 });
    await expect(page.locator('h1').innerText()).resolves.toContain('ubuntu-base v1');
    await expect(page.locator('[data-action]').count()).resolves.toBe(0);
    for (const name of [/Revoke/, /Restore/, /Assign/]) {
      await expect(page.getByRole('button', { name }).count()).resolves.toBe(0);
    }
    // The viewer still sees the whole ancestry.
    await expect(page.getByTestId('ancestry-graph').getAttribute('data-node-count')).resolves.toBe(
      '3',
    );
  });

  it('keeps the session across reloads and forgets it on sign-out', async () => {
    await page.reload();
    await page.getByTestId('identity').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(
      page.evaluate<string | null>("sessionStorage.getItem('imprint.console.token')"),
    ).resolves.toBeNull();
    expect(problems).toEqual([]);
  });
});
