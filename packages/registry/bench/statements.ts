import { openRegistryStorage, type Actor } from '@imprint/registry';
import { doneWithThreeArtifacts } from './completion';

/** What one build completion costs the database. */
export interface StatementCount {
  readonly total: number;
  /** e.g. `CreateVersion 3 + CreateBuild 4 + UpdateBuild 9`. */
  readonly breakdown: string;
}

const BENCH_ACTOR: Actor = { principalId: 'bench', name: 'bench', role: 'admin' };

/**
 * Runs the completion the load of (b) repeats — CreateVersion, CreateBuild
 * (BUILD_UNSET), UpdateBuild BUILD_DONE with 3 artifacts — through the
 * service, on the same database, and counts the statements each step sends
 * (StorageOptions.onStatement: every round trip, BEGIN/COMMIT and NOTIFY
 * included). The third of three runs is reported, once statement caches and
 * the bucket are warm.
 */
export async function countCompletionStatements(location: {
  databaseUrl?: string;
  dataDir?: string;
}): Promise<StatementCount> {
  let counted = 0;
  const storage = await openRegistryStorage({
    ...location,
    onStatement: () => {
      counted += 1;
    },
  });
  const service = storage.service;
  const bucket = `bench-statements-${Date.now().toString(36)}`;
  try {
    await service.createBucket(BENCH_ACTOR, { name: bucket });
    let steps: [string, number][] = [];
    for (let run = 0; run < 3; run += 1) {
      const fingerprint = `statements-${Date.now().toString(36)}-${run}`;
      const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
        counted = 0;
        const value = await fn();
        steps.push([name, counted]);
        return value;
      };
      steps = [];
      await step('CreateVersion', () =>
        service.createVersion(BENCH_ACTOR, bucket, { fingerprint, template_type: 'HCL2' }),
      );
      const build = await step('CreateBuild', () =>
        service.createBuild(BENCH_ACTOR, bucket, fingerprint, {
          component_type: 'amazon-ebs.bench',
          status: 'BUILD_UNSET',
        }),
      );
      await step('UpdateBuild', () =>
        service.updateBuild(
          BENCH_ACTOR,
          bucket,
          fingerprint,
          build.id,
          doneWithThreeArtifacts(fingerprint),
        ),
      );
    }
    return {
      total: steps.reduce((sum, [, n]) => sum + n, 0),
      breakdown: steps.map(([name, n]) => `${name} ${n}`).join(' + '),
    };
  } finally {
    await storage.close();
  }
}
