import { execFile } from 'node:child_process';

/** `git rev-parse HEAD` in `dir`, or undefined when it is not a git work tree. */
export function gitCommit(dir: string): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5000 }, (error, stdout) => {
      const sha = String(stdout).trim();
      resolvePromise(error || !/^[0-9a-f]{40,64}$/.test(sha) ? undefined : sha);
    });
  });
}

const CI_SYSTEMS: readonly { type: string; detect: string; keys: readonly string[] }[] = [
  {
    type: 'github-actions',
    detect: 'GITHUB_ACTIONS',
    keys: [
      'GITHUB_REPOSITORY',
      'GITHUB_SHA',
      'GITHUB_REF',
      'GITHUB_RUN_ID',
      'GITHUB_WORKFLOW',
      'GITHUB_ACTOR',
    ],
  },
  {
    type: 'gitlab-ci',
    detect: 'GITLAB_CI',
    keys: ['CI_PROJECT_PATH', 'CI_COMMIT_SHA', 'CI_COMMIT_REF_NAME', 'CI_PIPELINE_ID', 'CI_JOB_ID'],
  },
  {
    type: 'bitbucket-pipelines',
    detect: 'BITBUCKET_BUILD_NUMBER',
    keys: [
      'BITBUCKET_REPO_FULL_NAME',
      'BITBUCKET_COMMIT',
      'BITBUCKET_BRANCH',
      'BITBUCKET_BUILD_NUMBER',
    ],
  },
  {
    type: 'jenkins',
    detect: 'JENKINS_URL',
    keys: ['JOB_NAME', 'BUILD_NUMBER', 'GIT_COMMIT', 'GIT_BRANCH'],
  },
];

/** The CI system the run is in, from its environment variables. */
export function ciMetadata(
  env: Readonly<Record<string, string | undefined>>,
): { type: string; details: Record<string, string> } | undefined {
  for (const system of CI_SYSTEMS) {
    if (!env[system.detect]) continue;
    const details: Record<string, string> = {};
    for (const key of system.keys) {
      const value = env[key];
      if (value !== undefined && value !== '') details[key] = value;
    }
    return { type: system.type, details };
  }
  return undefined;
}
