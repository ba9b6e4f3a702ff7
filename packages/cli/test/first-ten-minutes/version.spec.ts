import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, runToEnd } from '../helpers/bin';

const exec = promisify(execFile);

function versionOf(pkg: string): string {
  return (
    JSON.parse(readFileSync(join(REPO_ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}

describe('--version', () => {
  it("12.4 imprint --version and -V print @imprint/cli's version and exit 0", async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runToEnd([flag]);
      expect({ flag, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        flag,
        code: 0,
        stdout: `${versionOf('cli')}\n`,
        stderr: '',
      });
    }
    const help = await runToEnd(['--help']);
    expect(help.stdout).toMatch(/-V, --version +print the version of imprint/);
  });

  it("12.4 imprint-registry --version and -V print @imprint/registry's version and exit 0", async () => {
    const bin = join(REPO_ROOT, 'packages', 'registry', 'bin', 'imprint-registry.js');
    for (const flag of ['--version', '-V']) {
      const { stdout, stderr } = await exec(process.execPath, [bin, flag]);
      expect({ flag, stdout, stderr }).toEqual({
        flag,
        stdout: `${versionOf('registry')}\n`,
        stderr: '',
      });
    }
  });
});
