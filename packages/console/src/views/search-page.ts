import { html, type TemplateResult } from 'lit';
import type { ExternalArtifactMatch } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { bucketHref, formatTime, versionHref } from '../format';
import { searchField, statusBadge } from './common';

/** Finds the version that produced an external artifact id (`ami-…`, `sha256:…`); one hit goes straight there. */
export class SearchPage implements Page {
  readonly title = 'Find an artifact';
  private matches: ExternalArtifactMatch[] = [];

  constructor(
    private readonly app: ConsoleApp,
    private readonly query: string,
  ) {}

  async load(): Promise<void> {
    this.matches = this.query
      ? ((
          await this.app.session.registry.searchExternalArtifact({
            external_identifier: this.query,
          })
        ).artifacts ?? [])
      : [];
    const versions = new Set(this.matches.map((m) => `${m.bucket.name}/${m.version.fingerprint}`));
    if (versions.size === 1) {
      const [match] = this.matches;
      location.replace(versionHref(match.bucket.name, match.version.fingerprint));
    }
  }

  render(): TemplateResult {
    const submit = (event: SubmitEvent): void => {
      event.preventDefault();
      const query = String(
        new FormData(event.currentTarget as HTMLFormElement).get('q') ?? '',
      ).trim();
      if (query) location.hash = `#/search?q=${encodeURIComponent(query)}`;
    };
    return html`<h1 tabindex="-1">Find an artifact</h1>
      <form class="search-form" role="search" @submit=${submit}>
        ${searchField({
          id: 'search-page-input',
          name: 'q',
          label: 'External artifact id',
          value: this.query,
          placeholder: 'ami-0abc… or sha256:…',
        })}
        <button type="submit" class="primary">Find</button>
      </form>
      ${
        !this.query
          ? html`<p>
              Paste an image id (an AMI, a container digest, …) to find the version that produced
              it.
            </p>`
          : this.matches.length === 0
            ? html`<p data-testid="no-match">No build produced <code>${this.query}</code>.</p>`
            : html`<p>${this.matches.length} builds produced <code>${this.query}</code>:</p>
                <ul class="matches">
                  ${this.matches.map(
                    (m) =>
                      html`<li>
                        <a href=${versionHref(m.bucket.name, m.version.fingerprint)}
                          >${m.bucket.name} ${m.version.name}</a
                        >
                        ${statusBadge(m.version)}
                        <span class="muted"
                          >build <code>${m.build.component_type}</code>,
                          ${formatTime(m.build.created_at)}, bucket
                          <a href=${bucketHref(m.bucket.name)}>${m.bucket.name}</a></span
                        >
                      </li>`,
                  )}
                </ul>`
      }`;
  }
}
