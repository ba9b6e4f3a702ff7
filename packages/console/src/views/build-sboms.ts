import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { CRITICALITIES, type Build, type Package, type Sbom } from '@imprint/client';
import type { ConsoleApp } from '../app';
import { PAGE_SIZE, collect, messageOf } from '../session';
import { plural } from '../format';
import { responsiveTable, sortableHeader, tableHead } from './common';
import {
  criticalityRank,
  packageVulnerabilities,
  packageVulnerabilityCell,
  scanStateOf,
  worstCriticality,
  type ScanState,
} from './vulnerability-parts';

type PackageSort = 'name' | 'version' | 'vulnerabilities';

const PACKAGE_COLUMNS: readonly { key: PackageSort; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'version', label: 'Version' },
  { key: 'vulnerabilities', label: 'Vulnerabilities' },
];

/** Past every criticality's rank: packages without vulnerabilities. */
const CLEAN_RANK = CRITICALITIES.length;

/**
 * Orders packages worst first: by their worst criticality, then by how many
 * vulnerabilities they have; clean packages, then unscanned ones, come last.
 */
function compareVulnerabilities(a: Package, b: Package): number {
  const key = (pkg: Package): [number, number] => {
    const list = packageVulnerabilities(pkg);
    if (list === undefined) return [CLEAN_RANK + 1, 0];
    const worst = worstCriticality(list);
    return [worst === undefined ? CLEAN_RANK : criticalityRank(worst), -list.length];
  };
  const [ra, ca] = key(a);
  const [rb, cb] = key(b);
  return ra - rb || ca - cb;
}

/** Typing in the filter asks the registry once the typing pauses, not once per key. */
const FILTER_DELAY_MS = 250;

/**
 * One build's SBOMs (each downloadable) and the packages they name, filtered
 * by name prefix and sorted by the registry (`package_name_starts_with`,
 * `sorting.order_by`), so a build of thousands of packages is not filtered
 * in the page.
 */
export class BuildSboms {
  /** Whether this build's packages (unfiltered, as first loaded) were matched against OSV data. */
  scanState: ScanState = 'no-packages';
  private sboms: Sbom[] = [];
  private packages: Package[] = [];
  private error: string | undefined;
  private filter = '';
  private sort: { key: PackageSort; descending: boolean } = { key: 'name', descending: false };
  private loadingPackages = false;
  /** Answers to an older filter or sort are dropped. */
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly app: ConsoleApp,
    private readonly bucket: string,
    private readonly fingerprint: string,
    private readonly build: Build,
  ) {}

  /** The SBOMs and, when there are some, their packages; an error stays in this section. */
  async load(): Promise<void> {
    try {
      const { sboms } = await this.app.session.registry.listSboms(
        this.bucket,
        this.fingerprint,
        this.build.id,
      );
      this.sboms = sboms;
      if (sboms.length > 0) await this.loadPackages();
    } catch (error) {
      this.error = messageOf(error);
    }
    this.scanState = scanStateOf(this.packages);
  }

  private async loadPackages(): Promise<void> {
    const request = ++this.request;
    const registry = this.app.session.registry;
    // The registry does not order by vulnerabilities: the page sorts those itself (every page is read).
    const byVulnerabilities = this.sort.key === 'vulnerabilities';
    const orderBy = byVulnerabilities
      ? ['name']
      : [`${this.sort.key}${this.sort.descending ? ' desc' : ''}`];
    this.loadingPackages = true;
    try {
      const packages = await collect(
        registry.paginate('listBuildPackages', this.bucket, this.fingerprint, this.build.id, {
          packageNameStartsWith: this.filter.trim(),
          pageSize: PAGE_SIZE,
          orderBy,
        }),
      );
      if (request !== this.request) return;
      if (byVulnerabilities) {
        const direction = this.sort.descending ? 1 : -1;
        packages.sort((a, b) => compareVulnerabilities(a, b) * direction);
      }
      this.packages = packages;
      this.error = undefined;
    } catch (error) {
      if (request !== this.request) return;
      this.error = messageOf(error);
    }
    this.loadingPackages = false;
  }

  private refresh(delay = 0): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.loadPackages().then(() => this.app.update());
      this.app.update();
    }, delay);
  }

  private setSort(key: PackageSort): void {
    this.sort =
      this.sort.key === key
        ? { key, descending: !this.sort.descending }
        : { key, descending: key === 'vulnerabilities' };
    this.refresh();
  }

  /** GetSbom's short-lived URL, fetched now, saved as `<name>.json.zst` (the document stays compressed). */
  private async download(sbom: Sbom): Promise<void> {
    try {
      const { download_url } = await this.app.session.registry.getSbom(
        this.bucket,
        this.fingerprint,
        this.build.id,
        sbom.name,
      );
      const response = await fetch(download_url, { credentials: 'omit', cache: 'no-store' });
      if (!response.ok) throw new Error(`the download answered HTTP ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `${sbom.name}.json.zst`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      this.error = `Could not download ${sbom.name}: ${messageOf(error)}`;
      this.app.update();
    }
  }

  render(index: number): TemplateResult {
    const component = this.build.component_type;
    const filterId = `package-filter-${index}`;
    return html`<article
      class="build-sboms"
      data-build=${component}
      data-packages=${this.loadingPackages ? 'loading' : 'done'}
    >
      <h3><code>${component}</code></h3>
      ${
        this.error
          ? html`<div class="error" role="alert"><strong>Error:</strong> ${this.error}</div>`
          : nothing
      }
      ${
        this.sboms.length === 0
          ? html`<p class="muted" data-testid="no-sbom">No SBOM uploaded for this build.</p>`
          : responsiveTable({
              className: 'sboms',
              caption: `SBOMs of ${component}`,
              head: tableHead(['SBOM', 'Format', 'Download']),
              rows: this.sboms.map(
                (sbom) =>
                  html`<tr data-sbom=${sbom.name}>
                    <td data-label="SBOM"><code>${sbom.name}</code></td>
                    <td data-label="Format">${sbom.format}</td>
                    <td data-label="Download">
                      <button type="button" class="link" @click=${() => void this.download(sbom)}>
                        Download ${sbom.name}.json.zst
                      </button>
                    </td>
                  </tr>`,
              ),
            })
      }
      ${
        this.sboms.length === 0
          ? nothing
          : html`<h4>Packages</h4>
              <div class="toolbar">
                <label for=${filterId}>Filter packages by name</label>
                <input
                  id=${filterId}
                  type="search"
                  .value=${this.filter}
                  placeholder="name starts with…"
                  autocomplete="off"
                  spellcheck="false"
                  @input=${(event: Event) => {
                    this.filter = (event.target as HTMLInputElement).value;
                    this.refresh(FILTER_DELAY_MS);
                  }}
                />
                <span class="count" role="status" aria-busy=${this.loadingPackages}
                  >${plural(this.packages.length, 'package')}</span
                >
              </div>
              ${
                this.packages.length === 0
                  ? html`<p class="muted" data-testid="no-package">No package matches.</p>`
                  : responsiveTable({
                      className: 'packages',
                      caption: `Packages of ${component}, sortable by name, version and vulnerabilities`,
                      head: html`<thead>
                        <tr>
                          ${PACKAGE_COLUMNS.map((column) =>
                            sortableHeader(column, this.sort, (key) => this.setSort(key)),
                          )}
                          <th scope="col">Package URL</th>
                        </tr>
                      </thead>`,
                      // Keyed rows: an expanded vulnerability list stays with its package when the order changes.
                      rows: repeat(
                        this.packages,
                        (pkg) => `${pkg.name}\u0000${pkg.version}\u0000${pkg.purl}`,
                        (pkg) =>
                          html`<tr data-package=${pkg.name}>
                            <td data-label="Name">${pkg.name}</td>
                            <td data-label="Version">${pkg.version || '—'}</td>
                            <td data-label="Vulnerabilities">
                              ${packageVulnerabilityCell(pkg, `Vulnerabilities of ${pkg.name} ${pkg.version}`)}
                            </td>
                            <td data-label="Package URL">
                              ${pkg.purl ? html`<code>${pkg.purl}</code>` : '—'}
                            </td>
                          </tr>`,
                      ),
                    })
              }`
      }
    </article>`;
  }
}
