import { html, nothing, type TemplateResult } from 'lit';
import type { Version } from '@imprint/client';
import { flatten, formatTime, versionHref } from '../format';
import { facts, labelsList, type Fact } from './common';

// Sections of the version page that depend on the version alone.

const METADATA_GROUPS: readonly { prefix: string; label: string }[] = [
  { prefix: 'packer', label: 'Runner' },
  { prefix: 'plugins', label: 'Plugins' },
  { prefix: 'vcs', label: 'Git' },
  { prefix: 'git', label: 'Git' },
  { prefix: 'cicd', label: 'CI' },
  { prefix: 'ci', label: 'CI' },
];

/** When, by whom and why a version is (or will be) revoked; nothing when it is not. */
export function revocationSection(version: Version): TemplateResult | typeof nothing {
  if (!version.revoke_at) return nothing;
  const from = version.revocation_inherited_from;
  return html`<section class="revocation" aria-labelledby="revocation-title">
    <h2 id="revocation-title">
      ${version.status === 'VERSION_REVOCATION_SCHEDULED' ? 'Scheduled revocation' : 'Revocation'}
    </h2>
    ${facts([
      ['When', formatTime(version.revoke_at)],
      ['Who', version.revocation_author || '—'],
      ['Why', version.revocation_message || html`<span class="muted">no message</span>`],
      [
        'Type',
        html`${version.revocation_type === 'INHERITED' ? 'Inherited' : 'Manual'}
        ${
          from
            ? html`from
                <a
                  data-testid="inherited-from"
                  href=${versionHref(from.bucket_name, from.version_fingerprint)}
                  >${from.bucket_name} ${from.version_name}</a
                >`
            : nothing
        }`,
      ],
    ])}
  </section>`;
}

/** One build's source image, labels and metadata, the metadata grouped by where it comes from. */
export function buildMetadata(
  component: string,
  metadata: Record<string, unknown>,
  labels: Record<string, string>,
  source: string,
): TemplateResult {
  const lines = flatten(metadata);
  const groups = new Map<string, [string, string][]>();
  for (const [key, value] of lines) {
    const top = key.split(/[.[]/, 1)[0];
    const label = METADATA_GROUPS.find((g) => g.prefix === top)?.label ?? 'Other';
    const list = groups.get(label) ?? [];
    list.push([key, value]);
    groups.set(label, list);
  }
  return html`<article class="metadata">
    <h3><code>${component}</code></h3>
    ${facts([
      ['Source image', source ? html`<code>${source}</code>` : '—'],
      ['Labels', labelsList(labels)],
      ...[...groups].map(([label, entries]): Fact => [
        label,
        html`<ul class="plain">
          ${entries.map(([key, value]) => html`<li><code>${key}</code>: ${value}</li>`)}
        </ul>`,
      ]),
    ])}
  </article>`;
}
