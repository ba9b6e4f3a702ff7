import type { PackerArtifact } from '@imprint/sdk';
import type { TestBuildContext } from '@imprint/sdk/testing';
import { createTestBuildContext } from '@imprint/sdk/testing';
import type { DockerLikeImageArtifact, PushedImageArtifact } from '@imprint/example-docker-like';
import plugin from '@imprint/example-docker-like';

/** A fixed creation time, so that tests do not depend on SOURCE_DATE_EPOCH in the environment. */
export const CREATED = '2024-01-01T00:00:00Z';

/** Creates, prepares and runs the docker-like builder as the runner would. */
export async function build(
  rawConfig: Record<string, unknown>,
  workDir: string,
  name = 'app',
): Promise<{
  artifact: DockerLikeImageArtifact;
  context: TestBuildContext;
  warnings: readonly string[];
}> {
  const { component, warnings } = await plugin.createBuilder(
    'docker-like',
    { created: CREATED, ...rawConfig },
    { name },
  );
  const context = createTestBuildContext({ workDir, buildName: `docker-like.${name}` });
  const artifact = (await component.run(context)) as DockerLikeImageArtifact;
  return { artifact, context, warnings };
}

/** Creates, prepares and runs a post-processor on `input`. */
export async function postProcess<
  T extends PackerArtifact = DockerLikeImageArtifact | PushedImageArtifact,
>(
  name: 'docker-like-tag' | 'docker-like-push',
  rawConfig: Record<string, unknown>,
  input: PackerArtifact,
  workDir: string,
): Promise<{ artifact: T; keepInput: boolean; context: TestBuildContext }> {
  const { component } = await plugin.createPostProcessor(name, rawConfig);
  const context = createTestBuildContext({ workDir });
  const result = await component.postProcess(context, input);
  return { artifact: result.artifact as T, keepInput: result.keepInput, context };
}
