import { html, type TemplateResult } from 'lit';
import type { Webhook, WebhookDelivery } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { formatTime } from '../format';
import { messageOf } from '../session';
import { responsiveTable, tableHead } from './common';

/**
 * The webhooks and their newest deliveries (admin role: the API refuses
 * others). Creating and deleting stay with `imprint webhooks`, which can show
 * the secret once; here an admin sees what was delivered, what failed and
 * why, and can send the verification event again.
 */
export class WebhooksPage implements Page {
  readonly title = 'Webhooks';
  private webhooks: { webhook: Webhook; deliveries: WebhookDelivery[] }[] = [];

  constructor(private readonly app: ConsoleApp) {}

  async load(): Promise<void> {
    const { webhooks } = await this.app.session.registry.webhooks.list();
    this.webhooks = await Promise.all(
      webhooks.map(async (webhook) => ({
        webhook,
        deliveries: (await this.app.session.registry.webhooks.deliveries(webhook.id)).deliveries,
      })),
    );
  }

  private async test(webhook: Webhook): Promise<void> {
    try {
      const result = await this.app.session.registry.webhooks.test(webhook.id);
      this.app.notice = result.ok
        ? `${webhook.name}: the target answered HTTP ${String(result.status)}.`
        : `${webhook.name}: the test failed: ${result.error ?? 'no answer'}.`;
    } catch (error) {
      this.app.notice = `${webhook.name}: ${messageOf(error)}`;
    }
    this.app.update();
  }

  render(): TemplateResult {
    return html`<h1 tabindex="-1">Webhooks</h1>
      ${
        this.webhooks.length === 0
          ? html`<p data-testid="no-webhooks">
              No webhooks. Create one with <code>imprint webhooks create NAME URL</code>.
            </p>`
          : this.webhooks.map(({ webhook, deliveries }) => this.section(webhook, deliveries))
      }`;
  }

  private section(webhook: Webhook, deliveries: readonly WebhookDelivery[]): TemplateResult {
    return html`<section class="webhook" aria-labelledby="webhook-${webhook.id}">
      <h2 id="webhook-${webhook.id}">${webhook.name}</h2>
      <p>
        <code>${webhook.url}</code> ·
        ${webhook.events.length === 0 ? 'every event' : webhook.events.join(', ')} · created
        ${formatTime(webhook.created_at)} by ${webhook.created_by}
        <button type="button" @click=${() => void this.test(webhook)}>Send test event</button>
      </p>
      ${
        deliveries.length === 0
          ? html`<p class="muted">No deliveries yet.</p>`
          : responsiveTable({
              className: 'deliveries',
              caption: `Newest deliveries of ${webhook.name}`,
              head: tableHead(['Event', 'State', 'Attempts', 'Created', 'Last answer']),
              rows: deliveries.map(
                (d) =>
                  html`<tr>
                    <td data-label="Event"><code>${d.event}</code></td>
                    <td data-label="State">${d.state}</td>
                    <td data-label="Attempts">${d.attempts}</td>
                    <td data-label="Created">${formatTime(d.created_at)}</td>
                    <td data-label="Last answer">
                      ${d.last_error ?? (d.last_status === null ? '—' : `HTTP ${d.last_status}`)}
                    </td>
                  </tr>`,
              ),
            })
      }
    </section>`;
  }
}
