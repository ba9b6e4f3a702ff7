import type { PluginDescription } from '@imprint/sdk';
import { BadPackerNameError, BadPluginVersionError } from '../errors';
import type { Manifest, ManifestComponent } from '../protocol/manifest';
import { PACKER_DEFAULT_NAME } from '../protocol/manifest';

/** What Packer accepts in `packer-plugin-<name>` and uses as the prefix of component names. */
export const PACKER_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Semver 2.0 (the binary's name carries it and Packer parses it). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Prefixes a package name carries that the Packer name does not repeat. */
const PACKAGE_PREFIXES = ['imprint-plugin-', 'packer-plugin-', 'example-'];

/** Names of every component of a plugin, builders first. */
export function componentNames(d: PluginDescription): string[] {
  return [...d.builders, ...d.postProcessors, ...(d.dataSources ?? [])].map((c) => c.name);
}

/**
 * The Packer plugin name when none is given: the first builder's name when
 * every other component is that name or `<name>-…` (so `docker-like-tag`
 * becomes Packer's `docker-like-tag` again), else the package name's last
 * segment without `imprint-plugin-`, `packer-plugin-` and `example-`.
 */
export function derivePackerName(d: PluginDescription, packageName: string): string {
  const first = d.builders[0]?.name;
  if (
    first !== undefined &&
    componentNames(d).every((n) => n === first || n.startsWith(`${first}-`))
  ) {
    return first;
  }
  let name = packageName.split('/').pop() ?? packageName;
  for (const prefix of PACKAGE_PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) name = name.slice(prefix.length);
  }
  return name;
}

/** @throws {@link BadPackerNameError} when `name` is not `^[a-z0-9]+(-[a-z0-9]+)*$`. */
export function checkPackerName(name: string): void {
  if (!PACKER_NAME.test(name)) throw new BadPackerNameError(name);
}

/** @throws {@link BadPluginVersionError} when `version` is not semver. */
export function checkPluginVersion(pluginName: string, version: string): void {
  if (!SEMVER.test(version)) throw new BadPluginVersionError(pluginName, version);
}

/** The name a component is registered under in the Go plugin set. */
export function registeredName(packerName: string, imprintName: string): string {
  if (imprintName === packerName) return PACKER_DEFAULT_NAME;
  if (imprintName.startsWith(`${packerName}-`)) return imprintName.slice(packerName.length + 1);
  return imprintName;
}

/** The name templates use under Packer: `docker-like`, `docker-like-tag`. */
export function packerVisibleName(
  manifest: Pick<Manifest, 'packerName'>,
  c: ManifestComponent,
): string {
  return c.packerName === PACKER_DEFAULT_NAME
    ? manifest.packerName
    : `${manifest.packerName}-${c.packerName}`;
}

/** One line per component whose name changes under Packer. */
export function renamingNotices(manifest: Manifest): string[] {
  return manifest.components.flatMap((c) => {
    const visible = packerVisibleName(manifest, c);
    return visible === c.imprintName
      ? []
      : [`${c.kind} '${c.imprintName}': under Packer this is ${visible}`];
  });
}
