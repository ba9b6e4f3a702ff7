import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  PluginApiVersionError,
  PluginLoadError,
  PluginNotFoundError,
} from '../errors/plugin.errors';
import { describeType } from '../errors/describe-value';
import { PLUGIN_API_VERSION, SDK_VERSION } from '../version';
import type { PluginSet } from './plugin-set';
import { isPluginSet } from './plugin-set';

/**
 * Loads a plugin by package name, resolved the way Node resolves it from
 * `fromDir` (usually the template's directory), and checks that it speaks
 * this SDK's plugin API version. The package's main export must be a
 * `PluginSet` (`module.exports = plugin`, `export default plugin`, or an
 * export named `plugin`).
 *
 * @throws {@link PluginNotFoundError} with the `npm install` command to run.
 * @throws {@link PluginLoadError} when the package fails to load or exports no PluginSet.
 * @throws {@link PluginApiVersionError} when the API versions differ.
 */
export async function loadPlugin(packageName: string, fromDir: string): Promise<PluginSet> {
  const dir = resolve(fromDir);
  const requireFrom = createRequire(resolve(dir, 'noop.js'));
  let entry: string;
  try {
    entry = requireFrom.resolve(packageName);
  } catch (error) {
    const installed = (requireFrom.resolve.paths(packageName) ?? []).some((p) =>
      existsSync(join(p, packageName, 'package.json')),
    );
    if (!installed) throw new PluginNotFoundError(packageName, dir, { cause: error });
    throw new PluginLoadError(
      packageName,
      `it is installed but its entry point cannot be resolved (is it built?): ${(error as Error).message}`,
      { cause: error },
    );
  }
  let loaded: unknown;
  try {
    loaded = requireFrom(entry);
  } catch (error) {
    throw new PluginLoadError(packageName, `loading ${entry} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const candidates = [
    loaded,
    (loaded as { default?: unknown })?.default,
    (loaded as { plugin?: unknown })?.plugin,
  ];
  const plugin = candidates.find(isPluginSet);
  if (plugin === undefined) {
    throw new PluginLoadError(
      packageName,
      `its main export (${entry}) is ${describeType(loaded)}, not a PluginSet. Export the plugin's PluginSet: \`export default new PluginSet({...}).registerBuilder(...)\` or \`module.exports = plugin\`.`,
    );
  }
  if (plugin.apiVersion !== PLUGIN_API_VERSION) {
    throw new PluginApiVersionError(
      packageName,
      plugin.apiVersion,
      plugin.sdkVersion,
      PLUGIN_API_VERSION,
      SDK_VERSION,
    );
  }
  return plugin;
}
