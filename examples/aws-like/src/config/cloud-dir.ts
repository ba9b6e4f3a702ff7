import { homedir } from 'node:os';
import { join } from 'node:path';

/** Environment variable that sets where the local cloud keeps its state. */
export const CLOUD_DIR_ENV = 'IMPRINT_AWS_LIKE_CLOUD_DIR';

/**
 * Where the local cloud keeps its state when `cloud_dir` is not set:
 * `$IMPRINT_AWS_LIKE_CLOUD_DIR`, else `~/.imprint/aws-like-cloud`. Never the
 * build's work directory: images must outlive the build that made them.
 */
export function defaultCloudDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[CLOUD_DIR_ENV];
  return fromEnv !== undefined && fromEnv !== ''
    ? fromEnv
    : join(homedir(), '.imprint', 'aws-like-cloud');
}
