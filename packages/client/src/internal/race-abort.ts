/**
 * Settles like `promise`, or rejects with `abortError()` as soon as `signal`
 * fires. The shared promise keeps running for its other waiters, which is why
 * one caller's abort must not cancel it.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  abortError: () => Error,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    // Mark the shared promise handled here too: it may reject with no one left waiting.
    promise.catch(() => undefined);
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
