import type { ConfigProblem } from '@imprint/sdk';
import type { AwsLikeConfig } from './aws-like.config';

/** What {@link checkConfig} found. */
export interface ConfigCheck {
  /** Problems to throw as one `ConfigError`. */
  readonly problems: ConfigProblem[];
  /** Harmless oddities to report. */
  readonly warnings: string[];
  /** `ami_regions` without duplicates and without the build region, in order. */
  readonly copyRegions: string[];
}

/**
 * The rules that span fields or need the cloud (its regions); class-validator
 * has already checked each field on its own.
 */
export function checkConfig(config: AwsLikeConfig, knownRegions: readonly string[]): ConfigCheck {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];

  if (config.sourceAmi === undefined && config.sourceAmiFilter === undefined) {
    problems.push({
      path: 'source_ami',
      kind: 'missing',
      message: 'set source_ami (an image id) or source_ami_filter (a name pattern)',
    });
  } else if (config.sourceAmi !== undefined && config.sourceAmiFilter !== undefined) {
    problems.push({
      path: 'source_ami_filter',
      kind: 'invalid',
      message: 'cannot be set together with source_ami; keep one of the two',
    });
  }

  const checkRegion = (path: string, region: string): void => {
    const problem = regionProblem(path, region, knownRegions);
    if (problem !== undefined) problems.push(problem);
  };
  checkRegion('region', config.region);
  const copyRegions: string[] = [];
  config.amiRegions.forEach((region, i) => {
    checkRegion(`ami_regions[${i}]`, region);
    if (region === config.region) {
      warnings.push(
        `ami_regions[${i}] is the build region ${region}; the image is created there anyway, so it is not copied`,
      );
    } else if (copyRegions.includes(region)) {
      warnings.push(`ami_regions[${i}] repeats ${region}; the image is copied there once`);
    } else {
      copyRegions.push(region);
    }
  });

  config.provision.forEach((step, i) => problems.push(...checkStep(step, `provision[${i}]`)));
  return { problems, warnings, copyRegions };
}

/** The problem with a region the cloud does not have (naming the closest one), if any. */
export function regionProblem(
  path: string,
  region: string,
  knownRegions: readonly string[],
): ConfigProblem | undefined {
  if (knownRegions.includes(region)) return undefined;
  const near = closest(region, knownRegions);
  return {
    path,
    kind: 'invalid',
    message: `unknown region "${region}"${near ? `; did you mean "${near}"?` : '.'} This cloud has: ${knownRegions.join(', ')}`,
  };
}

function checkStep(step: AwsLikeConfig['provision'][number], at: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const notFor = (key: string, needs: string): void => {
    problems.push({
      path: `${at}.${key}`,
      kind: 'invalid',
      message: `a ${step.type} step does not take ${key}; ${needs}`,
    });
  };
  if (step.type === 'shell') {
    if (step.inline === undefined || step.inline.length === 0) {
      problems.push({
        path: `${at}.inline`,
        kind: 'missing',
        message: 'a shell step runs these commands; give at least one',
      });
    }
    if (step.destination !== undefined) notFor('destination', 'use a file step to write files');
    if (step.content !== undefined) notFor('content', 'use a file step to write files');
  } else if (step.type === 'file') {
    if (step.destination === undefined) {
      problems.push({
        path: `${at}.destination`,
        kind: 'missing',
        message: 'where to write the file',
      });
    } else if (!step.destination.startsWith('/') || step.destination.endsWith('/')) {
      problems.push({
        path: `${at}.destination`,
        kind: 'invalid',
        message: `must be the absolute path of a file inside the instance, such as /etc/motd (got "${step.destination}")`,
      });
    }
    if (step.content === undefined) {
      problems.push({ path: `${at}.content`, kind: 'missing', message: 'what to write' });
    }
    if (step.inline !== undefined) notFor('inline', 'use a shell step to run commands');
  }
  return problems;
}

/** The known name closest to `name`, if it is close enough to be a typo. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
