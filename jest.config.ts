import * as path from 'node:path';
import type { Config } from 'jest';

const root = __dirname;

/**
 * Tests import packages by their public names; the mapper points those names at
 * the TypeScript sources so that `npm test` works straight after `npm ci`,
 * without a build.
 */
const workspaceModules: Record<string, string> = {
  '^@imprint/sdk$': path.join(root, 'packages/sdk/src/index.ts'),
  '^@imprint/sdk/testing$': path.join(root, 'packages/sdk/src/testing/index.ts'),
  '^@imprint/cli$': path.join(root, 'packages/cli/src/index.ts'),
  '^@imprint/core$': path.join(root, 'packages/core/src/index.ts'),
  '^@imprint/core/template$': path.join(root, 'packages/core/src/template/index.ts'),
  '^@imprint/client$': path.join(root, 'packages/client/src/index.ts'),
  '^@imprint/registry$': path.join(root, 'packages/registry/src/index.ts'),
  '^@imprint/packer-bridge$': path.join(root, 'packages/packer-bridge/src/index.ts'),
  '^@imprint/registry/testing$': path.join(root, 'packages/registry/src/testing/index.ts'),
  '^@imprint/example-aws-like$': path.join(root, 'examples/aws-like/src/index.ts'),
  '^@imprint/example-docker-like$': path.join(root, 'examples/docker-like/src/index.ts'),
};

function project(displayName: string, dir: string): Config {
  return {
    displayName,
    rootDir: path.join(root, dir),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.spec.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.check.json') }],
    },
    moduleNameMapper: workspaceModules,
  };
}

const config: Config = {
  projects: [
    project('@imprint/sdk', 'packages/sdk'),
    project('@imprint/client', 'packages/client'),
    project('@imprint/core', 'packages/core'),
    project('@imprint/cli', 'packages/cli'),
    project('@imprint/registry', 'packages/registry'),
    project('@imprint/packer-bridge', 'packages/packer-bridge'),
    project('@imprint/console', 'packages/console'),
    project('@imprint/example-aws-like', 'examples/aws-like'),
    project('@imprint/example-docker-like', 'examples/docker-like'),
    // Checks across the workspace (packaging); specs in the top-level test/.
    project('workspace', '.'),
  ],
};

export default config;
