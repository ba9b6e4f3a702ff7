import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Locator } from 'playwright-core';
import {
  eventually,
  launchBrowser,
  publish,
  screenshot,
  useConsolePage,
} from './support/console-harness';

jest.setTimeout(120_000);

/** A real webhook target on 127.0.0.1: answers `status` (204) and keeps what it received. */
class Receiver {
  readonly received: { headers: IncomingHttpHeaders; json: Record<string, unknown> }[] = [];
  private server: Server | undefined;
  url = '';
  /** What it answers; a test sets 500 to make it refuse what it gets. */
  status = 204;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({
          headers: request.headers,
          json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        response.writeHead(this.status).end();
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

/** Event and state of each row of the deliveries tables under `scope`, top to bottom. */
function deliveryRows(scope: Locator): Promise<(string | undefined)[][]> {
  return scope
    .locator('table.deliveries tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        [...row.querySelectorAll('td')].slice(0, 2).map((cell) => cell.textContent?.trim()),
      ),
    );
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
      // The event checkboxes of the form too.
      await page.getByLabel('Only the events chosen below').check();
      await page.getByRole('checkbox', { name: 'version.complete' }).waitFor();
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

  it('creates a webhook for chosen events only, and the registry keeps that filter', async () => {
    const { page, registry } = ctx;
    await page.getByLabel('Name').fill('releases');
    await page.getByLabel('Target URL').fill(receiver.url);
    const events = page.getByRole('group', { name: 'Events' });
    await events.getByLabel('Only the events chosen below').check();
    // No event chosen would be every event to the API: the page refuses it.
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect(page.getByTestId('webhook-create-error').innerText()).resolves.toBe(
      'Error: Choose at least one event, or choose All events.',
    );
    await events.getByRole('checkbox', { name: 'version.complete' }).check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByTestId('webhook-secret').waitFor();
    expect((await registry.client.webhooks.list()).webhooks).toEqual([
      expect.objectContaining({ name: 'releases', events: ['version.complete'], enabled: true }),
    ]);
    const section = page.getByRole('region', { name: 'releases' });
    await expect(section.getByTestId('webhook-state').innerText()).resolves.toBe('Enabled');
    await expect(section.locator('p').first().innerText()).resolves.toContain(
      ' · version.complete · ',
    );
    // The form is back to every event for the next webhook.
    await expect(events.getByLabel('All events').isChecked()).resolves.toBe(true);
    await expect(events.getByRole('checkbox').count()).resolves.toBe(0);

    // A version's create and the move of `latest` are not delivered: only its completion.
    await publish(registry.client, 'ubuntu-base', 'fp-hook-2', [
      { artifacts: [{ id: 'ami-0hook0000000000a02', region: 'us-east-1' }] },
    ]);
    await eventually(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return deliveryRows(section);
    }, [['version.complete', 'delivered']]);
  });

  it('disables and enables a webhook, and shows its state', async () => {
    const { page, registry } = ctx;
    const section = page.getByRole('region', { name: 'releases' });
    await section.getByRole('button', { name: 'Disable', exact: true }).click();
    await eventually(() => section.getByTestId('webhook-state').innerText(), 'Disabled');
    await expect(page.locator('p.notice').innerText()).resolves.toMatch(
      /^Webhook releases disabled: it gets no new events/,
    );
    expect((await registry.client.webhooks.list()).webhooks[0]!.enabled).toBe(false);

    const before = receiver.received.length;
    await section.getByRole('button', { name: 'Enable', exact: true }).click();
    await eventually(() => section.getByTestId('webhook-state').innerText(), 'Enabled');
    await expect(page.locator('p.notice').innerText()).resolves.toMatch(
      /^Webhook releases enabled: its target accepted the verification event/,
    );
    expect((await registry.client.webhooks.list()).webhooks[0]!.enabled).toBe(true);
    // Enabling verified the target first.
    expect(receiver.received.slice(before).map((r) => r.json.event_source)).toEqual([
      'hashicorp.webhook.verification',
    ]);
    await section.getByRole('button', { name: 'Disable', exact: true }).waitFor();
  });

  it('keeps a webhook disabled, with the registry’s reason, when its target refuses to enable it', async () => {
    const { page, registry } = ctx;
    const section = page.getByRole('region', { name: 'releases' });
    await section.getByRole('button', { name: 'Disable', exact: true }).click();
    await eventually(() => section.getByTestId('webhook-state').innerText(), 'Disabled');
    receiver.status = 500;
    try {
      await section.getByRole('button', { name: 'Enable', exact: true }).click();
      await section.getByTestId('webhook-error').waitFor();
    } finally {
      receiver.status = 204;
    }
    await expect(section.getByTestId('webhook-error').innerText()).resolves.toMatch(
      /^Error: The webhook was not enabled: its target .* did not accept the verification event \(the target answered HTTP 500\)/,
    );
    await expect(section.getByTestId('webhook-state').innerText()).resolves.toBe('Disabled');
    await expect(page.locator('p.notice').innerText()).resolves.toBe('');
    expect((await registry.client.webhooks.list()).webhooks[0]!.enabled).toBe(false);

    // Once the target answers 2xx again, enabling works and the error goes.
    await section.getByRole('button', { name: 'Enable', exact: true }).click();
    await eventually(() => section.getByTestId('webhook-state').innerText(), 'Enabled');
    await expect(section.getByTestId('webhook-error').count()).resolves.toBe(0);
  });

  it('filters deliveries by state, and keeps the filter on Refresh', async () => {
    const { page, registry } = ctx;
    const webhook = (await registry.client.webhooks.list()).webhooks[0]!;
    // A completion the target refuses: tried twice (retryDelaysMs: [100]), then failed.
    receiver.status = 500;
    try {
      await publish(registry.client, 'ubuntu-base', 'fp-hook-3', [
        { artifacts: [{ id: 'ami-0hook0000000000a03', region: 'us-east-1' }] },
      ]);
      await eventually(
        async () =>
          (await registry.client.webhooks.deliveries(webhook.id, { state: 'failed' })).deliveries
            .length,
        1,
      );
    } finally {
      receiver.status = 204;
    }
    const section = page.getByRole('region', { name: 'releases' });
    const state = section.getByLabel('Delivery state');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await eventually(
      () => deliveryRows(section),
      [
        ['version.complete', 'failed'],
        ['version.complete', 'delivered'],
      ],
    );

    await state.selectOption('failed');
    await eventually(() => deliveryRows(section), [['version.complete', 'failed']]);
    await expect(section.locator('td[data-label="Last answer"]').allInnerTexts()).resolves.toEqual([
      'the target answered HTTP 500',
    ]);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(state.inputValue()).resolves.toBe('failed');
    await eventually(() => deliveryRows(section), [['version.complete', 'failed']]);

    await state.selectOption('delivered');
    await eventually(() => deliveryRows(section), [['version.complete', 'delivered']]);
    await state.selectOption('pending');
    await section.getByTestId('no-deliveries').waitFor();
    await expect(section.getByTestId('no-deliveries').innerText()).resolves.toBe(
      'No pending deliveries.',
    );
    await state.selectOption({ label: 'All' });
    await eventually(() => deliveryRows(section).then((rows) => rows.length), 2);
  });

  it('loads more deliveries, 50 at a time, newest first', async () => {
    const { page, registry } = ctx;
    // One `version.assign` per channel move: 55 deliveries with one request each.
    const { webhook } = await registry.client.webhooks.create({
      name: 'channel-moves',
      url: receiver.url,
      events: ['version.assign'],
    });
    await registry.client.createChannel('ubuntu-base', {
      name: 'moving',
      version_fingerprint: 'fp-hook-1',
    });
    for (let i = 1; i < 55; i++) {
      await registry.client.updateChannel('ubuntu-base', 'moving', {
        version_fingerprint: i % 2 ? 'fp-hook-2' : 'fp-hook-1',
        update_mask: 'versionFingerprint',
      });
    }
    const all: string[] = [];
    for await (const delivery of registry.client.webhooks.paginateDeliveries(webhook.id)) {
      all.push(delivery.id);
    }
    expect(all).toHaveLength(55);

    await page.getByRole('button', { name: 'Refresh' }).click();
    const section = page.getByRole('region', { name: 'channel-moves' });
    const rowIds = () =>
      section
        .locator('table.deliveries tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
    await eventually(rowIds, all.slice(0, 50));
    await expect(section.locator('.pager .muted').innerText()).resolves.toBe(
      '50 shown, newest first.',
    );
    await section.getByRole('button', { name: 'Load more' }).click();
    await eventually(rowIds, all);
    await expect(section.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
    await expect(page.locator('p.notice').innerText()).resolves.toBe(
      'channel-moves: 55 deliveries shown, all there are.',
    );
    // The button went away: focus is on the webhook's heading, not lost.
    await expect(
      page.evaluate<string | undefined>('document.activeElement?.textContent?.trim()'),
    ).resolves.toBe('channel-moves');
  });
});
