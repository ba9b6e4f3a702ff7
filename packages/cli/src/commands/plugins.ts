import { resolve } from 'node:path';
import { loadPlugin } from '../lazy';
import type { Command } from 'commander';
import { json } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import { examples } from './options';
import { addPluginsPackageCommand } from './plugins-package';

/** `imprint plugins describe` and `imprint plugins package`. */
export function addPluginsCommands(program: Command, c: Context): void {
  const { out } = actionHelpers(c);
  const plugins = program
    .command('plugins')
    .description('inspect plugins, and package them for Packer');
  plugins
    .command('describe')
    .description(
      "a plugin's builders, post-processors and data sources, their configuration fields and outputs",
    )
    .argument('<package>', 'plugin package name')
    .option('--from <dir>', 'directory the package is resolved from', '.')
    .option('--json', 'print the raw JSON')
    .addHelpText(
      'after',
      examples('imprint plugins describe @imprint/example-docker-like --from . --json'),
    )
    .action(async (pkg: string, flags: { from: string; json?: boolean }) => {
      const plugin = await loadPlugin(pkg, resolve(flags.from));
      const d = plugin.describe();
      if (flags.json) return out(json(d));
      const lines = [`${d.name} ${d.version} (sdk ${d.sdkVersion}, plugin API ${d.apiVersion})`];
      for (const [kind, list] of [
        ['builder', d.builders],
        ['post-processor', d.postProcessors],
        // A plugin built with an SDK before data sources describes none.
        ['data source', d.dataSources ?? []],
      ] as const) {
        for (const comp of list) {
          lines.push('', `${kind} ${comp.name}`);
          for (const f of comp.fields) {
            lines.push(
              `  ${f.name}${f.required ? '' : '?'}: ${f.type}${f.default === undefined ? '' : ` = ${JSON.stringify(f.default)}`}${f.doc ? `  ${f.doc}` : ''}`,
            );
          }
          for (const o of 'outputs' in comp ? comp.outputs : []) {
            lines.push(`  → ${o.name}: ${o.type}  ${o.description}`);
          }
        }
      }
      out(lines.join('\n') + '\n');
    });
  addPluginsPackageCommand(plugins, c);
}
