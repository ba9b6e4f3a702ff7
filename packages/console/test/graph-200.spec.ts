import type { Browser } from 'playwright-core';
import {
  assertPrerequisites,
  launchBrowser,
  screenshot,
  startConsoleRegistry,
  watchConsole,
  type ConsoleRegistry,
} from './support/console-harness';

jest.setTimeout(180_000);

const MIDS = 14;
const TOTAL = 200;
/** Layout (walk + version reads + ELK) must finish within this on loopback. */
const LAYOUT_BUDGET_MS = 30_000;

/** Completes one version with one build linked to `parentVersionId` (4 API calls). */
async function complete(
  registry: ConsoleRegistry,
  bucket: string,
  fingerprint: string,
  parentVersionId: string | undefined,
): Promise<string> {
  const { client } = registry;
  await client.createVersion(bucket, { fingerprint, template_type: 'HCL2' });
  const build = await client.createBuild(bucket, fingerprint, {
    component_type: 'amazon-ebs.x',
    status: 'BUILD_UNSET',
  });
  await client.updateBuild(bucket, fingerprint, build.id, { status: 'BUILD_RUNNING' });
  await client.updateBuild(bucket, fingerprint, build.id, {
    status: 'BUILD_DONE',
    platform: 'aws',
    artifacts: [{ external_identifier: `ami-${fingerprint}`, region: 'us-east-1' }],
    ...(parentVersionId ? { parent_version_id: parentVersionId } : {}),
  });
  return (await client.getVersion(bucket, fingerprint)).id;
}

/** Runs `work` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** A 200-version tree (1 base, 14 mid-level, 185 leaves, across 3 buckets) renders in full. */
describe('web console ancestry graph at 200 nodes', () => {
  let registry: ConsoleRegistry;
  let browser: Browser;

  beforeAll(async () => {
    assertPrerequisites();
    registry = await startConsoleRegistry();
    for (const bucket of ['fleet-base', 'fleet-mid', 'fleet-leaf'])
      await registry.client.upsertBucket(bucket);
    const baseId = await complete(registry, 'fleet-base', 'base-0', undefined);
    const midIds: string[] = [];
    await pool([...Array(MIDS).keys()], 4, async (i) => {
      midIds[i] = await complete(
        registry,
        'fleet-mid',
        `mid-${String(i).padStart(2, '0')}`,
        baseId,
      );
    });
    const leaves = [...Array(TOTAL - 1 - MIDS).keys()];
    await pool(leaves, 6, async (i) => {
      await complete(
        registry,
        'fleet-leaf',
        `leaf-${String(i).padStart(3, '0')}`,
        midIds[i % MIDS],
      );
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await registry?.close();
  });

  it('lays out and draws every node and link within the time budget', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    const ancestryRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/ancestry')) ancestryRequests.push(request.url());
    });
    const started = Date.now();
    await page.goto(`${registry.url}/#/buckets/fleet-base/versions/base-0`);
    const graph = page.locator('[data-testid="ancestry-graph"][data-layout="done"]');
    await graph.waitFor({ timeout: LAYOUT_BUDGET_MS });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(LAYOUT_BUDGET_MS);
    await expect(graph.getAttribute('data-node-count')).resolves.toBe(String(TOTAL));
    await expect(graph.getAttribute('data-edge-count')).resolves.toBe(String(TOTAL - 1));
    await expect(page.locator('a.node').count()).resolves.toBe(TOTAL);
    await expect(page.locator('g.edge path').count()).resolves.toBe(TOTAL - 1);
    // One paginated `depth=all` walk per side, not one request per node.
    expect(ancestryRequests.length).toBeLessThanOrEqual(10);
    // Every node got a position from ELK: no two share one.
    const positions = await page
      .locator('a.node')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('transform')));
    expect(new Set(positions).size).toBe(TOTAL);
    // Readable: the viewport scrolls (nodes stay full size) and zooms out to fit.
    const viewport = page.locator('.graph-viewport');
    const scrollable = await viewport.evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(scrollable).toBe(true);
    // The screenshot shows one corner at 80 %: a mid-level version and its leaves, readable.
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await viewport.evaluate((el) => el.scrollTo(0, 0));
    await page.evaluate("document.getElementById('ancestry-title')?.scrollIntoView()");
    await screenshot(page, 'graph-200');
    await page.getByRole('button', { name: 'Fit' }).click();
    const fitted = await viewport.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
    expect(fitted).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('follows the pages of the ancestry listing', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    // The console asks for the registry's largest page; smaller pages make the
    // 199 relations below the base span four of them.
    const ancestryPages: string[] = [];
    await page.route(
      (url) => url.pathname.endsWith('/ancestry'),
      async (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set('pagination.page_size', '50');
        ancestryPages.push(`${url.searchParams.get('type')} ${url.searchParams.get('depth')}`);
        await route.continue({ url: url.toString() });
      },
    );
    await page.goto(`${registry.url}/#/buckets/fleet-base/versions/base-0`);
    const graph = page.locator('[data-testid="ancestry-graph"][data-layout="done"]');
    await graph.waitFor({ timeout: LAYOUT_BUDGET_MS });
    await expect(graph.getAttribute('data-node-count')).resolves.toBe(String(TOTAL));
    await expect(graph.getAttribute('data-edge-count')).resolves.toBe(String(TOTAL - 1));
    await expect(page.getByText('(truncated at 500)').count()).resolves.toBe(0);
    expect(ancestryPages.sort()).toEqual([
      'ANCESTRY_TYPE_CHILDREN all',
      'ANCESTRY_TYPE_CHILDREN all',
      'ANCESTRY_TYPE_CHILDREN all',
      'ANCESTRY_TYPE_CHILDREN all',
      'ANCESTRY_TYPE_PARENTS all',
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
