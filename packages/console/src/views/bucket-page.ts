import { html, nothing, type TemplateResult } from 'lit';
import type { Bucket, Channel, ChannelAssignment, Version } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { PAGE_SIZE, collect } from '../session';
import { bucketVulnerabilitiesHref, formatTime, shortFingerprint, versionHref } from '../format';
import {
  ancestryBadge,
  buildsTable,
  facts,
  labelsList,
  responsiveTable,
  statusBadge,
  tableHead,
} from './common';

/** One bucket: its versions with builds and artifacts, and its channels with their history. */
export class BucketPage implements Page {
  readonly title: string;
  private bucket: Bucket | undefined;
  private versions: Version[] = [];
  private channels: { channel: Channel; history: ChannelAssignment[] }[] = [];

  constructor(
    private readonly app: ConsoleApp,
    private readonly name: string,
  ) {
    this.title = `Bucket ${name}`;
  }

  async load(): Promise<void> {
    const api = this.app.session.registry;
    const [bucket, versions, channels] = await Promise.all([
      api.getBucket(this.name),
      collect(
        api.paginate('listVersions', this.name, {
          pageSize: PAGE_SIZE,
          orderBy: ['created_at desc'],
        }),
      ),
      collect(api.paginate('listChannels', this.name, { pageSize: PAGE_SIZE })),
    ]);
    this.bucket = bucket;
    this.versions = versions;
    this.channels = await Promise.all(
      channels.map(async (channel) => ({
        channel,
        history: await collect(
          api.paginate('listChannelHistory', this.name, channel.name, { pageSize: PAGE_SIZE }),
        ).catch(() => []),
      })),
    );
  }

  render(): TemplateResult {
    const bucket = this.bucket;
    if (!bucket) return html``;
    return html`<nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/buckets">Buckets</a> <span aria-hidden="true">/</span>
        <span aria-current="page">${bucket.name}</span>
      </nav>
      <h1 tabindex="-1">${bucket.name}</h1>
      ${bucket.description ? html`<p>${bucket.description}</p>` : nothing}
      ${facts([
        ['Platforms', bucket.platforms.join(', ') || '—'],
        ['Versions', bucket.version_count],
        ['Parents', ancestryBadge(bucket.parents)],
        ['Children', ancestryBadge(bucket.children)],
        ['Labels', labelsList(bucket.labels)],
        ['Updated', formatTime(bucket.updated_at)],
        [
          'Vulnerabilities',
          html`<a href=${bucketVulnerabilitiesHref(bucket.name)} data-testid="vulnerabilities-link"
            >Of the channel versions</a
          >`,
        ],
      ])}

      <section aria-labelledby="channels-title">
        <h2 id="channels-title">Channels</h2>
        ${
          this.channels.length === 0
            ? html`<p class="muted">No channels you can see.</p>`
            : responsiveTable({
                className: 'channels',
                caption: `Channels of ${bucket.name}`,
                head: tableHead(['Channel', 'Current version', 'Updated', 'Assignment history']),
                rows: this.channels.map(({ channel, history }) =>
                  this.channelRow(channel, history),
                ),
              })
        }
      </section>

      <section aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        ${
          this.versions.length === 0
            ? html`<p class="muted">No versions yet.</p>`
            : responsiveTable({
                className: 'versions',
                caption: `Versions of ${bucket.name}, newest first`,
                head: tableHead([
                  'Version',
                  'Fingerprint',
                  'Status',
                  'Created',
                  'Author',
                  'Builds',
                ]),
                rows: this.versions.map((version) => this.versionRow(bucket.name, version)),
              })
        }
      </section>`;
  }

  private channelRow(channel: Channel, history: ChannelAssignment[]): TemplateResult {
    const version = channel.version;
    return html`<tr data-channel=${channel.name}>
      <td data-label="Channel">
        <strong>${channel.name}</strong>
        ${channel.managed ? html`<span class="badge managed">managed</span>` : nothing}
        ${channel.restricted ? html`<span class="badge restricted">restricted</span>` : nothing}
      </td>
      <td data-label="Current version">
        ${
          version
            ? html`<a href=${versionHref(this.name, version.fingerprint)}>${version.name}</a>
                ${statusBadge(version)}`
            : html`<span class="muted">unassigned</span>`
        }
      </td>
      <td data-label="Updated">${formatTime(channel.updated_at)}</td>
      <td data-label="History">
        <details>
          <summary>${history.length} assignment${history.length === 1 ? '' : 's'}</summary>
          <ol class="history">
            ${history.map(
              (entry) =>
                html`<li>
                  ${formatTime(entry.assigned_at)}:
                  ${
                    entry.version
                      ? html`<a href=${versionHref(this.name, entry.version.fingerprint)}
                          >${entry.version.name}</a
                        >`
                      : html`<span class="muted">unassigned</span>`
                  }
                  <span class="muted">by ${entry.author_id || 'unknown'}</span>
                </li>`,
            )}
          </ol>
        </details>
      </td>
    </tr>`;
  }

  private versionRow(bucket: string, version: Version): TemplateResult {
    return html`<tr data-fingerprint=${version.fingerprint}>
      <td data-label="Version">
        <a href=${versionHref(bucket, version.fingerprint)}>${version.name}</a>
      </td>
      <td data-label="Fingerprint">
        <code title=${version.fingerprint}>${shortFingerprint(version.fingerprint, 20)}</code>
      </td>
      <td data-label="Status">
        ${statusBadge(version)}
        ${
          version.status === 'VERSION_REVOCATION_SCHEDULED'
            ? html`<div class="small">at ${formatTime(version.revoke_at)}</div>`
            : nothing
        }
        ${
          version.revocation_type === 'INHERITED' && version.revocation_inherited_from
            ? html`<div class="small">
                from
                <a
                  href=${versionHref(
                    version.revocation_inherited_from.bucket_name,
                    version.revocation_inherited_from.version_fingerprint,
                  )}
                  >${version.revocation_inherited_from.bucket_name}
                  ${version.revocation_inherited_from.version_name}</a
                >
              </div>`
            : nothing
        }
      </td>
      <td data-label="Created">${formatTime(version.created_at)}</td>
      <td data-label="Author">${version.author_id || '—'}</td>
      <td data-label="Builds">
        <details>
          <summary>${version.builds.length} build${version.builds.length === 1 ? '' : 's'}</summary>
          ${buildsTable(version.builds, `Builds of ${bucket} ${version.name}`)}
        </details>
      </td>
    </tr>`;
  }
}
