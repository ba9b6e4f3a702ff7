import { html, nothing, type TemplateResult } from 'lit';
import type { Channel, Version } from '@imprint/client';
import type { ConsoleApp } from '../app';
import { loadVersions, walkAncestry, type GraphNode } from '../graph';
import { collect } from '../session';
import { storeValue } from './common';
import type { GraphView } from './graph-view';

// The version page's actions (assign, revoke, restore): each opens the app's
// confirmation dialog, shows what the action will affect, then calls the registry.

interface RevokeForm {
  when: 'now' | 'scheduled';
  at: string;
  message: string;
  skipDescendants: boolean;
}

/** The version an action applies to, and what the page already loaded about it. */
export interface VersionTarget {
  readonly app: ConsoleApp;
  readonly bucket: string;
  readonly version: Version;
  /** The bucket's channels. */
  readonly channels: readonly Channel[];
  /** The page's ancestry graph; its walk, once done, spares another. */
  readonly graph: GraphView | undefined;
}

/** Channels currently on a version; revoking rolls the user ones back. */
export function channelsOnVersion(
  channels: readonly Channel[],
  version: Version | undefined,
): Channel[] {
  return channels.filter((channel) => channel.version?.id === version?.id);
}

export function openAssignDialog(subject: VersionTarget): void {
  const version = subject.version;
  const assignable = subject.channels.filter((c) => !c.managed);
  const pointsHere = (c: Channel | undefined) => c?.version?.id === version.id;
  // Preselect a channel this assignment would move; none when every channel is already here.
  const form = { channel: assignable.find((c) => !pointsHere(c))?.name ?? '', newName: '' };
  const target = (): { name: string; existing?: Channel } => {
    if (form.channel === '' || form.newName.trim() !== '') return { name: form.newName.trim() };
    return { name: form.channel, existing: assignable.find((c) => c.name === form.channel) };
  };
  const changes = (): boolean => {
    const { name, existing } = target();
    return name !== '' && !pointsHere(existing);
  };
  const store = (set: (value: string) => void) =>
    storeValue(subject.app, (value) => {
      set(value);
      if (subject.app.dialog) subject.app.dialog.ready = changes();
    });
  subject.app.openDialog({
    title: `Assign ${subject.bucket} ${version.name} to a channel`,
    confirmLabel: 'Assign',
    danger: false,
    ready: changes(),
    body: () => {
      const { name, existing } = target();
      return html`<label for="assign-channel">Channel</label>
        <select id="assign-channel" @change=${store((value) => (form.channel = value))}>
          ${assignable.map((c) => html`<option value=${c.name} ?selected=${c.name === form.channel}>${c.name}</option>`)}
          <option value="" ?selected=${form.channel === ''}>New channel…</option>
        </select>
        <label for="assign-new">Or a new channel name</label>
        <input
          id="assign-new"
          .value=${form.newName}
          pattern="[a-zA-Z0-9-]+"
          @input=${store((value) => (form.newName = value))}
        />
        <p data-testid="assign-effect">
          ${
            name === ''
              ? 'Pick a channel or type a new name.'
              : pointsHere(existing)
                ? html`Channel <strong>${name}</strong> already points at
                    <strong>${version.name}</strong>: nothing to assign.`
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
      if (pointsHere(existing)) throw new Error(`${name} already points at ${version.name}`);
      const registry = subject.app.session.registry;
      if (existing) {
        await registry.updateChannel(subject.bucket, name, {
          version_fingerprint: version.fingerprint,
          update_mask: 'versionFingerprint',
        });
      } else {
        await registry.createChannel(subject.bucket, {
          name,
          version_fingerprint: version.fingerprint,
        });
      }
      subject.app.notice = `Assigned ${subject.bucket} ${version.name} to ${name}.`;
    },
  });
}

/** What an action affects, counted in `data-count` for tests; "None." when nothing. */
function affectedList<T>(
  testId: string,
  affected: readonly T[],
  item: (entry: T) => TemplateResult,
): TemplateResult {
  return affected.length === 0
    ? html`<p data-testid=${testId} data-count="0">None.</p>`
    : html`<ul data-testid=${testId} data-count=${affected.length} class="affected">
        ${affected.map(item)}
      </ul>`;
}

/** The descendants an action reaches, or a busy line while they are still being found. */
function descendantsList(descendants: readonly GraphNode[] | undefined): TemplateResult {
  if (descendants === undefined)
    return html`<p class="loading" aria-busy="true">Finding descendants…</p>`;
  return affectedList(
    'affected-descendants',
    descendants,
    (d) => html`<li data-key=${d.key}>${d.bucket} ${d.name} <code>${d.fingerprint}</code></li>`,
  );
}

/** Descendants the revocation reaches, from the ancestry API (the graph's when loaded). */
async function findDescendants(subject: VersionTarget): Promise<GraphNode[]> {
  const version = subject.version;
  const graph =
    subject.graph?.graph ??
    (await walkAncestry(
      subject.app.session.registry,
      {
        bucket: subject.bucket,
        fingerprint: version.fingerprint,
        name: version.name,
        id: version.id,
      },
      { direction: 'down' },
    ));
  return [...graph.nodes.values()].filter((node) => node.side === 'descendant');
}

/** Where revoking moves a channel now on the version: `to` a version, or nowhere (it stays). */
interface Rollback {
  readonly channel: Channel;
  readonly to?: string;
}

/**
 * What the registry does to each channel on the version when the revocation takes effect: the
 * managed `latest` moves to the bucket's newest valid version, any other channel to the last
 * valid version of its history; with none, the channel stays where it is.
 */
async function planRollbacks(
  subject: VersionTarget,
  channels: readonly Channel[],
): Promise<Rollback[]> {
  if (channels.length === 0) return [];
  const api = subject.app.session.registry;
  const versions = await collect(api.paginate('listVersions', subject.bucket, { pageSize: 100 }));
  const valid = new Map(
    versions
      .filter(
        (v) => v.id !== subject.version.id && v.name !== 'v0' && v.status !== 'VERSION_REVOKED',
      )
      .map((v) => [v.id, v]),
  );
  const seq = (name: string) => Number(name.slice(1)) || 0;
  return Promise.all(
    channels.map(async (channel): Promise<Rollback> => {
      if (channel.managed) {
        const newest = [...valid.values()].sort((a, b) => seq(b.name) - seq(a.name))[0];
        return { channel, to: newest?.name };
      }
      const history = await collect(
        api.paginate('listChannelHistory', subject.bucket, channel.name, { pageSize: 100 }),
      );
      const last = [...history]
        .sort((a, b) => Date.parse(b.assigned_at) - Date.parse(a.assigned_at))
        .find((entry) => entry.version && valid.has(entry.version.id));
      return { channel, to: last?.version ? valid.get(last.version.id)?.name : undefined };
    }),
  );
}

/** One line per channel on the version: where the revocation moves it, or that it stays. */
function rollbackList(version: Version, plans: readonly Rollback[] | undefined): TemplateResult {
  if (plans === undefined)
    return html`<p class="loading" aria-busy="true">Finding where the channels go…</p>`;
  return affectedList(
    'affected-channels',
    plans,
    ({ channel, to }) =>
      html`<li data-channel=${channel.name}>
        ${
          to === undefined
            ? html`<strong>${channel.name}</strong> stays on ${version.name}: no earlier valid
                version to roll back to.`
            : html`<strong>${channel.name}</strong> rolls back from ${version.name} to
                <strong>${to}</strong
                >${channel.managed ? ' (managed: the newest valid version)' : ''}.`
        }
      </li>`,
  );
}

export async function openRevokeDialog(subject: VersionTarget): Promise<void> {
  const version = subject.version;
  const form: RevokeForm = { when: 'now', at: '', message: '', skipDescendants: false };
  let descendants: GraphNode[] | undefined;
  let rollbacks: Rollback[] | undefined;
  const onVersion = channelsOnVersion(subject.channels, subject.version);
  const whenOption = (when: RevokeForm['when'], label: string) =>
    html`<label class="inline"
      ><input
        type="radio"
        name="when"
        value=${when}
        ?checked=${form.when === when}
        @change=${() => {
          form.when = when;
          subject.app.update();
        }}
      />
      ${label}</label
    >`;
  subject.app.openDialog({
    title: `Revoke ${subject.bucket} ${version.name}`,
    confirmLabel: 'Revoke',
    danger: true,
    ready: false,
    body: () =>
      html`<fieldset>
          <legend>When</legend>
          ${whenOption('now', 'Immediately')} ${whenOption('scheduled', 'At a later time')}
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
              subject.app.update();
            }}
          />
          Do not revoke descendants</label
        >
        <h3>What this affects</h3>
        <p>Descendant versions that will inherit the revocation:</p>
        ${
          form.skipDescendants && descendants !== undefined
            ? html`<p data-testid="affected-descendants" data-count="0">
                None: descendants are skipped (${descendants.length} not revoked).
              </p>`
            : descendantsList(descendants)
        }
        <p>Channels on this version, when the revocation takes effect:</p>
        ${rollbackList(version, rollbacks)}`,
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
      await subject.app.session.registry.revokeVersion(subject.bucket, version.fingerprint, {
        revokeAt,
        message: form.message.trim() || undefined,
        skipDescendantsRevocation: form.skipDescendants || undefined,
      });
      subject.app.notice = revokeAt
        ? `Scheduled the revocation of ${subject.bucket} ${version.name}.`
        : `Revoked ${subject.bucket} ${version.name}.`;
    },
  });
  const dialog = subject.app.dialog;
  const failed = (what: string, error: unknown) => {
    if (dialog)
      dialog.error = `Could not ${what}: ${error instanceof Error ? error.message : String(error)}`;
  };
  await Promise.all([
    findDescendants(subject).then(
      (found) => (descendants = found),
      (error: unknown) => {
        descendants = [];
        failed('list descendants', error);
      },
    ),
    planRollbacks(subject, onVersion).then(
      (plans) => (rollbacks = plans),
      (error: unknown) => {
        rollbacks = onVersion.map((channel) => ({ channel }));
        failed('find where the channels roll back to', error);
      },
    ),
  ]);
  if (dialog) dialog.ready = true;
  subject.app.update();
}

export async function openRestoreDialog(subject: VersionTarget): Promise<void> {
  const version = subject.version;
  let restored: GraphNode[] | undefined;
  subject.app.openDialog({
    title: `Restore ${subject.bucket} ${version.name}`,
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
        ${descendantsList(restored)}
        <p class="muted">
          Channels that rolled back are not moved back; assign them again if needed.
        </p>`,
    onConfirm: async () => {
      await subject.app.session.registry.restoreVersion(subject.bucket, version.fingerprint);
      subject.app.notice = `Restored ${subject.bucket} ${version.name}.`;
    },
  });
  const dialog = subject.app.dialog;
  try {
    const descendants = await findDescendants(subject);
    await loadVersions(
      subject.app.session.registry,
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
  subject.app.update();
}
