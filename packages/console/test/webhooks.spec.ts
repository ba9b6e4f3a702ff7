import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AxeResults } from 'axe-core';
import {
  eventually,
  launchBrowser,
  publish,
  screenshot,
  useConsolePage,
} from './support/console-harness';

jest.setTimeout(120_000);

/** A real webhook target on 127.0.0.1: answers 204 and keeps what it received. */
class Receiver {
  readonly received: { headers: IncomingHttpHeaders; json: Record<string, unknown> }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({
          headers: request.headers,
          json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

/**
 * The webhooks page in a browser against a real registry (embedded mode: the
 * anonymous admin) whose deliverer may reach a receiver on 127.0.0.1 over
 * plain http, as the operator's --webhooks-allow-private and
 * --webhooks-allow-http allow.
 */
describe('web console: webhooks', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  const ctx = useConsolePage(async () => undefined, {
    server: {
      webhooks: {
        allowPrivateTargets: true,
        allowHttpTargets: true,
        pollIntervalMs: 25,
        retryDelaysMs: [100],
      },
    },
  });

  it('creates a webhook against a real receiver and shows its secret once', async () => {
    const { page, registry } = ctx;
    await page.goto(`${registry.url}/#/buckets`);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByTestId('no-webhooks').waitFor();

    await page.getByLabel('Name').fill('chat-ops');
    await page.getByLabel('Target URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByTestId('webhook-secret').waitFor();
    const secret = (await page.locator('[data-testid="webhook-secret"] code').innerText()).trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    // The registry verified the target before it kept the webhook.
    expect(receiver.received[0]?.json).toMatchObject({
      event_source: 'hashicorp.webhook.verification',
    });
    await expect(page.getByRole('heading', { name: 'chat-ops' }).count()).resolves.toBe(1);
    await expect(page.locator('section.webhook code').first().innerText()).resolves.toBe(
      receiver.url,
    );
    const listed = await registry.client.webhooks.list();
    expect(listed.webhooks.map((w) => w.name)).toEqual(['chat-ops']);
  });

  it('refuses a bad name with the registry’s reason, and keeps nothing', async () => {
    const { page, registry } = ctx;
    await page.getByLabel('Name').fill('x');
    await page.getByLabel('Target URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByTestId('webhook-create-error').waitFor();
    await expect(page.getByTestId('webhook-create-error').innerText()).resolves.toMatch(
      /^Error: .*name/i,
    );
    await expect(page.getByTestId('webhook-secret').count()).resolves.toBe(0);
    expect((await registry.client.webhooks.list()).webhooks).toHaveLength(1);
  });

  it('sends a test event and says how the target answered', async () => {
    const { page } = ctx;
    const before = receiver.received.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await eventually(
      () => page.locator('p.notice').innerText(),
      'chat-ops: the target answered HTTP 204.',
    );
    expect(receiver.received.length).toBe(before + 1);
  });

  it('shows the delivery of a change (a completed version)', async () => {
    const { page, registry } = ctx;
    const before = receiver.received.length;
    await publish(registry.client, 'ubuntu-base', 'fp-hook-1', [
      { artifacts: [{ id: 'ami-0hook0000000000a01', region: 'us-east-1' }] },
    ]);
    // A fresh page (no earlier form error or notice) for the screenshot.
    await page.reload();
    await page.getByRole('heading', { name: 'chat-ops' }).waitFor();
    await eventually(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return page
        .locator('table.deliveries tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) =>
            [...row.querySelectorAll('td')].slice(0, 2).map((cell) => cell.textContent?.trim()),
          ),
        );
      // Newest first: the version was created, then completed, which moved latest.
    }, [
      ['version.assign', 'delivered'],
      ['version.complete', 'delivered'],
      ['version.create', 'delivered'],
    ]);
    await expect(
      page.locator('table.deliveries td[data-label="Last answer"]').allInnerTexts(),
    ).resolves.toEqual(['HTTP 204', 'HTTP 204', 'HTTP 204']);
    // The receiver got exactly those deliveries, signed like every delivery.
    expect(receiver.received.length).toBe(before + 3);
    expect(receiver.received[before]!.json).toMatchObject({ event_action: expect.any(String) });
    await screenshot(page, 'webhooks', { fullPage: true });
  });

  it('passes axe (WCAG 2 A and AA) with a webhook and its deliveries listed', async () => {
    const browser = await launchBrowser();
    try {
      // As accessibility.spec.ts does: bypassCSP only to inject axe.
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        bypassCSP: true,
      });
      const page = await context.newPage();
      await page.goto(`${ctx.registry.url}/#/webhooks`);
      await page.locator('table.deliveries tbody tr').first().waitFor();
      await page.addScriptTag({
        content: readFileSync(
          path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'),
          'utf8',
        ),
      });
      const results = await page.evaluate<AxeResults>(
        "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })",
      );
      expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('deletes the webhook after a confirmation', async () => {
    const { page, registry } = ctx;
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete webhook chat-ops?' }).waitFor();
    await page.getByTestId('confirm').click();
    await page.getByTestId('no-webhooks').waitFor();
    await expect(page.locator('p.notice').innerText()).resolves.toBe('Webhook chat-ops deleted.');
    expect((await registry.client.webhooks.list()).webhooks).toEqual([]);
  });
});
