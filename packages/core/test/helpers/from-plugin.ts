import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TempDirs } from '@imprint/registry/testing';

/**
 * Writes `imprint-plugin-from` into `<dir>/node_modules` (plain JavaScript with
 * the PluginSet shape, loaded by name like any third-party plugin):
 * - builder `from`: `{ id, source_image?, region? }` → an artifact stating
 *   image `id` on platform `plainland` (region `r1` by default) built from
 *   `source_image` (default `scratch`) — what a child image built FROM a parent looks like;
 *   `sbom`, when given, is what the artifact states under `imprint.sbom` (as is, valid or not);
 * - data source `from-lookup`: `{ prefix }` → outputs `image` (string,
 *   `<prefix>-found`) and `tags` (list); its executions are counted on
 *   `globalThis.__fromLookups`.
 */
export async function writeFromPlugin(dir: string): Promise<string> {
  const pkg = join(dir, 'node_modules', 'imprint-plugin-from');
  await mkdir(pkg, { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'imprint-plugin-from', version: '0.3.0', main: 'index.js' }),
  );
  await writeFile(
    join(pkg, 'index.js'),
    `
const configError = (where, problem) => Object.assign(new Error(where + ': ' + problem), { code: 'IMPRINT_ERR_PLUGIN_CONFIG' });
class FromBuilder {
  prepare(config) {
    if (typeof config.id !== 'string') throw configError("from source", "id must be a string, got " + JSON.stringify(config.id));
    this.config = config;
  }
  async run(context) {
    context.ui.say('building ' + this.config.id + ' from ' + (this.config.source_image ?? 'scratch'));
    const state = {
      ImageID: this.config.id, ProviderName: 'plainland', ProviderRegion: this.config.region ?? 'r1',
      SourceImageID: this.config.source_image ?? 'scratch',
      Labels: {},
    };
    return {
      builderId: () => 'from', files: () => [], id: () => this.config.id, toString: () => 'image ' + this.config.id,
      state: (name) => (name === 'par.artifact.metadata' ? state : name === 'imprint.sbom' ? this.config.sbom : undefined),
      destroy() {},
    };
  }
}
const LOOKUP_OUTPUTS = [
  { name: 'image', type: 'string', description: 'The image found.' },
  { name: 'tags', type: 'list', description: 'Its tags.' },
];
class Lookup {
  prepare(config) {
    if (typeof config.prefix !== 'string') throw configError("from-lookup data", "prefix must be a string, got " + JSON.stringify(config.prefix));
    this.config = config;
  }
  async execute() {
    globalThis.__fromLookups = (globalThis.__fromLookups ?? 0) + 1;
    return { image: this.config.prefix + '-found', tags: ['a'] };
  }
}
module.exports = {
  apiVersion: 1, sdkVersion: '0.1.0', info: { name: 'imprint-plugin-from', version: '0.3.0' },
  describe() {
    return { name: 'imprint-plugin-from', version: '0.3.0', builders: [{ name: 'from', fields: [] }], postProcessors: [],
      dataSources: [{ name: 'from-lookup', fields: [], outputs: LOOKUP_OUTPUTS }] };
  },
  async createBuilder(name, config, location) {
    if (name !== 'from') throw new Error('unknown builder ' + name);
    const component = new FromBuilder(); component.prepare(config, location);
    return { component, config, warnings: [] };
  },
  async createPostProcessor(name) { throw new Error('unknown post-processor ' + name); },
  async createDataSource(name, config) {
    if (name !== 'from-lookup') throw new Error("Plugin imprint-plugin-from has no data source named '" + name + "'");
    const component = new Lookup(); component.prepare(config);
    return { component, config, warnings: [] };
  },
  async executeDataSource(component) { return component.execute(); },
};
`,
  );
  return dir;
}

/** `required_plugins` for the from plugin's builder and data source. */
export const FROM_PLUGINS = { from: 'imprint-plugin-from', 'from-lookup': 'imprint-plugin-from' };

/** The from plugin, written to a temp dir of `dirs` before the suite; `dir` is valid inside tests. */
export function useFromPlugin(dirs: TempDirs): { readonly dir: string } {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await writeFromPlugin(await dirs.make('imprint-core-from-'));
  });
  return {
    get dir() {
      if (dir === undefined) throw new Error('useFromPlugin(): only available inside tests');
      return dir;
    },
  };
}
