import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildContext } from '../plugin/build-context';
import { RecordingUi } from './recording-ui';

/** A {@link BuildContext} for tests, with its controls. */
export interface TestBuildContext extends BuildContext {
  readonly ui: RecordingUi;
  /** Aborts `signal`, as the runner does on Ctrl-C. */
  readonly abort: (reason?: unknown) => void;
  /** Removes the work directory if this helper created it. Call it in `afterEach`. */
  readonly dispose: () => void;
}

/**
 * A build context for a component's tests: a {@link RecordingUi}, an abortable
 * signal and a fresh temporary work directory (or the one given).
 */
export function createTestBuildContext(
  options: { workDir?: string; buildName?: string } = {},
): TestBuildContext {
  const controller = new AbortController();
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'imprint-build-'));
  return {
    ui: new RecordingUi(),
    signal: controller.signal,
    abort: (reason?: unknown) => controller.abort(reason),
    workDir,
    dispose: () => {
      if (options.workDir === undefined) rmSync(workDir, { recursive: true, force: true });
    },
    buildName: options.buildName ?? 'test.build',
  };
}
