import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TempDirs } from '@imprint/registry/testing';

/**
 * Writes a small plugin package into `<dir>/node_modules/imprint-plugin-plain`
 * (plain JavaScript, no SDK dependency: `loadPlugin` accepts any object with
 * the PluginSet shape). Builder `plain` returns an artifact stating NO
 * registry metadata after `delay_ms`; post-processor `plain-meta` returns one
 * that does. Concurrency and `state()` calls per artifact id and key (`<id> <key>`) are recorded on
 * `globalThis.__plainPlugin`. Returns `dir` (the `pluginDir` to pass).
 */
export async function writePlainPlugin(dir: string): Promise<string> {
  const pkg = join(dir, 'node_modules', 'imprint-plugin-plain');
  await mkdir(pkg, { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'imprint-plugin-plain', version: '1.2.3', main: 'index.js' }),
  );
  await writeFile(
    join(pkg, 'index.js'),
    `
const stats = (globalThis.__plainPlugin ??= { active: 0, max: 0, stateReads: {} });
const artifact = (id, state) => ({
  builderId: () => 'plain', files: () => [], id: () => id, toString: () => 'plain artifact ' + id,
  state: (name) => {
    const key = id + ' ' + name;
    stats.stateReads[key] = (stats.stateReads[key] ?? 0) + 1;
    return name === 'par.artifact.metadata' ? state : undefined;
  },
  destroy() {},
});
class PlainBuilder {
  prepare(config) { this.config = config; }
  async run(context) {
    stats.active++; stats.max = Math.max(stats.max, stats.active);
    try {
      context.ui.say('working');
      await new Promise((r) => setTimeout(r, this.config.delay_ms ?? 0));
      context.signal.throwIfAborted();
      return artifact(this.config.id ?? 'plain-1', undefined);
    } finally { stats.active--; }
  }
}
class MetaPostProcessor {
  prepare(config) { this.config = config; }
  async postProcess(context, input) {
    return {
      keepInput: true,
      artifact: artifact('meta-' + input.id(), {
        ImageID: 'meta-' + input.id(), ProviderName: 'plainland', ProviderRegion: 'r1',
        SourceImageID: 'src-' + input.id(), Labels: { from: 'meta' },
      }),
    };
  }
}
module.exports = {
  apiVersion: 1, sdkVersion: '0.1.0', info: { name: 'imprint-plugin-plain', version: '1.2.3' },
  describe() { return { name: 'imprint-plugin-plain', version: '1.2.3', builders: [], postProcessors: [] }; },
  async createBuilder(name, config, location) {
    if (name !== 'plain') throw new Error('unknown builder ' + name);
    const component = new PlainBuilder(); component.prepare(config, location);
    return { component, config, warnings: [] };
  },
  async createPostProcessor(name, config) {
    if (name !== 'plain-meta') throw new Error('unknown post-processor ' + name);
    const component = new MetaPostProcessor(); component.prepare(config);
    return { component, config, warnings: [] };
  },
};
`,
  );
  return dir;
}

/** `required_plugins` naming the plain plugin's builder and post-processor. */
export const PLAIN_PLUGINS = {
  plain: 'imprint-plugin-plain',
  'plain-meta': 'imprint-plugin-plain',
};

/** The plain plugin, written to a temp dir of `dirs` before the suite; `dir` is valid inside tests. */
export function usePlainPlugin(dirs: TempDirs): { readonly dir: string } {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await writePlainPlugin(await dirs.make('imprint-core-plugins-'));
  });
  return {
    get dir() {
      if (dir === undefined) throw new Error('usePlainPlugin(): only available inside tests');
      return dir;
    },
  };
}
