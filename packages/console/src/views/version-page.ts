import { html, nothing, type TemplateResult } from 'lit';
import type { Channel, Version } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { PAGE_SIZE, collect } from '../session';
import { bucketHref, flatten, formatTime, versionHref } from '../format';
import { loadVersions, walkAncestry, type GraphNode } from '../graph';
import { buildsTable, labelsList, statusBadge } from './common';
import { GraphView } from './graph-view';

const METADATA_GROUPS: readonly { prefix: string; label: string }[] = [
  { prefix: 'packer', label: 'Runner' },
  { prefix: 'plugins', label: 'Plugins' },
  { prefix: 'vcs', label: 'Git' },
  { prefix: 'git', label: 'Git' },
  { prefix: 'cicd', label: 'CI' },
  { prefix: 'ci', label: 'CI' },
];

interface RevokeForm {
  when: 'now' | 'scheduled';
  at: string;
  message: string;
  skipDescendants: boolean;
}

/** One version: builds, artifacts, labels, metadata, revocation, ancestry graph and actions. */
export class VersionPage implements Page {
  readonly title: string;
  private version: Version | undefined;
  private channels: Channel[] = [];
  private graph: GraphView | undefined;

  constructor(
    private readonly app: ConsoleApp,
    private readonly bucket: string,
    private readonly fingerprint: string,
  ) {
    this.title = `${bucket} ${fingerprint}`;
  }

  async load(): Promise<void> {
    const [version, channels] = await Promise.all([
      this.app.session.registry.getVersion(this.bucket, this.fingerprint),
      collect(
        this.app.session.registry.paginate('listChannels', this.bucket, { pageSize: PAGE_SIZE }),
      ),
    ]);
    this.version = version;
    this.channels = channels;
    this.graph = new GraphView(
      this.app.session.registry,
      { bucket: this.bucket, fingerprint: version.fingerprint, name: version.name, id: version.id },
      () => this.app.update(),
    );
    void this.graph.load();
  }

  updated(): void {
    this.graph?.updated(document.querySelector<HTMLElement>('.graph-viewport'));
  }

  /** Channels currently on this version; revoking rolls the user ones back. */
  private channelsOnVersion(): Channel[] {
    return this.channels.filter((channel) => channel.version?.id === this.version?.id);
  }

  render(): TemplateResult {
    const version = this.version;
    if (!version) return html``;
    return html`<nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/buckets">Buckets</a> <span aria-hidden="true">/</span>
        <a href=${bucketHref(this.bucket)}>${this.bucket}</a> <span aria-hidden="true">/</span>
        <span aria-current="page">${version.name}</span>
      </nav>
      <h1 tabindex="-1">${this.bucket} ${version.name} ${statusBadge(version)}</h1>
      ${this.actions(version)}
      <dl class="facts">
        <div>
          <dt>Fingerprint</dt>
          <dd><code data-testid="fingerprint">${version.fingerprint}</code></dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>${formatTime(version.created_at)}</dd>
        </div>
        <div>
          <dt>Author</dt>
          <dd>${version.author_id || '—'}</dd>
        </div>
        <div>
          <dt>Template</dt>
          <dd>${version.template_type}</dd>
        </div>
        <div>
          <dt>Channels</dt>
          <dd>
            ${
              this.channelsOnVersion()
                .map((c) => c.name)
                .join(', ') || html`<span class="muted">none</span>`
            }
          </dd>
        </div>
      </dl>
      ${this.revocation(version)}
      <section aria-labelledby="builds-title">
        <h2 id="builds-title">Builds and artifacts</h2>
        ${buildsTable(version.builds, `Builds of ${this.bucket} ${version.name}`)}
      </section>
      <section aria-labelledby="metadata-title">
        <h2 id="metadata-title">Metadata</h2>
        ${version.builds.length === 0 ? html`<p class="muted">No builds.</p>` : nothing}
        ${version.builds.map((build) => this.metadata(build.component_type, build.metadata, build.labels, build.source_external_identifier))}
      </section>
      <section aria-labelledby="ancestry-title">
        <h2 id="ancestry-title">Ancestry</h2>
        ${this.graph?.render() ?? nothing}
      </section>`;
  }

  private actions(version: Version): TemplateResult | typeof nothing {
    const canAssign = this.app.can('contributor') && version.status === 'VERSION_ACTIVE';
    const isAdmin = this.app.can('admin');
    const revocable =
      isAdmin &&
      (version.status === 'VERSION_ACTIVE' || version.status === 'VERSION_REVOCATION_SCHEDULED');
    const restorable =
      isAdmin &&
      (version.status === 'VERSION_REVOCATION_SCHEDULED' ||
        (version.status === 'VERSION_REVOKED' && version.revocation_type !== 'INHERITED'));
    if (!canAssign && !revocable && !restorable) return nothing;
    return html`<div class="actions" role="group" aria-label="Actions">
      ${
        canAssign
          ? html`<button type="button" data-action="assign" @click=${() => this.openAssign()}>
              Assign to channel…
            </button>`
          : nothing
      }
      ${
        revocable && version.status === 'VERSION_ACTIVE'
          ? html`<button
              type="button"
              class="danger"
              data-action="revoke"
              @click=${() => void this.openRevoke()}
            >
              Revoke…
            </button>`
          : nothing
      }
      ${
        restorable
          ? html`<button
              type="button"
              data-action="restore"
              @click=${() => void this.openRestore()}
            >
              Restore…
            </button>`
          : nothing
      }
    </div>`;
  }

  private revocation(version: Version): TemplateResult | typeof nothing {
    if (!version.revoke_at) return nothing;
    const from = version.revocation_inherited_from;
    return html`<section class="revocation" aria-labelledby="revocation-title">
      <h2 id="revocation-title">
        ${version.status === 'VERSION_REVOCATION_SCHEDULED' ? 'Scheduled revocation' : 'Revocation'}
      </h2>
      <dl class="facts">
        <div>
          <dt>When</dt>
          <dd>${formatTime(version.revoke_at)}</dd>
        </div>
        <div>
          <dt>Who</dt>
          <dd>${version.revocation_author || '—'}</dd>
        </div>
        <div>
          <dt>Why</dt>
          <dd>${version.revocation_message || html`<span class="muted">no message</span>`}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>
            ${version.revocation_type === 'INHERITED' ? 'Inherited' : 'Manual'}
            ${
              from
                ? html`from
                    <a
                      data-testid="inherited-from"
                      href=${versionHref(from.bucket_name, from.version_fingerprint)}
                      >${from.bucket_name} ${from.version_name}</a
                    >`
                : nothing
            }
          </dd>
        </div>
      </dl>
    </section>`;
  }

  private metadata(
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
      <dl class="facts">
        <div>
          <dt>Source image</dt>
          <dd>${source ? html`<code>${source}</code>` : '—'}</dd>
        </div>
        <div>
          <dt>Labels</dt>
          <dd>${labelsList(labels)}</dd>
        </div>
        ${[...groups].map(
          ([label, entries]) =>
            html`<div>
              <dt>${label}</dt>
              <dd>
                <ul class="plain">
                  ${entries.map(([key, value]) => html`<li><code>${key}</code>: ${value}</li>`)}
                </ul>
              </dd>
            </div>`,
        )}
      </dl>
    </article>`;
  }

  // ---- actions --------------------------------------------------------------

  private openAssign(): void {
    const version = this.version!;
    const assignable = this.channels.filter((c) => !c.managed);
    const form = { channel: assignable[0]?.name ?? '', newName: '' };
    const target = (): { name: string; existing?: Channel } => {
      if (form.channel === '' || form.newName.trim() !== '') return { name: form.newName.trim() };
      return { name: form.channel, existing: assignable.find((c) => c.name === form.channel) };
    };
    this.app.openDialog({
      title: `Assign ${this.bucket} ${version.name} to a channel`,
      confirmLabel: 'Assign',
      danger: false,
      ready: true,
      body: () => {
        const { name, existing } = target();
        return html`<label for="assign-channel">Channel</label>
          <select
            id="assign-channel"
            @change=${(e: Event) => {
              form.channel = (e.target as HTMLSelectElement).value;
              this.app.update();
            }}
          >
            ${assignable.map((c) => html`<option value=${c.name} ?selected=${c.name === form.channel}>${c.name}</option>`)}
            <option value="" ?selected=${form.channel === ''}>New channel…</option>
          </select>
          <label for="assign-new">Or a new channel name</label>
          <input
            id="assign-new"
            .value=${form.newName}
            pattern="[a-zA-Z0-9-]+"
            @input=${(e: Event) => {
              form.newName = (e.target as HTMLInputElement).value;
              this.app.update();
            }}
          />
          <p data-testid="assign-effect">
            ${
              name === ''
                ? 'Pick a channel or type a new name.'
                : existing
                  ? html`Channel <strong>${name}</strong> moves from
                      <strong>${existing.version?.name ?? 'unassigned'}</strong> to
                      <strong>${version.name}</strong>.`
                  : html`Creates channel <strong>${name}</strong> on
                      <strong>${version.name}</strong>.`
            }
          </p>`;
      },
      onConfirm: async () => {
        const { name, existing } = target();
        if (name === '') throw new Error('pick a channel or type a new name');
        const registry = this.app.session.registry;
        if (existing) {
          await registry.updateChannel(this.bucket, name, {
            version_fingerprint: version.fingerprint,
            update_mask: 'versionFingerprint',
          });
        } else {
          await registry.createChannel(this.bucket, {
            name,
            version_fingerprint: version.fingerprint,
          });
        }
        this.app.notice = `Assigned ${this.bucket} ${version.name} to ${name}.`;
      },
    });
  }

  /** Descendants the revocation reaches, from the ancestry API (the graph's when loaded). */
  private async descendants(): Promise<GraphNode[]> {
    const version = this.version!;
    const graph =
      this.graph?.graph ??
      (await walkAncestry(
        this.app.session.registry,
        {
          bucket: this.bucket,
          fingerprint: version.fingerprint,
          name: version.name,
          id: version.id,
        },
        { direction: 'down' },
      ));
    return [...graph.nodes.values()].filter((node) => node.side === 'descendant');
  }

  private async openRevoke(): Promise<void> {
    const version = this.version!;
    const form: RevokeForm = { when: 'now', at: '', message: '', skipDescendants: false };
    let descendants: GraphNode[] | undefined;
    const rollback = this.channelsOnVersion();
    this.app.openDialog({
      title: `Revoke ${this.bucket} ${version.name}`,
      confirmLabel: 'Revoke',
      danger: true,
      ready: false,
      body: () =>
        html`<fieldset>
            <legend>When</legend>
            <label class="inline"
              ><input
                type="radio"
                name="when"
                value="now"
                ?checked=${form.when === 'now'}
                @change=${() => {
                  form.when = 'now';
                  this.app.update();
                }}
              />
              Immediately</label
            >
            <label class="inline"
              ><input
                type="radio"
                name="when"
                value="scheduled"
                ?checked=${form.when === 'scheduled'}
                @change=${() => {
                  form.when = 'scheduled';
                  this.app.update();
                }}
              />
              At a later time</label
            >
            ${
              form.when === 'scheduled'
                ? html`<label for="revoke-at">Revoke at (your local time)</label>
                    <input
                      id="revoke-at"
                      type="datetime-local"
                      required
                      .value=${form.at}
                      @input=${(e: Event) => {
                        form.at = (e.target as HTMLInputElement).value;
                      }}
                    />`
                : nothing
            }
          </fieldset>
          <label for="revoke-message">Reason</label>
          <textarea
            id="revoke-message"
            rows="2"
            maxlength="500"
            placeholder="e.g. CVE-2026-0001 in openssl"
            @input=${(e: Event) => {
              form.message = (e.target as HTMLTextAreaElement).value;
            }}
          >
${form.message}</textarea>
          <label class="inline"
            ><input
              type="checkbox"
              id="revoke-skip"
              ?checked=${form.skipDescendants}
              @change=${(e: Event) => {
                form.skipDescendants = (e.target as HTMLInputElement).checked;
                this.app.update();
              }}
            />
            Do not revoke descendants</label
          >
          <h3>What this affects</h3>
          <p>Descendant versions that will inherit the revocation:</p>
          ${
            descendants === undefined
              ? html`<p class="loading" aria-busy="true">Finding descendants…</p>`
              : form.skipDescendants
                ? html`<p data-testid="affected-descendants" data-count="0">
                    None: descendants are skipped (${descendants.length} not revoked).
                  </p>`
                : descendants.length === 0
                  ? html`<p data-testid="affected-descendants" data-count="0">None.</p>`
                  : html`<ul
                      data-testid="affected-descendants"
                      data-count=${descendants.length}
                      class="affected"
                    >
                      ${descendants.map((d) => html`<li data-key=${d.key}>${d.bucket} ${d.name} <code>${d.fingerprint}</code></li>`)}
                    </ul>`
          }
          <p>Channels that will roll back to their previous valid version:</p>
          ${
            rollback.length === 0
              ? html`<p data-testid="affected-channels" data-count="0">None.</p>`
              : html`<ul
                  data-testid="affected-channels"
                  data-count=${rollback.length}
                  class="affected"
                >
                  ${rollback.map((c) => html`<li>${c.name}${c.managed ? ' (managed: moves to the newest valid version)' : ''}</li>`)}
                </ul>`
          }`,
      onConfirm: async () => {
        let revokeAt: string | undefined;
        if (form.when === 'scheduled') {
          const at = new Date(form.at);
          if (!form.at || Number.isNaN(at.getTime()))
            throw new Error('enter the date and time to revoke at');
          if (at.getTime() <= Date.now())
            throw new Error('a scheduled revocation must be in the future');
          revokeAt = at.toISOString();
        }
        await this.app.session.registry.revokeVersion(this.bucket, version.fingerprint, {
          revokeAt,
          message: form.message.trim() || undefined,
          skipDescendantsRevocation: form.skipDescendants || undefined,
        });
        this.app.notice = revokeAt
          ? `Scheduled the revocation of ${this.bucket} ${version.name}.`
          : `Revoked ${this.bucket} ${version.name}.`;
      },
    });
    const dialog = this.app.dialog;
    try {
      descendants = await this.descendants();
    } catch (error) {
      descendants = [];
      if (dialog)
        dialog.error = `Could not list descendants: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (dialog) dialog.ready = true;
    this.app.update();
  }

  private async openRestore(): Promise<void> {
    const version = this.version!;
    let restored: GraphNode[] | undefined;
    this.app.openDialog({
      title: `Restore ${this.bucket} ${version.name}`,
      confirmLabel: 'Restore',
      danger: false,
      ready: false,
      body: () =>
        html`<p>
            ${
              version.status === 'VERSION_REVOCATION_SCHEDULED'
                ? 'Cancels the scheduled revocation.'
                : 'Clears the revocation; the version can be assigned to channels again.'
            }
          </p>
          <p>Descendants whose inherited revocation is cleared too:</p>
          ${
            restored === undefined
              ? html`<p class="loading" aria-busy="true">Finding descendants…</p>`
              : restored.length === 0
                ? html`<p data-testid="affected-descendants" data-count="0">None.</p>`
                : html`<ul
                    data-testid="affected-descendants"
                    data-count=${restored.length}
                    class="affected"
                  >
                    ${restored.map((d) => html`<li data-key=${d.key}>${d.bucket} ${d.name} <code>${d.fingerprint}</code></li>`)}
                  </ul>`
          }
          <p class="muted">
            Channels that rolled back are not moved back; assign them again if needed.
          </p>`,
      onConfirm: async () => {
        await this.app.session.registry.restoreVersion(this.bucket, version.fingerprint);
        this.app.notice = `Restored ${this.bucket} ${version.name}.`;
      },
    });
    const dialog = this.app.dialog;
    try {
      const descendants = await this.descendants();
      await loadVersions(
        this.app.session.registry,
        descendants.filter((d) => d.version === undefined),
      );
      restored = descendants.filter(
        (d) =>
          d.version?.revocation_type === 'INHERITED' &&
          d.version.revocation_inherited_from?.version_id === version.id,
      );
    } catch {
      restored = [];
    }
    if (dialog) dialog.ready = true;
    this.app.update();
  }
}
