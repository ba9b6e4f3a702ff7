import { html, type TemplateResult } from 'lit';
import type { PackageSearchHit } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { PAGE_SIZE, collect } from '../session';
import { bucketHref, formatTime, packagesHref, plural, versionHref } from '../format';
import { responsiveTable, searchField, tableHead } from './common';

/**
 * The registry-wide package search (`GET {P}/packages/search`): which
 * versions hold a package, by name (and optionally version) or, for input
 * starting `pkg:`, by package URL.
 */
export class PackagesPage implements Page {
  readonly title = 'Packages';
  private hits: PackageSearchHit[] = [];

  private readonly name: string;
  private readonly version: string;

  /** `name` (or a package URL) and `version` come from the address, `#/packages?name=…&version=…`. */
  constructor(
    private readonly app: ConsoleApp,
    search: { name: string; version: string },
  ) {
    this.name = search.name;
    this.version = search.version;
  }

  async load(): Promise<void> {
    if (!this.name) return;
    const registry = this.app.session.registry;
    const byPurl = this.name.startsWith('pkg:');
    this.hits = await collect(
      registry.paginate('searchPackages', {
        ...(byPurl ? { purl: this.name } : { name: this.name, version: this.version }),
        pageSize: PAGE_SIZE,
      }),
    );
  }

  render(): TemplateResult {
    const submit = (event: SubmitEvent): void => {
      event.preventDefault();
      const form = new FormData(event.currentTarget as HTMLFormElement);
      const name = String(form.get('name') ?? '').trim();
      if (name) location.hash = packagesHref(name, String(form.get('version') ?? '').trim());
    };
    const wanted = this.version ? `${this.name} ${this.version}` : this.name;
    return html`<h1 tabindex="-1">Packages</h1>
      <form class="search-form package-search" role="search" @submit=${submit}>
        <div>
          ${searchField({
            id: 'package-name',
            name: 'name',
            label: 'Package name or package URL',
            value: this.name,
            placeholder: 'openssl or pkg:deb/ubuntu/openssl@3.0.2',
            required: true,
          })}
        </div>
        <div>
          ${searchField({
            id: 'package-version',
            name: 'version',
            label: 'Version (optional)',
            value: this.version,
            placeholder: '3.0.2',
          })}
        </div>
        <button type="submit" class="primary">Search</button>
      </form>
      ${
        !this.name
          ? html`<p>
              Find the versions whose SBOMs name a package: type its name (any case), and a version
              to narrow it, or paste a package URL.
            </p>`
          : this.hits.length === 0
            ? html`<p data-testid="no-package">No package matches <code>${wanted}</code>.</p>`
            : html`<p class="count" role="status">
                  ${plural(this.hits.length, 'build')} contain <code>${wanted}</code>, newest upload
                  first:
                </p>
                ${responsiveTable({
                  className: 'package-hits',
                  caption: `Versions containing ${wanted}`,
                  head: tableHead([
                    'Package',
                    'Version',
                    'Bucket',
                    'Image version',
                    'Component',
                    'Uploaded',
                  ]),
                  rows: this.hits.map((hit) => this.hitRow(hit)),
                })}`
      }`;
  }

  private hitRow(hit: PackageSearchHit): TemplateResult {
    return html`<tr data-bucket=${hit.bucket_name} data-fingerprint=${hit.version_fingerprint}>
      <td data-label="Package">
        ${hit.name} ${hit.purl ? html`<div class="muted small"><code>${hit.purl}</code></div>` : ''}
      </td>
      <td data-label="Version">${hit.version || '—'}</td>
      <td data-label="Bucket"><a href=${bucketHref(hit.bucket_name)}>${hit.bucket_name}</a></td>
      <td data-label="Image version">
        <a href=${versionHref(hit.bucket_name, hit.version_fingerprint)}>${hit.version_name}</a>
      </td>
      <td data-label="Component"><code>${hit.component_type}</code></td>
      <td data-label="Uploaded">${formatTime(hit.created_at)}</td>
    </tr>`;
  }
}
