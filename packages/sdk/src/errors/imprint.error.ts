import type { SdkErrorCode } from './error-codes';

/**
 * Base class of every error `@imprint/sdk` throws. Match on `code` (stable across
 * releases) rather than on the message text.
 */
export abstract class ImprintError extends Error {
  abstract readonly code: SdkErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
