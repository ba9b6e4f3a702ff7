/**
 * Stable codes of every error `@imprint/client` throws, one per error class.
 * Match on `error.code` rather than on messages or `instanceof`: codes do not
 * change between releases, and they still work when two copies of the package
 * are loaded in one process.
 */
export const CLIENT_ERROR_CODES = {
  /** {@link RegistryApiError}: the registry answered with an error status. */
  API: 'IMPRINT_ERR_CLIENT_API',
  /** {@link RegistryConnectionError}: no HTTP answer at all (refused, reset, DNS…). */
  CONNECTION: 'IMPRINT_ERR_CLIENT_CONNECTION',
  /** {@link RegistryTimeoutError}: no complete answer within `timeoutMs`. */
  TIMEOUT: 'IMPRINT_ERR_CLIENT_TIMEOUT',
  /** {@link RegistryAuthError}: the token endpoint refused or gave no usable token. */
  AUTH: 'IMPRINT_ERR_CLIENT_AUTH',
  /** {@link RegistryDiscoveryError}: organization or project could not be discovered. */
  DISCOVERY: 'IMPRINT_ERR_CLIENT_DISCOVERY',
  /** {@link RegistryAbortedError}: the caller's `AbortSignal` fired. */
  ABORTED: 'IMPRINT_ERR_CLIENT_ABORTED',
  /** {@link RegistryResponseError}: a success response the client cannot read. */
  RESPONSE: 'IMPRINT_ERR_CLIENT_RESPONSE',
  /** {@link RegistryConfigError}: invalid {@link RegistryClientOptions}. */
  CONFIG: 'IMPRINT_ERR_CLIENT_CONFIG',
  /** {@link RegistryArgumentError}: a method got an argument it cannot send. */
  INVALID_ARGUMENT: 'IMPRINT_ERR_CLIENT_INVALID_ARGUMENT',
} as const;

/** One of the {@link CLIENT_ERROR_CODES} values. */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES];
