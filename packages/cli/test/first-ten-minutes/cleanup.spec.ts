import { join } from 'node:path';
import { REPO_ROOT, exitWithin, runToEnd, start, tempDirs, writeJson } from '../helpers/bin';
import { freshTmp, provisioning, quickTemplate, slowTemplate, tree } from './build-templates';

jest.setTimeout(90_000);

/**
 * What `imprint build` leaves in the temp dir: nothing. Each child gets a
 * fresh `TMPDIR`, so the check is exact; images go to `output_dir` outside it.
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('imprint build removes its run directory (built bin, child process)', () => {
  it('12.14 after a build that succeeds', async () => {
    const dir = await dirs.make();
    const tmp = await freshTmp(dirs);
    const file = await writeJson(dir, 'ok.pkr.json', quickTemplate('clean-ok', join(dir, 'out')));
    const run = await runToEnd(['build', file, '--plugin-dir', REPO_ROOT, '--registry-off'], {
      TMPDIR: tmp,
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await tree(tmp)).toEqual([]);
    expect(await tree(join(dir, 'out'))).toContain('index.json');
  });

  it('12.14 after a build that fails', async () => {
    const dir = await dirs.make();
    const tmp = await freshTmp(dirs);
    const template = quickTemplate('clean-failed', join(dir, 'out'));
    template.sources['docker-like.base'].files = [
      { source: join(dir, 'missing.txt'), destination: '/etc/x' } as never,
    ];
    const file = await writeJson(dir, 'bad.pkr.json', template);
    const run = await runToEnd(['build', file, '--plugin-dir', REPO_ROOT, '--registry-off'], {
      TMPDIR: tmp,
    });
    expect({ code: run.code, stdout: run.stdout }).toMatchObject({ code: 1 });
    expect(run.stdout).toContain('Build failed.');
    expect(await tree(tmp)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('12.14 after %s during the build', async (signal) => {
    const tmp = await freshTmp(dirs);
    const file = await slowTemplate(dirs, `clean-${signal.toLowerCase()}`);
    const run = start(['build', file, '--plugin-dir', REPO_ROOT, '--plain', '--registry-off'], {
      TMPDIR: tmp,
    });
    try {
      await provisioning(run, tmp);
      expect((await tree(tmp)).some((p) => /^imprint-run-\w+\/aws-like\.slow$/.test(p))).toBe(true);
      run.child.kill(signal);
      await exitWithin(run, 30_000);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
    expect(run.stderr).toContain(`build cancelled by ${signal}`);
    expect(await tree(tmp)).toEqual([]);
  });
});
