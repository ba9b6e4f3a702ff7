import { html, nothing, type TemplateResult } from 'lit';
import { AUDIT_OUTCOMES, RegistryApiError, type AuditEvent } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { formatTime } from '../format';
import { AUDIT_FILTER_KEYS, type AuditFilters } from '../router';
import { responsiveTable, searchField, tableHead } from './common';

/** Entries a page shows: enough to scan, few enough to read. */
const AUDIT_PAGE_SIZE = 50;

/** The address of the audit log with these filters (empty ones left out). */
export function auditHref(filters: Partial<AuditFilters>): string {
  const query = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) {
    const value = filters[key];
    if (value) query.set(key, value);
  }
  const text = query.toString();
  return text ? `#/audit?${text}` : '#/audit';
}

/**
 * `datetime-local` gives `YYYY-MM-DDTHH:MM[:SS]` without a zone; the console
 * shows every time in UTC, so the field is read as UTC too.
 */
function sinceFromField(value: string): string {
  if (!value) return '';
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value) ? `${value}:00Z` : `${value}Z`;
}

function sinceToField(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 19);
}

/**
 * The registry's audit log (`GET /imprint/v1/audit`, admin role): who changed
 * what and how it ended, newest first, one page at a time. The filters live
 * in the address so a filtered view can be shared and the back button works.
 */
export class AuditPage implements Page {
  readonly title = 'Audit log';
  private events: AuditEvent[] = [];
  private nextPageToken = '';
  /** Set when the API refused the caller (403): the page explains instead of failing. */
  private forbidden = false;

  constructor(
    private readonly app: ConsoleApp,
    private readonly filters: AuditFilters,
  ) {}

  async load(): Promise<void> {
    const f = this.filters;
    try {
      const response = await this.app.session.registry.listAuditEvents({
        principal: f.principal,
        operation: f.operation,
        outcome: (AUDIT_OUTCOMES as readonly string[]).includes(f.outcome)
          ? (f.outcome as AuditEvent['outcome'])
          : undefined,
        resource: f.resource,
        since: f.since,
        pageSize: AUDIT_PAGE_SIZE,
        nextPageToken: f.page,
      });
      this.events = response.events;
      this.nextPageToken = response.pagination?.next_page_token ?? '';
    } catch (error) {
      if (error instanceof RegistryApiError && error.httpStatus === 403) {
        this.forbidden = true;
        return;
      }
      throw error;
    }
  }

  private readonly submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? '').trim();
    location.hash = auditHref({
      principal: field('principal'),
      operation: field('operation'),
      outcome: field('outcome'),
      resource: field('resource'),
      since: sinceFromField(field('since')),
    });
  };

  render(): TemplateResult {
    if (this.forbidden) {
      return html`<h1 tabindex="-1">Audit log</h1>
        <p data-testid="audit-forbidden">
          The audit log is for admins only: the registry refused to show it to
          ${this.app.identity?.name ?? 'you'} (${this.app.identity?.role ?? 'no role'}).
        </p>`;
    }
    const f = this.filters;
    const filtered = AUDIT_FILTER_KEYS.some((key) => key !== 'page' && f[key] !== '');
    return html`<h1 tabindex="-1">Audit log</h1>
      <p>Every change made through the API, and every failed sign-in, newest first.</p>
      <form class="search-form audit-filters" role="search" @submit=${this.submit}>
        <div>
          ${searchField({
            id: 'audit-principal',
            name: 'principal',
            label: 'Principal (name or id)',
            value: f.principal,
            placeholder: 'ci-runner',
          })}
        </div>
        <div>
          ${searchField({
            id: 'audit-operation',
            name: 'operation',
            label: 'Operation',
            value: f.operation,
            placeholder: 'CreateBucket',
          })}
        </div>
        <div>
          <label for="audit-outcome">Outcome</label>
          <select id="audit-outcome" name="outcome" .value=${f.outcome}>
            <option value="" ?selected=${f.outcome === ''}>Any</option>
            ${AUDIT_OUTCOMES.map(
              (outcome) =>
                html`<option value=${outcome} ?selected=${f.outcome === outcome}>
                  ${outcome}
                </option>`,
            )}
          </select>
        </div>
        <div>
          ${searchField({
            id: 'audit-resource',
            name: 'resource',
            label: 'Resource (and what is under it)',
            value: f.resource,
            placeholder: 'bucket/ubuntu-base',
          })}
        </div>
        <div>
          <label for="audit-since">Since (UTC)</label>
          <input
            id="audit-since"
            name="since"
            type="datetime-local"
            step="1"
            .value=${sinceToField(f.since)}
          />
        </div>
        <button type="submit" class="primary">Filter</button>
        ${filtered ? html`<a href="#/audit">Clear filters</a>` : nothing}
      </form>
      ${
        this.events.length === 0
          ? html`<p data-testid="no-audit-events">
              ${
                filtered
                  ? 'No entry matches these filters.'
                  : f.page
                    ? 'No more entries.'
                    : 'The audit log is empty: nothing has changed through the API yet.'
              }
            </p>`
          : responsiveTable({
              className: 'audit-events',
              caption: 'Audit log entries, newest first',
              head: tableHead([
                'Time',
                'Principal',
                'Role',
                'Operation',
                'Resource',
                'Outcome',
                'Status',
                'Error reason',
                'Client address',
              ]),
              rows: this.events.map((event) => this.row(event)),
            })
      }
      <nav class="pager" aria-label="Audit log pages">
        ${f.page ? html`<a href=${auditHref({ ...f, page: '' })}>Newest entries</a>` : nothing}
        ${
          this.nextPageToken
            ? html`<a href=${auditHref({ ...f, page: this.nextPageToken })} data-testid="next-page"
                >Next page</a
              >`
            : nothing
        }
      </nav>`;
  }

  private row(event: AuditEvent): TemplateResult {
    return html`<tr data-id=${event.id} data-outcome=${event.outcome}>
      <td data-label="Time"><time datetime=${event.at}>${formatTime(event.at)}</time></td>
      <td data-label="Principal">${event.principal_name ?? event.principal_id ?? '—'}</td>
      <td data-label="Role">${event.role ?? '—'}</td>
      <td data-label="Operation"><code>${event.operation}</code></td>
      <td data-label="Resource">${event.resource ? html`<code>${event.resource}</code>` : '—'}</td>
      <td data-label="Outcome">
        <span class="badge outcome-${event.outcome}">${event.outcome}</span>
      </td>
      <td data-label="Status">${event.status ?? '—'}</td>
      <td data-label="Error reason">
        ${event.error_reason ? html`<code>${event.error_reason}</code>` : '—'}
      </td>
      <td data-label="Client address"><code>${event.client_address}</code></td>
    </tr>`;
  }
}
