import { html, nothing, render, type TemplateResult } from 'lit';
import { hasRole, type Role } from '@imprint/client';
import { RegistrySession, isUnauthorized, messageOf } from './session';
import { parseRoute, type Route } from './router';
import { AuditPage } from './views/audit-page';
import { BucketPage } from './views/bucket-page';
import { BucketsPage } from './views/buckets-page';
import { BucketVulnerabilitiesPage } from './views/bucket-vulnerabilities-page';
import { PackagesPage } from './views/packages-page';
import { SearchPage } from './views/search-page';
import { renderSignIn } from './views/sign-in';
import { VersionPage } from './views/version-page';
import { WebhooksPage } from './views/webhooks-page';

/** A page of the console: loads its data through the API, renders from it. */
export interface Page {
  readonly title: string;
  load(): Promise<void>;
  render(): TemplateResult;
  /** Called after each render (e.g. to lay out the graph). */
  updated?(): void;
}

/** The confirmation dialog every action goes through. */
export interface DialogState {
  title: string;
  body: () => TemplateResult;
  confirmLabel: string;
  danger: boolean;
  /** False while what the action affects is still loading. */
  ready: boolean;
  busy: boolean;
  error?: string;
  onConfirm: () => Promise<void>;
}

/** The console: auth, hash routing, the page shell and the confirmation dialog. */
export class ConsoleApp {
  readonly session = new RegistrySession();
  identity: { id: string; name: string; role: Role } | undefined;
  /** True when the registry needs no sign-in (embedded loopback mode). */
  anonymous = false;
  private auth: 'checking' | 'signed-in' | 'sign-in' = 'checking';
  signInError: string | undefined;
  signInBusy = false;
  private page: Page | undefined;
  private loading = false;
  private error: string | undefined;
  dialog: DialogState | undefined;
  /** Announced in a live region after an action. */
  notice: string | undefined;
  private generation = 0;

  constructor(private readonly root: HTMLElement) {}

  async start(): Promise<void> {
    this.root.replaceChildren();
    window.addEventListener('hashchange', () => void this.navigate());
    await this.checkIdentity();
    await this.navigate();
  }

  /** True when the caller's role includes `role`. */
  can(role: Role): boolean {
    return this.identity !== undefined && hasRole(this.identity.role, role);
  }

  private async checkIdentity(): Promise<void> {
    this.auth = 'checking';
    try {
      const { principal } = await this.session.registry.getCallerIdentity();
      this.identity = principal.service;
      this.anonymous = principal.id === 'anonymous';
      this.auth = 'signed-in';
    } catch (error) {
      this.identity = undefined;
      if (isUnauthorized(error)) {
        this.session.signOut();
        this.auth = 'sign-in';
      } else {
        this.auth = 'signed-in';
        this.error = messageOf(error);
      }
    }
  }

  async signIn(clientId: string, clientSecret: string): Promise<void> {
    this.signInBusy = true;
    this.signInError = undefined;
    this.update();
    try {
      await this.session.signIn(clientId, clientSecret);
      await this.checkIdentity();
      if (this.auth !== 'signed-in') throw new Error('the registry did not accept the new token');
      await this.navigate();
    } catch (error) {
      this.session.signOut();
      this.auth = 'sign-in';
      this.signInError = `Sign-in failed: ${messageOf(error)}`;
    } finally {
      this.signInBusy = false;
      this.update();
    }
  }

  signOut(): void {
    this.session.signOut();
    this.identity = undefined;
    this.auth = 'sign-in';
    this.page = undefined;
    this.update();
  }

  /** Loads the page for the current hash. */
  async navigate(): Promise<void> {
    if (this.auth === 'sign-in') {
      this.update();
      return;
    }
    const route = parseRoute(location.hash);
    if (route.page === 'redirect') {
      location.replace(route.to);
      return;
    }
    const generation = ++this.generation;
    this.dialog = undefined;
    this.error = undefined;
    this.page = this.pageFor(route);
    document.title = `${this.page.title} · Imprint registry`;
    this.loading = true;
    this.update();
    try {
      await this.page.load();
    } catch (error) {
      if (generation !== this.generation) return;
      if (isUnauthorized(error)) {
        this.signOut();
        this.signInError = 'Your session has expired; sign in again.';
        this.update();
        return;
      }
      this.error = messageOf(error);
    }
    if (generation !== this.generation) return;
    this.loading = false;
    this.update();
    // Move focus to the new page's heading, as a screen reader user expects after navigation.
    this.root.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }

  /** Reloads the current page's data (after an action). */
  async reload(): Promise<void> {
    if (!this.page) return;
    try {
      await this.page.load();
    } catch (error) {
      this.error = messageOf(error);
    }
    this.update();
  }

  private pageFor(route: Exclude<Route, { page: 'redirect' }>): Page {
    switch (route.page) {
      case 'buckets':
        return new BucketsPage(this);
      case 'bucket':
        return new BucketPage(this, route.bucket);
      case 'bucket-vulnerabilities':
        return new BucketVulnerabilitiesPage(this, route.bucket);
      case 'version':
        return new VersionPage(this, route.bucket, route.fingerprint);
      case 'search':
        return new SearchPage(this, route.query);
      case 'packages':
        return new PackagesPage(this, route);
      case 'webhooks':
        return new WebhooksPage(this);
      case 'audit':
        return new AuditPage(this, route.filters);
      default:
        return {
          title: 'Not found',
          load: async () => undefined,
          render: () =>
            html`<h1 tabindex="-1">Page not found</h1>
              <p>There is no page at this address. <a href="#/buckets">Go to the buckets</a>.</p>`,
        };
    }
  }

  openDialog(dialog: Omit<DialogState, 'busy' | 'error'>): void {
    this.dialog = { ...dialog, busy: false };
    this.update();
  }

  closeDialog(): void {
    this.dialog = undefined;
    this.update();
  }

  private async confirmDialog(): Promise<void> {
    const dialog = this.dialog;
    if (!dialog || dialog.busy || !dialog.ready) return;
    dialog.busy = true;
    dialog.error = undefined;
    this.update();
    try {
      await dialog.onConfirm();
      this.dialog = undefined;
      await this.reload();
    } catch (error) {
      dialog.busy = false;
      dialog.error = messageOf(error);
    }
    this.update();
  }

  /** Renders the whole console from the current state. */
  update(): void {
    render(this.template(), this.root);
    const element = this.root.querySelector<HTMLDialogElement>('dialog#confirm-dialog');
    if (element && this.dialog && !element.open) element.showModal();
    if (!this.loading) this.page?.updated?.();
  }

  private template(): TemplateResult {
    if (this.auth === 'checking') {
      return html`<main id="main" class="loading"><p>Connecting to the registry…</p></main>`;
    }
    if (this.auth === 'sign-in') {
      return html`${this.header()}
        <main id="main">${renderSignIn(this)}</main>`;
    }
    return html`
      <a class="skip-link" href="#main" @click=${skipToMain}>Skip to content</a>
      ${this.header()}
      <main id="main">
        <p class="notice" role="status" aria-live="polite">${this.notice ?? ''}</p>
        ${
          this.error
            ? html`<div class="error" role="alert"><strong>Error:</strong> ${this.error}</div>`
            : nothing
        }
        ${
          this.loading
            ? html`<p class="loading" aria-busy="true">Loading…</p>`
            : this.page && !this.error
              ? this.page.render()
              : nothing
        }
      </main>
      ${this.dialogTemplate()}
    `;
  }

  private header(): TemplateResult {
    const identity = this.identity;
    return html`<header class="top">
      <a class="brand" href="#/buckets">Imprint registry</a>
      ${
        this.auth === 'signed-in'
          ? html`<nav aria-label="Main">
                <a href="#/buckets">Buckets</a>
                <a href="#/packages">Packages</a>
                ${
                  this.can('admin')
                    ? html`<a href="#/webhooks">Webhooks</a> <a href="#/audit">Audit log</a>`
                    : nothing
                }
              </nav>
              <form class="artifact-search" role="search" @submit=${this.onSearch}>
                <label for="artifact-search-input">Find an artifact</label>
                <input
                  id="artifact-search-input"
                  name="q"
                  type="search"
                  placeholder="ami-… or sha256:…"
                  autocomplete="off"
                  spellcheck="false"
                />
                <button type="submit">Find</button>
              </form>`
          : nothing
      }
      ${
        identity
          ? html`<div class="identity">
              <span data-testid="identity"
                >${identity.name} <span class="role">(${identity.role})</span></span
              >
              ${
                this.anonymous
                  ? nothing
                  : html`<button type="button" class="link" @click=${() => this.signOut()}>
                      Sign out
                    </button>`
              }
            </div>`
          : nothing
      }
    </header>`;
  }

  private onSearch = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const query = String(new FormData(form).get('q') ?? '').trim();
    form.reset();
    if (query) location.hash = `#/search?q=${encodeURIComponent(query)}`;
  };

  private dialogTemplate(): TemplateResult | typeof nothing {
    const dialog = this.dialog;
    if (!dialog) return nothing;
    return html`<dialog
      id="confirm-dialog"
      aria-labelledby="confirm-dialog-title"
      @close=${() => {
        if (this.dialog === dialog) this.closeDialog();
      }}
    >
      <form
        method="dialog"
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          void this.confirmDialog();
        }}
      >
        <h2 id="confirm-dialog-title">${dialog.title}</h2>
        <div class="dialog-body">${dialog.body()}</div>
        ${
          dialog.error
            ? html`<p class="error" role="alert"><strong>Error:</strong> ${dialog.error}</p>`
            : nothing
        }
        <div class="dialog-actions">
          <button type="button" @click=${() => this.closeDialog()} ?disabled=${dialog.busy}>
            Cancel
          </button>
          <button
            type="submit"
            class=${dialog.danger ? 'danger' : 'primary'}
            ?disabled=${dialog.busy || !dialog.ready}
            data-testid="confirm"
          >
            ${dialog.busy ? 'Working…' : dialog.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>`;
  }
}

function skipToMain(event: Event): void {
  event.preventDefault();
  document.querySelector<HTMLElement>('main h1')?.focus();
}
