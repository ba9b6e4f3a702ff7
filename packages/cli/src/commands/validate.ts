import { resolve } from 'node:path';
import { loadTemplate, validateTemplate } from '../lazy';
import type { Command } from 'commander';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { VarFlags } from './options';
import { examples, loadVars, withVars } from './options';

/** `imprint validate`: checks a template without a registry. */
export function addValidateCommand(program: Command, c: Context): void {
  const { out } = actionHelpers(c);
  withVars(
    program
      .command('validate')
      .description('check a template and the configuration of every component (no registry)')
      .argument('<template>', 'template file (.pkr.json)'),
  )
    .addHelpText(
      'after',
      examples(
        'imprint validate app.pkr.json',
        'imprint validate app.pkr.json --var-file prod.json',
      ),
    )
    .action(async (file: string, flags: VarFlags) => {
      const template = await loadTemplate(resolve(file), loadVars(flags, c.env));
      const prepared = await validateTemplate(template, {
        ...(flags.pluginDir === undefined ? {} : { pluginDir: resolve(flags.pluginDir) }),
      });
      for (const b of prepared.builds) {
        for (const w of b.warnings) c.io.stderr(`warning: ${b.name}: ${w}\n`);
      }
      for (const name of prepared.deferred) {
        c.io.stderr(
          `note: ${name}: fields set from data blocks are checked when \`imprint build\` reads the data\n`,
        );
      }
      const count = prepared.builds.length + prepared.deferred.length;
      out(`${template.file}: valid (${count} build(s))\n`);
    });
}
