import type { UpdateBuildBody } from '@imprint/client';

/**
 * The UpdateBuild that completes a build in the benchmark's load (b) —
 * BUILD_DONE with one label and an artifact in each of three regions — and
 * in the SQLite WAL test, which replays that load.
 */
export function doneWithThreeArtifacts(fingerprint: string): UpdateBuildBody {
  return {
    status: 'BUILD_DONE',
    platform: 'aws',
    labels: { os: 'ubuntu' },
    artifacts: ['eu-west-1', 'us-east-1', 'ap-south-1'].map((region) => ({
      external_identifier: `ami-${fingerprint}-${region}`,
      region,
    })),
  };
}
