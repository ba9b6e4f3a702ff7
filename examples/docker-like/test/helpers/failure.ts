import type { DockerLikeError } from '@imprint/example-docker-like';

/** The error `promise` rejects with (the test fails if it resolves), typed as the plugin's. */
export async function failure(promise: Promise<unknown>): Promise<DockerLikeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as DockerLikeError;
}
