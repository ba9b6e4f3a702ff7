import { html, nothing, type TemplateResult } from 'lit';
import {
  CRITICALITIES,
  type Criticality,
  type ListBucketPackagesVulnerabilitySummaryResponse,
} from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { bucketHref, formatTime } from '../format';
import { responsiveTable } from './common';
import { VulnerabilityList } from './vulnerability-list';
import {
  criticalityBadge,
  notImported,
  scanStateOf,
  vulnerabilityCount,
  type ScanState,
} from './vulnerability-parts';

type Summary = ListBucketPackagesVulnerabilitySummaryResponse;

/**
 * A bucket's vulnerabilities: the summary (distinct vulnerabilities by
 * criticality, in total and per channel) and ListBucketVulnerabilities,
 * filtered and paged by the registry. The scope is the registry's: the
 * versions the bucket's channels point at, as the caller may see them (a
 * viewer's answers leave restricted channels out).
 */
export class BucketVulnerabilitiesPage implements Page {
  readonly title: string;
  private summary: Summary | undefined;
  private state: ScanState = 'no-packages';
  private readonly list: VulnerabilityList;

  constructor(
    private readonly app: ConsoleApp,
    private readonly bucket: string,
  ) {
    this.title = `Vulnerabilities of ${bucket}`;
    this.list = new VulnerabilityList(
      app,
      (options) => this.app.session.registry.listBucketVulnerabilities(this.bucket, options),
      {
        id: 'bucket-vulnerabilities',
        caption: `Vulnerabilities of ${bucket}'s channel versions, worst first`,
        impacts: 'channels',
      },
    );
  }

  async load(): Promise<void> {
    const registry = this.app.session.registry;
    // One package tells whether the channel versions have packages and were matched against OSV data.
    const [summary, probe] = await Promise.all([
      registry.bucketVulnerabilitySummary(this.bucket),
      registry.listBucketPackages(this.bucket, { pageSize: 1 }),
      this.list.load(),
    ]);
    this.summary = summary;
    this.state = scanStateOf(probe.packages);
  }

  render(): TemplateResult {
    if (!this.summary) return html``;
    return html`<nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/buckets">Buckets</a> <span aria-hidden="true">/</span>
        <a href=${bucketHref(this.bucket)}>${this.bucket}</a> <span aria-hidden="true">/</span>
        <span aria-current="page">Vulnerabilities</span>
      </nav>
      <h1 tabindex="-1">${this.bucket} vulnerabilities</h1>
      <p>
        Known vulnerabilities of the packages in the versions this bucket's channels point at (<code
          >latest</code
        >
        included), from the OSV data imported into the registry.
      </p>
      ${
        this.state === 'not-imported'
          ? notImported()
          : this.state === 'no-packages'
            ? html`<p class="muted" data-testid="no-packages">
                No packages: no SBOM was uploaded for the versions on this bucket's channels.
              </p>`
            : this.body(this.summary)
      }`;
  }

  private body(summary: Summary): TemplateResult {
    return html`<section aria-labelledby="summary-title">
        <h2 id="summary-title">Summary</h2>
        ${
          summary.total_by_criticality.length === 0
            ? html`<p data-testid="no-vulnerability">No known vulnerability.</p>`
            : html`${this.totals(summary)} ${this.channels(summary)}`
        }
      </section>
      <section aria-labelledby="list-title">
        <h2 id="list-title">Vulnerabilities</h2>
        ${this.list.render()}
      </section>`;
  }

  /** Distinct vulnerabilities per criticality, with the oldest first sighting and the mean age. */
  private totals(summary: Summary): TemplateResult {
    return html`<ul class="criticality-totals" aria-label="Vulnerabilities by criticality">
      ${summary.total_by_criticality.map(
        (total) =>
          html`<li data-criticality=${total.criticality}>
            ${criticalityBadge(total.criticality)}
            <strong data-testid="total">${total.vulnerability_count}</strong>
            <span class="muted small"
              >first seen ${formatTime(total.first_seen_at)}, on average
              ${Math.round(total.average_age_days_for_criticality)} days ago</span
            >
          </li>`,
      )}
    </ul>`;
  }

  /** A channel per row, a column per criticality present anywhere in the bucket. */
  private channels(summary: Summary): TemplateResult | typeof nothing {
    const byChannel = new Map<string, Map<Criticality, string>>();
    for (const row of summary.channels_by_criticality) {
      const counts = byChannel.get(row.channel_name) ?? new Map<Criticality, string>();
      counts.set(row.criticality, row.vulnerability_count);
      byChannel.set(row.channel_name, counts);
    }
    if (byChannel.size === 0) return nothing;
    const present = CRITICALITIES.filter((c) =>
      summary.total_by_criticality.some((t) => t.criticality === c),
    );
    return html`<h3>Per channel</h3>
      ${responsiveTable({
        className: 'channel-vulnerabilities',
        caption: `Vulnerabilities per channel of ${this.bucket}, by criticality`,
        head: html`<thead>
          <tr>
            <th scope="col">Channel</th>
            ${present.map((c) => html`<th scope="col">${criticalityBadge(c)}</th>`)}
          </tr>
        </thead>`,
        rows: [...byChannel]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(
            ([channel, counts]) =>
              html`<tr data-channel=${channel}>
                <td data-label="Channel"><strong>${channel}</strong></td>
                ${present.map(
                  (c) =>
                    html`<td data-label=${c} data-criticality=${c}>${counts.get(c) ?? '0'}</td>`,
                )}
              </tr>`,
          ),
      })}
      <p class="muted small">
        ${vulnerabilityCount(
          summary.total_by_criticality.reduce((sum, t) => sum + Number(t.vulnerability_count), 0),
        )}
        in all; a vulnerability on several channels counts once in the totals.
      </p>`;
  }
}
