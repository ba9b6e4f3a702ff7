import { html, type TemplateResult } from 'lit';
import type { AncestryStatus, Artifact, Build, Version } from '@imprint/client';
import { ancestryLabel, statusKind, statusLabel } from '../format';

/** A status badge; `data-status` carries the machine-readable kind. */
export function statusBadge(
  version: Pick<Version, 'status' | 'revocation_type'> | undefined,
): TemplateResult {
  const kind = statusKind(version);
  return html`<span class="badge status-${kind}" data-status=${kind}>${statusLabel(kind)}</span>`;
}

export function ancestryBadge(status: AncestryStatus | undefined): TemplateResult {
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

export function buildsTable(builds: readonly Build[], caption: string): TemplateResult {
  if (builds.length === 0) return html`<p class="muted">No builds.</p>`;
  return html`<div class="table-wrap">
    <table class="builds responsive">
      <caption class="visually-hidden">
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">Component</th>
          <th scope="col">Platform</th>
          <th scope="col">Status</th>
          <th scope="col">Artifacts by region</th>
          <th scope="col">Labels</th>
        </tr>
      </thead>
      <tbody>
        ${builds.map(
          (build) =>
            html`<tr>
              <td data-label="Component"><code>${build.component_type}</code></td>
              <td data-label="Platform">${build.platform || '—'}</td>
              <td data-label="Status">${build.status.replace('BUILD_', '').toLowerCase()}</td>
              <td data-label="Artifacts">${artifactsByRegion(build.artifacts)}</td>
              <td data-label="Labels">${labelsList(build.labels)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
