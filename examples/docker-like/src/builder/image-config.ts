import type { OciExecConfig, OciHistory, OciImageConfig } from '../oci/oci-types';
import type { BuildSettings } from './build-settings';

/** The layer a build adds, as the config records it. */
export interface AddedLayer {
  readonly diffId: string;
  /** Image paths the layer writes, for the history entry. */
  readonly destinations: readonly string[];
}

/** Author recorded in history entries this plugin writes. */
export const HISTORY_AUTHOR = 'imprint docker-like';

/**
 * The new image's configuration: the base's, with the configured changes and
 * the new layer applied. Keys are written in a fixed order and maps sorted,
 * so equal inputs always serialize to equal bytes (and so an equal image ID).
 * Only fields defined by the OCI image spec are carried over from the base.
 */
export function deriveImageConfig(
  base: OciImageConfig | undefined,
  settings: BuildSettings,
  platform: { readonly architecture: string; readonly os: string },
  layer: AddedLayer | undefined,
): OciImageConfig {
  const from = base?.config ?? {};
  const entrypoint = settings.entrypoint ?? from.Entrypoint ?? undefined;
  // As with Docker's ENTRYPOINT: a new entrypoint drops the base's CMD unless CMD is set too.
  const cmd =
    settings.cmd ?? (settings.entrypoint === undefined ? (from.Cmd ?? undefined) : undefined);
  const env = mergeEnv(from.Env ?? [], settings.env);
  const labels = sortedRecord({ ...(from.Labels ?? {}), ...settings.labels });
  const exec: OciExecConfig = compact({
    User: from.User,
    ExposedPorts: from.ExposedPorts,
    Env: env.length > 0 ? env : undefined,
    Entrypoint: entrypoint,
    Cmd: cmd,
    Volumes: from.Volumes,
    WorkingDir: settings.workdir ?? from.WorkingDir,
    Labels: Object.keys(labels).length > 0 ? labels : undefined,
    StopSignal: from.StopSignal,
  });

  const history: OciHistory[] = [...(base?.history ?? [])];
  if (layer !== undefined) {
    history.push({
      created: settings.created,
      author: HISTORY_AUTHOR,
      created_by: `COPY ${summarize(layer.destinations)}`,
    });
  }
  const changes = describeConfigChanges(settings);
  if (changes !== '') {
    history.push({
      created: settings.created,
      author: HISTORY_AUTHOR,
      created_by: changes,
      empty_layer: true,
    });
  }

  return compact({
    created: settings.created,
    architecture: platform.architecture,
    os: platform.os,
    'os.version': base?.['os.version'],
    'os.features': base?.['os.features'],
    variant: base?.variant,
    config: exec,
    rootfs: {
      type: 'layers' as const,
      diff_ids: [...(base?.rootfs.diff_ids ?? []), ...(layer === undefined ? [] : [layer.diffId])],
    },
    history,
  }) as OciImageConfig;
}

function mergeEnv(base: readonly string[], changes: BuildSettings['env']): string[] {
  const env = [...base];
  for (const [name, value] of changes) {
    const line = `${name}=${value}`;
    const at = env.findIndex((e) => e.split('=', 1)[0] === name);
    if (at >= 0) env[at] = line;
    else env.push(line);
  }
  return env;
}

function describeConfigChanges(settings: BuildSettings): string {
  const parts: string[] = [];
  if (settings.env.length > 0) parts.push(`ENV ${settings.env.map(([name]) => name).join(' ')}`);
  if (Object.keys(settings.labels).length > 0)
    parts.push(`LABEL ${Object.keys(settings.labels).sort().join(' ')}`);
  if (settings.entrypoint !== undefined)
    parts.push(`ENTRYPOINT ${JSON.stringify(settings.entrypoint)}`);
  if (settings.cmd !== undefined) parts.push(`CMD ${JSON.stringify(settings.cmd)}`);
  if (settings.workdir !== undefined) parts.push(`WORKDIR ${settings.workdir}`);
  return parts.join('; ');
}

function summarize(paths: readonly string[]): string {
  const shown = paths.slice(0, 8).join(' ');
  return paths.length > 8 ? `${shown} (and ${paths.length - 8} more)` : shown;
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as T;
}
