import { execFile } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, tempDirs } from '../helpers/bin';

const exec = promisify(execFile);
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** The commands npm links from each package's `bin`, and the compiled entry each runs. */
const COMMANDS = [
  { pkg: 'cli', name: 'imprint', entry: 'dist/bin/imprint.js' },
  { pkg: 'registry', name: 'imprint-registry', entry: 'dist/bin/imprint-registry.js' },
];

/** Runs `node file args`; resolves with the exit code and output, whatever the code. */
async function node(file: string, args: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [file, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the commands a fresh clone gets from npm ci', () => {
  it.each(COMMANDS)(
    '12.1 $name: bin is a committed, executable launcher that runs the built entry',
    async ({ pkg, name }) => {
      const dir = join(REPO_ROOT, 'packages', pkg);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        bin: Record<string, string>;
        files: string[];
      };
      const launcher = manifest.bin[name];
      // Not under dist/: npm links only a bin whose file exists at install time.
      expect(launcher).toBe(`bin/${name}.js`);
      expect(manifest.files).toContain('bin');
      const file = join(dir, launcher);
      accessSync(file, constants.X_OK);
      expect(readFileSync(file, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
      const help = await node(file, ['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: ${name} \\[options\\] \\[command\\]`));
    },
  );

  it.each(COMMANDS)(
    '12.1 $name before npm run build: one line saying to build, exit 1',
    async ({ pkg, name, entry }) => {
      // The launcher as a fresh clone has it: its package without dist/.
      const unbuilt = join(await dirs.make(), pkg);
      mkdirSync(join(unbuilt, 'bin'), { recursive: true });
      copyFileSync(
        join(REPO_ROOT, 'packages', pkg, 'bin', `${name}.js`),
        join(unbuilt, 'bin', `${name}.js`),
      );
      const result = await node(join(unbuilt, 'bin', `${name}.js`), ['--help']);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `${name}: not built yet (${join(unbuilt, entry)} is missing): run \`npm run build\` first\n`,
      });
    },
  );
});

describe('start-up', () => {
  it('imprint --help and --version load none of the runner, registry, client or SDK', async () => {
    const heavy =
      /packages\/(core|registry|client|sdk)\/|node_modules\/(fastify|kysely|better-sqlite3|pg|class-validator|listr2|@sinclair)\//;
    const probe = `
      const { run } = require(${JSON.stringify(join(REPO_ROOT, 'packages/cli/dist/cli.js'))});
      const io = { stdout() {}, stderr() {} };
      (async () => {
        const codes = [await run(['--help'], io), await run(['--version'], io)];
        const loaded = Object.keys(require.cache).filter((f) => ${heavy}.test(f));
        process.stdout.write(JSON.stringify({ codes, loaded }));
      })();`;
    const { stdout } = await exec(process.execPath, ['-e', probe]);
    expect(JSON.parse(stdout)).toEqual({ codes: [0, 0], loaded: [] });
  });
});
