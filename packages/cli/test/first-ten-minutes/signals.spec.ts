import { REPO_ROOT, eventually, exitWithin, start, tempDirs } from '../helpers/bin';
import { freshTmp, provisioning, slowTemplate, tree } from './build-templates';

jest.setTimeout(90_000);

/** Exit codes after a signal: 128 + the signal's number, as a shell reports it. */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('imprint build, then %s (built bin, child process)', (signal, code) => {
  it.each([1, 2])(
    `12.15 exits ${code} after %i ${signal}, removing its temp dir`,
    async (times) => {
      const tmp = await freshTmp(dirs);
      const file = await slowTemplate(dirs, `sig-${signal.toLowerCase()}-${times}`, times === 2);
      const run = start(['build', file, '--plugin-dir', REPO_ROOT, '--plain', '--registry-off'], {
        TMPDIR: tmp,
      });
      try {
        await provisioning(run, tmp);
        run.child.kill(signal);
        if (times === 2) {
          // The second signal once the first is handled, while the builds are being cancelled.
          await eventually('the first signal handled', 5_000, async () =>
            run.stderr.includes('cancelling builds') ? true : undefined,
          );
          run.child.kill(signal);
        }
        expect({ code: await exitWithin(run, 30_000), stderr: run.stderr }).toMatchObject({ code });
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
      // The exit code is the process's own (not a death by the signal): the handler ran.
      expect(run.child.signalCode).toBeNull();
      expect(run.stderr).toContain(`imprint: ${signal} received, cancelling builds`);
      expect(run.stderr.includes(`imprint: ${signal} again, exiting`)).toBe(times === 2);
      expect(await tree(tmp)).toEqual([]);
    },
  );
});
