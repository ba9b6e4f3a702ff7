import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './host-process';

/** The npm name of the plugin {@link writeAskerPlugin} writes. */
export const ASKER = 'imprint-plugin-asker';

/**
 * Writes a small plugin package into `<dir>/node_modules`: a builder `asker`
 * that reports progress 51 times in a row, asks its configured question and
 * returns an artifact whose id is the answer (an answer of `fail` fails the
 * build with an error that has no code). Plain CommonJS on the built SDK, as
 * a published plugin would be.
 */
export async function writeAskerPlugin(dir: string): Promise<void> {
  const sdk = join(REPO_ROOT, 'packages', 'sdk');
  const classValidator = require.resolve('class-validator', { paths: [sdk] });
  const pkgDir = join(dir, 'node_modules', ASKER);
  await mkdir(pkgDir, { recursive: true });
  await writeFile(
    join(pkgDir, 'package.json'),
    JSON.stringify({ name: ASKER, version: '1.2.3', main: 'index.js' }),
  );
  await writeFile(
    join(pkgDir, 'index.js'),
    `const { PluginSet, Field } = require(${JSON.stringify(sdk)});
const { IsOptional, IsString } = require(${JSON.stringify(classValidator)});
class AskerConfig {}
for (const decorate of [Field({ doc: 'What to ask.' }), IsOptional(), IsString()]) decorate(AskerConfig.prototype, 'question');
class AskerBuilder {
  prepare(config) { this.question = config.question ?? 'Go on?'; }
  async run(ctx) {
    for (let i = 0; i <= 50; i++) ctx.ui.progress({ step: 'counting', completed: i, total: 50 });
    const answer = await ctx.ui.ask(this.question);
    if (answer === 'fail') throw new Error('told to fail');
    return { builderId: () => 'asker', id: () => answer, files: () => [], toString: () => 'answered ' + answer, state: () => undefined, destroy() {} };
  }
}
AskerBuilder.configClass = AskerConfig;
module.exports = new PluginSet({ name: ${JSON.stringify(ASKER)}, version: '1.2.3' }).registerBuilder('asker', AskerBuilder);
`,
  );
}
