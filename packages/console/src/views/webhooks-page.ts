import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  WEBHOOK_DELIVERY_STATES,
  WEBHOOK_EVENT_NAMES,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryState,
  type WebhookEventName,
} from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { formatTime } from '../format';
import { messageOf } from '../session';
import { responsiveTable, searchField, tableHead } from './common';

/** Deliveries a page of a webhook's table brings: the registry's default page size. */
const DELIVERIES_PAGE_SIZE = 50;

/** One webhook as the page shows it: the deliveries loaded so far and what is under way. */
interface WebhookView {
  webhook: Webhook;
  deliveries: WebhookDelivery[];
  /** `pagination.next_page_token` of the last page loaded; empty: there is no more. */
  nextPageToken: string;
  /** Only deliveries in this state; undefined: all of them. */
  state: WebhookDeliveryState | undefined;
  toggling: boolean;
  loadingDeliveries: boolean;
  /** Why its last action (enable, disable, filter, load more) failed. */
  error: string | undefined;
  /** Bumped when its list starts again, so that a page answered late is dropped. */
  generation: number;
}

function deliveryState(value: string): WebhookDeliveryState | undefined {
  return WEBHOOK_DELIVERY_STATES.find((state) => state === value);
}

/**
 * The webhooks and their deliveries (admin role: the API refuses others). An
 * admin creates a webhook for every event or a chosen few (the registry
 * verifies its target first, and the signing secret is shown here once),
 * disables and enables it, pages through what was delivered, what failed and
 * why (all of it, or one state), sends the verification event again, and
 * deletes it.
 */
export class WebhooksPage implements Page {
  readonly title = 'Webhooks';
  private webhooks: WebhookView[] = [];
  /** Each webhook's state filter, kept when the page reloads (after an action or Refresh). */
  private readonly filters = new Map<string, WebhookDeliveryState>();
  /** The secret of the webhook just created: shown once, gone on the next page. */
  private created: { name: string; secret: string } | undefined;
  private createError: string | undefined;
  private creating = false;
  private eventsChoice: 'all' | 'chosen' = 'all';
  private readonly chosenEvents = new Set<WebhookEventName>();

  constructor(private readonly app: ConsoleApp) {}

  async load(): Promise<void> {
    const { webhooks } = await this.app.session.registry.webhooks.list();
    this.webhooks = await Promise.all(
      webhooks.map(async (webhook): Promise<WebhookView> => {
        const state = this.filters.get(webhook.id);
        const page = await this.deliveriesPage(webhook.id, state, undefined);
        return {
          webhook,
          state,
          ...page,
          toggling: false,
          loadingDeliveries: false,
          error: undefined,
          generation: 0,
        };
      }),
    );
  }

  private async deliveriesPage(
    webhookId: string,
    state: WebhookDeliveryState | undefined,
    nextPageToken: string | undefined,
  ): Promise<{ deliveries: WebhookDelivery[]; nextPageToken: string }> {
    const page = await this.app.session.registry.webhooks.deliveries(webhookId, {
      state,
      pageSize: DELIVERIES_PAGE_SIZE,
      nextPageToken,
    });
    return { deliveries: page.deliveries, nextPageToken: page.pagination.next_page_token ?? '' };
  }

  /** Loads the first page again (`more` false: after a new filter) or the next one. */
  private async loadDeliveries(view: WebhookView, more: boolean): Promise<void> {
    const generation = ++view.generation;
    view.loadingDeliveries = true;
    view.error = undefined;
    this.app.update();
    try {
      const page = await this.deliveriesPage(
        view.webhook.id,
        view.state,
        more ? view.nextPageToken : undefined,
      );
      if (generation !== view.generation) return;
      view.deliveries = more ? [...view.deliveries, ...page.deliveries] : page.deliveries;
      view.nextPageToken = page.nextPageToken;
      if (more) {
        this.app.notice = `${view.webhook.name}: ${view.deliveries.length} deliveries shown${page.nextPageToken ? '' : ', all there are'}.`;
      }
    } catch (error) {
      if (generation !== view.generation) return;
      view.error = messageOf(error);
    }
    view.loadingDeliveries = false;
    this.app.update();
    // The last page took the button away: focus the webhook's heading rather than the page's top.
    if (more && !view.nextPageToken) {
      document.getElementById(`webhook-${view.webhook.id}`)?.focus({ preventScroll: true });
    }
  }

  private filter(view: WebhookView, value: string): void {
    view.state = deliveryState(value);
    if (view.state) this.filters.set(view.webhook.id, view.state);
    else this.filters.delete(view.webhook.id);
    void this.loadDeliveries(view, false);
  }

  private async setEnabled(view: WebhookView, enabled: boolean): Promise<void> {
    const { name } = view.webhook;
    view.toggling = true;
    view.error = undefined;
    this.app.notice = undefined;
    this.app.update();
    try {
      view.webhook = (
        await this.app.session.registry.webhooks.update(view.webhook.id, { enabled })
      ).webhook;
      this.app.notice = enabled
        ? `Webhook ${name} enabled: its target accepted the verification event, and the deliveries that waited are sent now.`
        : `Webhook ${name} disabled: it gets no new events, and its pending deliveries wait until it is enabled again.`;
    } catch (error) {
      view.error = messageOf(error);
    } finally {
      view.toggling = false;
      this.app.update();
    }
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
    this.created = undefined;
    // An empty `events` means every event to the API: an empty choice must not become that.
    const events =
      this.eventsChoice === 'chosen'
        ? WEBHOOK_EVENT_NAMES.filter((name) => this.chosenEvents.has(name))
        : undefined;
    if (events?.length === 0) {
      this.createError = 'Choose at least one event, or choose All events.';
      this.app.update();
      return;
    }
    this.creating = true;
    this.createError = undefined;
    this.app.update();
    try {
      const { webhook, secret } = await this.app.session.registry.webhooks.create({
        name: String(form.get('name') ?? '').trim(),
        url: String(form.get('url') ?? '').trim(),
        ...(events ? { events } : {}),
      });
      this.created = { name: webhook.name, secret };
      formElement.reset();
      this.eventsChoice = 'all';
      this.chosenEvents.clear();
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
        this.filters.delete(webhook.id);
        this.created = undefined;
        this.app.notice = `Webhook ${webhook.name} deleted.`;
      },
    });
  }

  private eventsField(): TemplateResult {
    const choice = (value: 'all' | 'chosen', label: string) =>
      html`<label class="inline"
        ><input
          type="radio"
          name="events-choice"
          value=${value}
          .checked=${live(this.eventsChoice === value)}
          @change=${() => {
            this.eventsChoice = value;
            this.app.update();
          }}
        />
        ${label}</label
      >`;
    return html`<fieldset class="webhook-events">
      <legend>Events</legend>
      ${choice('all', 'All events')} ${choice('chosen', 'Only the events chosen below')}
      ${
        this.eventsChoice === 'chosen'
          ? html`<ul class="webhook-event-choices">
              ${WEBHOOK_EVENT_NAMES.map(
                (name) =>
                  html`<li>
                    <label class="inline"
                      ><input
                        type="checkbox"
                        name="events"
                        value=${name}
                        .checked=${live(this.chosenEvents.has(name))}
                        @change=${(e: Event) => {
                          if ((e.target as HTMLInputElement).checked) this.chosenEvents.add(name);
                          else this.chosenEvents.delete(name);
                        }}
                      />
                      <code>${name}</code></label
                    >
                  </li>`,
              )}
            </ul>`
          : nothing
      }
    </fieldset>`;
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
        ${this.eventsField()}
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
          : this.webhooks.map((view) => this.section(view))
      }`;
  }

  private section(view: WebhookView): TemplateResult {
    const { webhook } = view;
    const enabled = webhook.enabled;
    return html`<section
      class="webhook"
      aria-labelledby="webhook-${webhook.id}"
      data-enabled=${String(enabled)}
    >
      <h3 id="webhook-${webhook.id}" tabindex="-1">${webhook.name}</h3>
      <p>
        <span
          class="badge ${enabled ? 'webhook-enabled' : 'webhook-disabled'}"
          data-testid="webhook-state"
          >${enabled ? 'Enabled' : 'Disabled'}</span
        >
        <code>${webhook.url}</code> ·
        ${webhook.events.length === 0 ? 'every event' : webhook.events.join(', ')} · created
        ${formatTime(webhook.created_at)} by ${webhook.created_by}
      </p>
      ${
        enabled
          ? nothing
          : html`<p class="muted">
              It gets no new events, and its pending deliveries wait until it is enabled: enabling
              sends the verification event first.
            </p>`
      }
      <p>
        <button
          type="button"
          ?disabled=${view.toggling}
          @click=${() => void this.setEnabled(view, !enabled)}
        >
          ${view.toggling ? (enabled ? 'Disabling…' : 'Verifying the target…') : enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" @click=${() => void this.test(webhook)}>Send test event</button>
        <button type="button" class="danger" @click=${() => this.confirmDelete(webhook)}>
          Delete
        </button>
      </p>
      ${
        view.error
          ? html`<p class="error" role="alert" data-testid="webhook-error">
              <strong>Error:</strong> ${view.error}
            </p>`
          : nothing
      }
      ${this.deliveries(view)}
    </section>`;
  }

  private deliveries(view: WebhookView): TemplateResult {
    const { webhook, deliveries, state } = view;
    const filterId = `webhook-${webhook.id}-state`;
    return html`<div class="delivery-filter">
        <label for=${filterId}>Delivery state</label>
        <select
          id=${filterId}
          @change=${(e: Event) => this.filter(view, (e.target as HTMLSelectElement).value)}
        >
          <option value="" ?selected=${state === undefined}>All</option>
          ${WEBHOOK_DELIVERY_STATES.map(
            (s) => html`<option value=${s} ?selected=${state === s}>${s}</option>`,
          )}
        </select>
      </div>
      ${
        deliveries.length === 0
          ? html`<p class="muted" data-testid="no-deliveries">
              ${state ? `No ${state} deliveries.` : 'No deliveries yet.'}
            </p>`
          : responsiveTable({
              className: 'deliveries',
              caption: `Newest ${state ? `${state} ` : ''}deliveries of ${webhook.name}`,
              head: tableHead(['Event', 'State', 'Attempts', 'Created', 'Last answer']),
              rows: deliveries.map(
                (d) =>
                  html`<tr data-id=${d.id}>
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
      ${
        view.nextPageToken
          ? html`<p class="pager">
              <button
                type="button"
                ?disabled=${view.loadingDeliveries}
                @click=${() => void this.loadDeliveries(view, true)}
              >
                ${view.loadingDeliveries ? 'Loading…' : 'Load more'}
              </button>
              <span class="muted">${deliveries.length} shown, newest first.</span>
            </p>`
          : nothing
      }`;
  }
}
