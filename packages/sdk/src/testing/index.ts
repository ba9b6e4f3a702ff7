/**
 * Helpers for plugin authors' tests: `import { MockArtifact, expectRegistryMetadata } from '@imprint/sdk/testing'`.
 * @packageDocumentation
 */
export { MockArtifact } from './mock-artifact';
export type { MockArtifactOptions } from './mock-artifact';
export { expectRegistryMetadata } from './expect-registry-metadata';
export { RecordingUi } from './recording-ui';
export type { UiEntry } from './recording-ui';
export { createTestBuildContext } from './test-build-context';
export type { TestBuildContext } from './test-build-context';
