import { RegistryAbortedError } from '@imprint/client';
import type { RegistryClient } from '@imprint/client';
import { universalBody } from './fixtures';

/**
 * Starts two calls that share whatever precedes the request (discovery, a
 * token exchange), aborts the first at once, and checks that only that call
 * fails: the other still resolves to the bucket.
 */
export async function expectAbortToRejectOnlyThatCall(client: RegistryClient): Promise<void> {
  const controller = new AbortController();
  const aborted = client.getBucket('a', { signal: controller.signal });
  const other = client.getBucket('b');
  controller.abort();
  await expect(aborted).rejects.toBeInstanceOf(RegistryAbortedError);
  await expect(other).resolves.toEqual(universalBody.bucket);
}
