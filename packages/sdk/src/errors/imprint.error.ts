/**
 * Base class of every error `@imprint/sdk` throws, and a base plugins may
 * extend with codes of their own (e.g. `AWS_LIKE_ERR_SOURCE_NOT_FOUND`).
 * Match on `code` (stable across releases) rather than on the message text.
 */
export abstract class ImprintError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
