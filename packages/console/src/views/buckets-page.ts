import { html, type TemplateResult } from 'lit';
import type { Bucket } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { PAGE_SIZE, collect } from '../session';
import { bucketHref, formatTime, versionHref } from '../format';
import { ancestryBadge, responsiveTable, sortableHeader, statusBadge, storeValue } from './common';

type SortKey = 'name' | 'latest' | 'versions' | 'ancestry' | 'updated';

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Bucket' },
  { key: 'latest', label: 'Latest version' },
  { key: 'versions', label: 'Versions' },
  { key: 'ancestry', label: 'Ancestry' },
  { key: 'updated', label: 'Updated' },
];

const ANCESTRY_RANK: Record<string, number> = { OUT_OF_DATE: 0, UNDETERMINED: 1, UP_TO_DATE: 2 };

function versionNumber(bucket: Bucket): number {
  return Number(bucket.latest_version?.name.replace(/^v/, '') ?? -1);
}

function compare(a: Bucket, b: Bucket, key: SortKey): number {
  switch (key) {
    case 'latest':
      return versionNumber(a) - versionNumber(b);
    case 'versions':
      return Number(a.version_count) - Number(b.version_count);
    case 'ancestry':
      return (ANCESTRY_RANK[a.parents.status] ?? 1) - (ANCESTRY_RANK[b.parents.status] ?? 1);
    case 'updated':
      return a.updated_at.localeCompare(b.updated_at);
    default:
      return a.name.localeCompare(b.name);
  }
}

/** Every bucket: searchable and sortable, with platforms, latest version, version count and ancestry. */
export class BucketsPage implements Page {
  readonly title = 'Buckets';
  private buckets: Bucket[] = [];
  private filter = '';
  private sort: { key: SortKey; descending: boolean } = { key: 'name', descending: false };

  constructor(private readonly app: ConsoleApp) {}

  async load(): Promise<void> {
    this.buckets = await collect(
      this.app.session.registry.paginate('listBuckets', { pageSize: PAGE_SIZE }),
    );
  }

  private visible(): Bucket[] {
    const needle = this.filter.trim().toLowerCase();
    const matches = needle
      ? this.buckets.filter((bucket) =>
          [
            bucket.name,
            bucket.description,
            ...bucket.platforms,
            ...Object.entries(bucket.labels).map(([k, v]) => `${k}=${v}`),
          ].some((text) => text.toLowerCase().includes(needle)),
        )
      : [...this.buckets];
    const { key, descending } = this.sort;
    matches.sort(
      (a, b) => compare(a, b, key) * (descending ? -1 : 1) || a.name.localeCompare(b.name),
    );
    return matches;
  }

  private setSort(key: SortKey): void {
    this.sort =
      this.sort.key === key
        ? { key, descending: !this.sort.descending }
        : { key, descending: key === 'updated' || key === 'versions' };
    this.app.update();
  }

  render(): TemplateResult {
    const rows = this.visible();
    return html`<h1 tabindex="-1">Buckets</h1>
      <div class="toolbar">
        <label for="bucket-filter">Filter buckets</label>
        <input
          id="bucket-filter"
          type="search"
          .value=${this.filter}
          placeholder="name, platform or label"
          @input=${storeValue(this.app, (value) => (this.filter = value))}
        />
        <span class="count" role="status">${rows.length} of ${this.buckets.length} buckets</span>
      </div>
      ${
        this.buckets.length === 0
          ? html`<p>No buckets yet. Publish a build with Imprint or Packer to create one.</p>`
          : responsiveTable({
              className: 'buckets',
              caption: 'Buckets, sortable by column',
              head: html`<thead>
                <tr>
                  ${COLUMNS.map((column) =>
                    sortableHeader(column, this.sort, (key) => this.setSort(key)),
                  )}
                  <th scope="col">Platforms</th>
                </tr>
              </thead>`,
              rows: rows.map((bucket) => this.bucketRow(bucket)),
            })
      }`;
  }

  private bucketRow(bucket: Bucket): TemplateResult {
    return html`<tr data-bucket=${bucket.name}>
      <td data-label="Bucket">
        <a href=${bucketHref(bucket.name)}>${bucket.name}</a>
        ${bucket.description ? html`<div class="muted small">${bucket.description}</div>` : ''}
      </td>
      <td data-label="Latest version">
        ${
          bucket.latest_version
            ? html`<a href=${versionHref(bucket.name, bucket.latest_version.fingerprint)}
                  >${bucket.latest_version.name}</a
                >
                ${statusBadge(bucket.latest_version)}`
            : html`<span class="muted">none</span>`
        }
      </td>
      <td data-label="Versions">${bucket.version_count}</td>
      <td data-label="Ancestry">${ancestryBadge(bucket.parents)}</td>
      <td data-label="Updated">${formatTime(bucket.updated_at)}</td>
      <td data-label="Platforms">${bucket.platforms.join(', ') || '—'}</td>
    </tr>`;
  }
}
