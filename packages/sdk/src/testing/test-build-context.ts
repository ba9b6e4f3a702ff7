import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildContext } from '../plugin/build-context';
import { RecordingUi } from './recording-ui';

/** A {@link BuildContext} for tests, with its controls. */
export interface TestBuildContext extends BuildContext {
  readonly ui: RecordingUi;
  /** Aborts `signal`, as the runner does on Ctrl-C. */
  readonly abort: (reason?: unknown) => void;
}

/**
 * A build context for a component's tests: a {@link RecordingUi}, an abortable
 * signal and a fresh temporary work directory (or the one given).
 */
export function createTestBuildContext(
  options: { workDir?: string; buildName?: string } = {},
): TestBuildContext {
  const controller = new AbortController();
  return {
    ui: new RecordingUi(),
    signal: controller.signal,
    abort: (reason?: unknown) => controller.abort(reason),
    workDir: options.workDir ?? mkdtempSync(join(tmpdir(), 'imprint-build-')),
    buildName: options.buildName ?? 'test.build',
  };
}
