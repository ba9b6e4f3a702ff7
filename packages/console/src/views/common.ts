import { html, type TemplateResult } from 'lit';
import type { repeat } from 'lit/directives/repeat.js';
import type { AncestrySummary, Artifact, Build, Version } from '@imprint/client';
import { ancestryLabel, statusKind, statusLabel } from '../format';

/** A status badge; `data-status` carries the machine-readable kind. */
export function statusBadge(
  version: Pick<Version, 'status' | 'revocation_type'> | undefined,
): TemplateResult {
  const kind = statusKind(version);
  return html`<span class="badge status-${kind}" data-status=${kind}>${statusLabel(kind)}</span>`;
}

/**
 * The ancestry status of a bucket's or version's parents or children; "—"
 * when the registry says there is no relation at all (Imprint's
 * `has_relations`), which the API's UNDETERMINED does not tell apart.
 */
export function ancestryBadge(summary: AncestrySummary | undefined): TemplateResult {
  if (summary?.has_relations === false) {
    return html`<span class="badge ancestry-none" data-ancestry="none" title="No relations"
      >—</span
    >`;
  }
  const status = summary?.status;
  const kind =
    status === 'OUT_OF_DATE'
      ? 'out-of-date'
      : status === 'UP_TO_DATE'
        ? 'up-to-date'
        : 'undetermined';
  return html`<span class="badge ancestry-${kind}" data-ancestry=${kind}
    >${ancestryLabel(status)}</span
  >`;
}

export function labelsList(labels: Record<string, string> | undefined): TemplateResult {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="labels">
    ${entries.map(([key, value]) => html`<li><code>${key}=${value}</code></li>`)}
  </ul>`;
}

/** Artifacts grouped by region. */
export function artifactsByRegion(artifacts: readonly Artifact[]): TemplateResult {
  if (artifacts.length === 0) return html`<span class="muted">no artifacts</span>`;
  const regions = new Map<string, Artifact[]>();
  for (const artifact of artifacts) {
    const list = regions.get(artifact.region) ?? [];
    list.push(artifact);
    regions.set(artifact.region, list);
  }
  return html`<dl class="artifacts">
    ${[...regions].map(
      ([region, list]) =>
        html`<dt>${region || 'no region'}</dt>
          ${list.map((a) => html`<dd><code class="artifact-id">${a.external_identifier}</code></dd>`)}`,
    )}
  </dl>`;
}

/** A field's input/change listener: stores the new value, then re-renders what shows it. */
export function storeValue(
  app: { update(): void },
  store: (value: string) => void,
): (event: Event) => void {
  return (event) => {
    store((event.target as HTMLInputElement | HTMLSelectElement).value);
    app.update();
  };
}

/** A labelled search box of a form (`name` is its form field); no spell check or autofill: ids and names. */
export function searchField(field: {
  id: string;
  name: string;
  label: string;
  value: string;
  placeholder: string;
  required?: boolean;
}): TemplateResult {
  return html`<label for=${field.id}>${field.label}</label>
    <input
      id=${field.id}
      name=${field.name}
      type="search"
      .value=${field.value}
      placeholder=${field.placeholder}
      ?required=${field.required ?? false}
      spellcheck="false"
      autocomplete="off"
    />`;
}

/** One entry of a facts list: a label and what to show for it. */
export type Fact = readonly [label: string, value: unknown];

/** Label/value facts; each pair sits in its own `<div>` so the grid keeps a label beside its value. */
export function facts(entries: readonly Fact[]): TemplateResult {
  return html`<dl class="facts">
    ${entries.map(
      ([label, value]) =>
        html`<div>
          <dt>${label}</dt>
          <dd>${value}</dd>
        </div>`,
    )}
  </dl>`;
}

/** A head row of plain column headers. */
export function tableHead(columns: readonly string[]): TemplateResult {
  return html`<thead>
    <tr>
      ${columns.map((column) => html`<th scope="col">${column}</th>`)}
    </tr>
  </thead>`;
}

/** A column header that sorts by its column; `aria-sort` tells screen readers the order. */
export function sortableHeader<K extends string>(
  column: { key: K; label: string },
  sort: { key: K; descending: boolean },
  onSort: (key: K) => void,
): TemplateResult {
  const sorted = sort.key === column.key;
  return html`<th
    scope="col"
    aria-sort=${sorted ? (sort.descending ? 'descending' : 'ascending') : 'none'}
  >
    <button type="button" class="sort" @click=${() => onSort(column.key)}>
      ${column.label}
      <span aria-hidden="true">${sorted ? (sort.descending ? '▼' : '▲') : '↕'}</span>
    </button>
  </th>`;
}

/**
 * A table that stacks into labelled cards on narrow screens (`responsive`); `className` styles it,
 * and its caption, visually hidden, names it for screen readers.
 */
export function responsiveTable(table: {
  className: string;
  caption: string;
  head: TemplateResult;
  /**
   * The body rows: templates, or lit's `repeat(…)` (typed `unknown` by lit) when rows that
   * reorder must keep their state, such as an open `<details>`.
   */
  rows: readonly TemplateResult[] | ReturnType<typeof repeat>;
}): TemplateResult {
  return html`<div class="table-wrap">
    <table class="${table.className} responsive">
      <caption class="visually-hidden">
        ${table.caption}
      </caption>
      ${table.head}
      <tbody>
        ${table.rows}
      </tbody>
    </table>
  </div>`;
}

export function buildsTable(builds: readonly Build[], caption: string): TemplateResult {
  if (builds.length === 0) return html`<p class="muted">No builds.</p>`;
  return responsiveTable({
    className: 'builds',
    caption,
    head: tableHead(['Component', 'Platform', 'Status', 'Artifacts by region', 'Labels']),
    rows: builds.map(
      (build) =>
        html`<tr>
          <td data-label="Component"><code>${build.component_type}</code></td>
          <td data-label="Platform">${build.platform || '—'}</td>
          <td data-label="Status">${build.status.replace('BUILD_', '').toLowerCase()}</td>
          <td data-label="Artifacts">${artifactsByRegion(build.artifacts)}</td>
          <td data-label="Labels">${labelsList(build.labels)}</td>
        </tr>`,
    ),
  });
}
