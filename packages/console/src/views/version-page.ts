import { html, nothing, type TemplateResult } from 'lit';
import type { Channel, Version } from '@imprint/client';
import type { ConsoleApp, Page } from '../app';
import { PAGE_SIZE, collect } from '../session';
import { bucketHref, formatTime } from '../format';
import { buildsTable, facts, statusBadge } from './common';
import { BuildSboms } from './build-sboms';
import { GraphView } from './graph-view';
import {
  channelsOnVersion,
  openAssignDialog,
  openRestoreDialog,
  openRevokeDialog,
  type VersionTarget,
} from './version-dialogs';
import { buildMetadata, revocationSection } from './version-sections';
import { VulnerabilityList } from './vulnerability-list';
import { notImported, type ScanState } from './vulnerability-parts';

/** One version: builds, artifacts, labels, metadata, revocation, ancestry graph and actions. */
export class VersionPage implements Page {
  readonly title: string;
  private version: Version | undefined;
  private channels: Channel[] = [];
  private graph: GraphView | undefined;
  private sboms: BuildSboms[] = [];
  private vulnerabilities: VulnerabilityList | undefined;
  private scanState: ScanState = 'no-packages';

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
    // Each build's section keeps its own error: a refused SBOM list does not hide the version.
    this.sboms = version.builds.map(
      (build) => new BuildSboms(this.app, this.bucket, version.fingerprint, build),
    );
    this.vulnerabilities = new VulnerabilityList(
      this.app,
      (options) =>
        this.app.session.registry.listVersionVulnerabilities(
          this.bucket,
          version.fingerprint,
          options,
        ),
      {
        id: 'version-vulnerabilities',
        caption: `Vulnerabilities of ${this.bucket} ${version.name}, worst first`,
        impacts: 'builds',
      },
    );
    await Promise.all([
      ...this.sboms.map((section) => section.load()),
      this.vulnerabilities.load(),
    ]);
    const states = this.sboms.map((section) => section.scanState);
    this.scanState = states.includes('imported')
      ? 'imported'
      : states.includes('not-imported')
        ? 'not-imported'
        : 'no-packages';
  }

  updated(): void {
    this.graph?.updated(document.querySelector<HTMLElement>('.graph-viewport'));
  }

  /** What an action on this version needs; read when the action starts. */
  private target(): VersionTarget {
    return {
      app: this.app,
      bucket: this.bucket,
      version: this.version!,
      channels: this.channels,
      graph: this.graph,
    };
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
      ${facts([
        ['Fingerprint', html`<code data-testid="fingerprint">${version.fingerprint}</code>`],
        ['Created', formatTime(version.created_at)],
        ['Author', version.author_id || '—'],
        ['Template', version.template_type],
        [
          'Channels',
          channelsOnVersion(this.channels, version)
            .map((c) => c.name)
            .join(', ') || html`<span class="muted">none</span>`,
        ],
      ])}
      ${revocationSection(version)}
      <section aria-labelledby="builds-title">
        <h2 id="builds-title">Builds and artifacts</h2>
        ${buildsTable(version.builds, `Builds of ${this.bucket} ${version.name}`)}
      </section>
      <section aria-labelledby="metadata-title">
        <h2 id="metadata-title">Metadata</h2>
        ${version.builds.length === 0 ? html`<p class="muted">No builds.</p>` : nothing}
        ${version.builds.map((build) => buildMetadata(build.component_type, build.metadata, build.labels, build.source_external_identifier))}
      </section>
      <section aria-labelledby="sboms-title">
        <h2 id="sboms-title">SBOMs and packages</h2>
        ${version.builds.length === 0 ? html`<p class="muted">No builds.</p>` : nothing}
        ${this.sboms.map((section, index) => section.render(index))}
      </section>
      <section aria-labelledby="vulnerabilities-title">
        <h2 id="vulnerabilities-title">Vulnerabilities</h2>
        ${this.vulnerabilitySection()}
      </section>
      <section aria-labelledby="ancestry-title">
        <h2 id="ancestry-title">Ancestry</h2>
        ${this.graph?.render() ?? nothing}
      </section>`;
  }

  /** ListVersionVulnerabilities, or why there is nothing to list. */
  private vulnerabilitySection(): TemplateResult {
    if (this.scanState === 'not-imported') return notImported();
    if (this.scanState === 'no-packages' || !this.vulnerabilities) {
      return html`<p class="muted" data-testid="no-packages">
        No packages: no SBOM of this version's builds names any, so none can be matched.
      </p>`;
    }
    return this.vulnerabilities.render();
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
          ? actionButton('assign', 'Assign to channel…', () => openAssignDialog(this.target()))
          : nothing
      }
      ${
        revocable && version.status === 'VERSION_ACTIVE'
          ? actionButton('revoke', 'Revoke…', () => void openRevokeDialog(this.target()), 'danger')
          : nothing
      }
      ${
        restorable
          ? actionButton('restore', 'Restore…', () => void openRestoreDialog(this.target()))
          : nothing
      }
    </div>`;
  }
}

/** A button of the actions bar, named by `data-action`; style `danger` marks a destructive one. */
function actionButton(
  action: string,
  label: string,
  run: () => void,
  style?: 'danger',
): TemplateResult {
  return html`<button type="button" class=${style ?? nothing} data-action=${action} @click=${run}>
    ${label}
  </button>`;
}
