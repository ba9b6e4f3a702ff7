import { isAbsolute } from 'node:path';
import type { ComponentDescription, ConfigFieldDescription, PluginDescription } from '@imprint/sdk';
import { UnmappablePluginError } from '../errors';
import type { ComponentKind, Manifest, ManifestComponent } from '../protocol/manifest';
import { MANIFEST_VERSION } from '../protocol/manifest';
import { OUTPUT_CTY, manifestField } from './cty';
import {
  checkPackerName,
  checkPluginVersion,
  derivePackerName,
  registeredName,
} from './packer-name';

/** Options of {@link createManifest}. */
export interface ManifestOptions {
  /** The npm package the host loads (`loadPlugin(packageName, from)`); may differ from the PluginSet's name. */
  readonly packageName: string;
  /** Absolute directory the package is resolved from. */
  readonly from: string;
  /** Absolute path of the Node binary the bridge starts the host with. */
  readonly node: string;
  /** Absolute path of the host script (`dist/host/main.js`). */
  readonly host: string;
  /** The Packer plugin name (`--name`); derived when absent (see {@link derivePackerName}). */
  readonly name?: string;
}

/**
 * The manifest of PROTOCOL.md §1 for a plugin's `describe()`: component and
 * field types as go-cty types, Packer names, and what the binary starts.
 *
 * @example
 * ```ts
 * const plugin = await loadPlugin('@imprint/example-docker-like', dir);
 * const manifest = createManifest(plugin.describe(), { packageName: '@imprint/example-docker-like', from: dir, node: process.execPath, host });
 * manifest.packerName; // 'docker-like'
 * ```
 * @throws {@link BadPackerNameError} for a name Packer does not accept.
 * @throws {@link BadPluginVersionError} when the plugin's version is not semver.
 * @throws {@link UnmappablePluginError} listing every component or field Packer cannot take.
 */
export function createManifest(description: PluginDescription, opts: ManifestOptions): Manifest {
  const packerName = opts.name ?? derivePackerName(description, opts.packageName);
  checkPackerName(packerName);
  checkPluginVersion(description.name, description.version);
  const problems: string[] = [];
  for (const [what, path] of [
    ['from', opts.from],
    ['node', opts.node],
    ['host', opts.host],
  ] as const) {
    if (!isAbsolute(path)) problems.push(`${what} must be an absolute path, got '${path}'`);
  }
  const kinds: [ComponentKind, readonly ComponentDescription[]][] = [
    ['builder', description.builders],
    ['post-processor', description.postProcessors],
    ['data-source', description.dataSources ?? []],
  ];
  const components: ManifestComponent[] = [];
  for (const [kind, list] of kinds) {
    const byRegistered = new Map<string, string>();
    for (const c of list) {
      const registered = registeredName(packerName, c.name);
      const clash = byRegistered.get(registered);
      if (clash !== undefined) {
        problems.push(
          `${kind}s '${clash}' and '${c.name}' would both be ${packerName}-${registered} under Packer; rename one, or package with another --name`,
        );
      }
      byRegistered.set(registered, c.name);
      problems.push(...componentProblems(kind, c));
      components.push({
        kind,
        imprintName: c.name,
        packerName: registered,
        fields: c.fields.map(manifestField),
        ...('outputs' in c
          ? {
              outputs: (c as PluginDescription['dataSources'][number]).outputs.map((o) => ({
                name: o.name,
                cty: OUTPUT_CTY[o.type] ?? 'dynamic',
              })),
            }
          : {}),
      });
    }
  }
  if (components.length === 0) problems.push('it has no builder, post-processor or data source');
  if (problems.length > 0) throw new UnmappablePluginError(description.name, problems);
  return {
    manifestVersion: MANIFEST_VERSION,
    packerName,
    plugin: {
      package: opts.packageName,
      from: opts.from,
      version: description.version,
      sdkVersion: description.sdkVersion,
      apiVersion: description.apiVersion,
    },
    node: opts.node,
    host: opts.host,
    components,
  };
}

function componentProblems(kind: ComponentKind, c: ComponentDescription): string[] {
  const problems: string[] = [];
  // Templates reference components as source.<type>.<name> and data.<type>.<name>.
  if (c.name.includes('.')) {
    problems.push(`${kind} '${c.name}': Packer cannot reference a name with '.'; rename it`);
  }
  const walk = (fields: readonly ConfigFieldDescription[], prefix: string) => {
    for (const f of fields) {
      // Packer sets packer_* keys itself and the bridge keeps them out of the configuration.
      if (f.name.startsWith('packer_')) {
        problems.push(
          `${kind} '${c.name}': field '${prefix}${f.name}' starts with 'packer_', which Packer reserves; rename it`,
        );
      }
      if (f.fields !== undefined) walk(f.fields, `${prefix}${f.name}.`);
    }
  };
  walk(c.fields, '');
  return problems;
}
