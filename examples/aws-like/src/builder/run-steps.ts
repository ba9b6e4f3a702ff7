import { BuildCancelledError } from '../errors';
import type { BuildState, BuildStep } from './build-state';

/**
 * Runs the steps in order, stopping at the first failure or cancellation,
 * then runs the cleanups of the steps that started, last first. Cleanups run
 * even after cancellation (they do not take the signal); a cleanup that fails
 * is reported through the UI and does not hide the build's own error.
 *
 * @throws the first step's error, or {@link BuildCancelledError} when the build was cancelled.
 */
export async function runSteps(steps: readonly BuildStep[], state: BuildState): Promise<void> {
  const { signal, ui, buildName } = state.context;
  const started: BuildStep[] = [];
  let failure: unknown;
  let current = 'start';
  try {
    for (const step of steps) {
      current = step.name;
      if (signal.aborted) {
        throw new BuildCancelledError(buildName, step.name, { cause: signal.reason });
      }
      started.push(step);
      await step.run(state);
    }
    current = 'finish';
    if (signal.aborted) throw new BuildCancelledError(buildName, current, { cause: signal.reason });
  } catch (error) {
    // A step interrupted by cancellation fails with whatever its tool threw;
    // report it as what it is.
    failure =
      signal.aborted && !(error instanceof BuildCancelledError)
        ? new BuildCancelledError(buildName, current, { cause: error })
        : error;
  }
  for (const step of started.reverse()) {
    if (step.cleanup === undefined) continue;
    try {
      await step.cleanup(state, failure !== undefined);
    } catch (error) {
      ui.error(
        `Cleanup of step '${step.name}' failed: ${(error as Error).message ?? String(error)}. Check the cloud for resources left behind.`,
      );
    }
  }
  if (failure !== undefined) throw failure;
}
