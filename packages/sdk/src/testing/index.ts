/**
 * Helpers for plugin authors' tests: `import { MockArtifact, expectRegistryMetadata, runDataSource } from '@imprint/sdk/testing'`.
 * @packageDocumentation
 */
export { MockArtifact } from './mock-artifact';
export type { MockArtifactOptions } from './mock-artifact';
export { expectRegistryMetadata } from './expect-registry-metadata';
export { RecordingUi } from './recording-ui';
export type { UiEntry } from './recording-ui';
export { createTestBuildContext } from './test-build-context';
export type { TestBuildContext } from './test-build-context';
export { createTestDataSourceContext, runDataSource } from './test-data-source';
export type { TestDataSourceContext, DataSourceRun } from './test-data-source';
