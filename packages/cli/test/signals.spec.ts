import { REPO_ROOT, eventually, exitWithin, start, tempDirs, useRegistry } from './helpers/bin';
import { slowTemplate as slowBuild } from './first-ten-minutes/build-templates';

jest.setTimeout(90_000);

/**
 * SIGINT / SIGTERM during `imprint build`: the built bin runs as a child
 * process against a real registry on 127.0.0.1, with an aws-like build whose
 * shell provisioner sleeps; the signal arrives once the registry shows the
 * build RUNNING.
 */
const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-reg-');

/** A template with one aws-like build that provisions for a minute, seeded in a fresh local cloud. */
const slowTemplate = (bucket: string) => slowBuild(dirs, bucket);

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('imprint build, then %s (built bin, real registry)', (signal, code) => {
  it(`cancels the build: exit ${code}, BUILD_CANCELLED, and a resume hint on stderr`, async () => {
    const bucket = `cli-${signal.toLowerCase()}`;
    const fp = `${signal.toLowerCase()}-fingerprint`;
    const file = await slowTemplate(bucket);
    const run = start(['build', file, '--plugin-dir', REPO_ROOT, '--plain', '--fingerprint', fp], {
      IMPRINT_REGISTRY_URL: registry.server.url,
    });
    try {
      await eventually(`build of ${bucket} RUNNING`, 30_000, async () => {
        if (run.child.exitCode !== null) {
          throw new Error(`imprint exited early:\n${run.stdout}\n${run.stderr}`);
        }
        const { builds } = await registry.client.listBuilds(bucket, fp);
        return builds.some((b) => b.status === 'BUILD_RUNNING') ? true : undefined;
      });
      run.child.kill(signal);
      const exitCode = await exitWithin(run, 30_000);
      expect({ exitCode, stderr: run.stderr }).toMatchObject({ exitCode: code });
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }

    const { builds } = await registry.client.listBuilds(bucket, fp);
    expect(builds.map((b) => [b.component_type, b.status])).toEqual([
      ['aws-like.slow', 'BUILD_CANCELLED'],
    ]);
    expect((await registry.client.getVersion(bucket, fp)).name).toBe('v0');

    expect(run.stderr).toContain(`imprint: ${signal} received, cancelling builds`);
    const last = run.stderr.trimEnd().split('\n').at(-1);
    expect(last).toBe(
      `imprint: build cancelled by ${signal} (aws-like.slow); the registry version stays incomplete. ` +
        `Resume it with: IMPRINT_BUILD_FINGERPRINT=${fp} imprint build ${file} (or --fingerprint ${fp})`,
    );
    expect(run.stdout).toContain('Build cancelled.');
  });
});
