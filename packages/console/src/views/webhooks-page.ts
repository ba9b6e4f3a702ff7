import { html, nothing, type TemplateResult } from 'lit';
import type { Webhook, WebhookDelivery } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { formatTime } from '../format';
import { messageOf } from '../session';
import { responsiveTable, searchField, tableHead } from './common';

/**
 * The webhooks and their newest deliveries (admin role: the API refuses
 * others). An admin creates a webhook (the registry verifies its target
 * first, and the signing secret is shown here once), sees what was delivered,
 * what failed and why, sends the verification event again, and deletes it.
 */
export class WebhooksPage implements Page {
  readonly title = 'Webhooks';
  private webhooks: { webhook: Webhook; deliveries: WebhookDelivery[] }[] = [];
  /** The secret of the webhook just created: shown once, gone on the next page. */
  private created: { name: string; secret: string } | undefined;
  private createError: string | undefined;
  private creating = false;

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

  private readonly create = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    this.creating = true;
    this.createError = undefined;
    this.created = undefined;
    this.app.update();
    try {
      const { webhook, secret } = await this.app.session.registry.webhooks.create({
        name: String(form.get('name') ?? '').trim(),
        url: String(form.get('url') ?? '').trim(),
      });
      this.created = { name: webhook.name, secret };
      formElement.reset();
      this.app.notice = `Webhook ${webhook.name} created; its target accepted the verification event.`;
      await this.app.reload();
    } catch (error) {
      this.createError = messageOf(error);
    } finally {
      this.creating = false;
      this.app.update();
    }
  };

  private confirmDelete(webhook: Webhook): void {
    this.app.openDialog({
      title: `Delete webhook ${webhook.name}?`,
      body: () =>
        html`<p>
          Deliveries to <code>${webhook.url}</code> stop, and its pending deliveries are dropped.
        </p>`,
      confirmLabel: 'Delete webhook',
      danger: true,
      ready: true,
      onConfirm: async () => {
        await this.app.session.registry.webhooks.delete(webhook.id);
        this.created = undefined;
        this.app.notice = `Webhook ${webhook.name} deleted.`;
      },
    });
  }

  private createForm(): TemplateResult {
    return html`<form class="search-form webhook-create" @submit=${this.create}>
        <div>
          ${searchField({
            id: 'webhook-name',
            name: 'name',
            label: 'Name',
            value: '',
            placeholder: 'chat-ops',
            required: true,
          })}
        </div>
        <div>
          ${searchField({
            id: 'webhook-url',
            name: 'url',
            label: 'Target URL',
            value: '',
            placeholder: 'https://hooks.example.com/imprint',
            required: true,
          })}
        </div>
        <button type="submit" class="primary" ?disabled=${this.creating}>
          ${this.creating ? 'Verifying the target…' : 'Create webhook'}
        </button>
      </form>
      ${
        this.createError
          ? html`<p class="error" role="alert" data-testid="webhook-create-error">
              <strong>Error:</strong> ${this.createError}
            </p>`
          : nothing
      }
      ${
        this.created
          ? html`<div class="secret" data-testid="webhook-secret">
              <p>
                Deliveries to <strong>${this.created.name}</strong> are signed with this secret.
                Copy it now: it is not shown again.
              </p>
              <code>${this.created.secret}</code>
            </div>`
          : nothing
      }`;
  }

  render(): TemplateResult {
    return html`<h1 tabindex="-1">Webhooks</h1>
      <h2>New webhook</h2>
      ${this.createForm()}
      <h2>Webhooks</h2>
      <p><button type="button" @click=${() => void this.app.reload()}>Refresh</button></p>
      ${
        this.webhooks.length === 0
          ? html`<p data-testid="no-webhooks">
              No webhooks yet. Create one above, or with
              <code>imprint webhooks create NAME URL</code>.
            </p>`
          : this.webhooks.map(({ webhook, deliveries }) => this.section(webhook, deliveries))
      }`;
  }

  private section(webhook: Webhook, deliveries: readonly WebhookDelivery[]): TemplateResult {
    return html`<section class="webhook" aria-labelledby="webhook-${webhook.id}">
      <h3 id="webhook-${webhook.id}">${webhook.name}</h3>
      <p>
        <code>${webhook.url}</code> ·
        ${webhook.events.length === 0 ? 'every event' : webhook.events.join(', ')} · created
        ${formatTime(webhook.created_at)} by ${webhook.created_by}
        <button type="button" @click=${() => void this.test(webhook)}>Send test event</button>
        <button type="button" class="danger" @click=${() => this.confirmDelete(webhook)}>
          Delete
        </button>
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
