import { homedir } from 'node:os';
import { join } from 'node:path';
import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { Field } from '@imprint/sdk';

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

/**
 * The `cloud_dir` field, declared once for the builder's and the data
 * source's config classes (both open the same local cloud).
 */
export function CloudDirField(): PropertyDecorator {
  const decorators = [
    Field({
      doc: 'Directory where the local cloud keeps its state; default $IMPRINT_AWS_LIKE_CLOUD_DIR, else ~/.imprint/aws-like-cloud.',
    }),
    IsOptional(),
    IsString(),
    IsNotEmpty(),
  ];
  return (target, property) => {
    for (const decorate of decorators) decorate(target, property);
  };
}
