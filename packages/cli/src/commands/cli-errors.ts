import type { RegistryApiError } from '@imprint/client';
import { CLIENT_ERROR_CODES, GrpcCode, isRegistryApiError } from '@imprint/client';

/*
 * The one place where what the registry client reports becomes a sentence in
 * the CLI's own words: its commands and flags, not the HTTP API's paths, RPC
 * names and query parameters (those stay in the client's messages, for API
 * clients). Keyed by the registry's stable reason (`REGISTRY_ERR_…`), then by
 * gRPC code, then by the client's error code.
 */

/** How to pass credentials to the CLI, for messages about 401/403. */
export const CREDENTIALS_HINT =
  'set IMPRINT_CLIENT_ID and IMPRINT_CLIENT_SECRET (or HCP_CLIENT_ID / HCP_CLIENT_SECRET) to a principal of that registry';

/** How to point the CLI at a registry, for messages about an unreachable one. */
export const REGISTRY_URL_HINT = 'that --registry (or IMPRINT_REGISTRY_URL) is right';

/** `details[0]` of a registry error: the reason and the values the message was made of. */
function detail(error: RegistryApiError): Record<string, unknown> {
  const first = error.details[0];
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
}

function text(value: unknown, fallback = '?'): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

type Sentence = (d: Record<string, unknown>, error: RegistryApiError) => string;

const versionNotFound: Sentence = (d) =>
  `version ${text(d.fingerprint)} not found in bucket '${text(d.bucket_name)}'; list its versions with: imprint versions list ${text(d.bucket_name)}`;

/** One sentence per registry reason the CLI words differently from the API. */
const BY_REASON: Readonly<Record<string, Sentence>> = {
  REGISTRY_ERR_BUCKET_NOT_FOUND: (d) =>
    `bucket '${text(d.bucket_name)}' not found in this registry; list buckets with: imprint buckets list, or create it with: imprint buckets create ${text(d.bucket_name)}`,
  // GetVersion answers code 10 (what Packer creates a version on), UpdateVersion code 5: one sentence.
  REGISTRY_ERR_VERSION_NOT_FOUND: versionNotFound,
  REGISTRY_ERR_BUILD_NOT_FOUND: (d) =>
    `build ${text(d.build_id)} not found in version ${text(d.fingerprint)} of bucket '${text(d.bucket_name)}'; list its builds with: imprint builds list ${text(d.bucket_name)} ${text(d.fingerprint)}`,
  // Also a download URL whose SBOM was deleted since (details: sbom_id): the registry's words then.
  REGISTRY_ERR_SBOM_NOT_FOUND: (d, error) =>
    d.build_id === undefined
      ? withoutApiWording(error.serverMessage)
      : `build ${text(d.build_id)} of version ${text(d.fingerprint)} in bucket '${text(d.bucket_name)}' has no SBOM named '${text(d.name)}'; list its SBOMs with: imprint sbom list ${text(d.bucket_name)} ${text(d.fingerprint)} ${text(d.build_id)}`,
  REGISTRY_ERR_CHANNEL_NOT_FOUND: (d) =>
    `channel '${text(d.channel_name)}' not found in bucket '${text(d.bucket_name)}'; list its channels with: imprint channels list ${text(d.bucket_name)}, or create it with: imprint channels create ${text(d.bucket_name)} ${text(d.channel_name)}`,
  REGISTRY_ERR_VERSION_ASSIGNED: (d) => {
    const channels = Array.isArray(d.channels) ? d.channels.map(String).join(', ') : '?';
    return `version ${text(d.fingerprint)} is assigned to channel(s) ${channels}; nothing was deleted. Add --rollback-channels to move those channels back to their previous valid version, or assign them elsewhere first with: imprint channels assign`;
  },
  REGISTRY_ERR_CHANNEL_RESTRICTED: (d) =>
    `channel '${text(d.channel_name)}' of bucket '${text(d.bucket_name)}' is restricted: only contributors and admins can read it; ${CREDENTIALS_HINT} with one of those roles`,
  REGISTRY_ERR_BUCKET_EXISTS: (d) => `bucket '${text(d.bucket_name)}' already exists`,
  REGISTRY_ERR_CHANNEL_EXISTS: (d) =>
    `channel '${text(d.channel_name)}' already exists in bucket '${text(d.bucket_name)}'; point it at a version with: imprint channels assign ${text(d.bucket_name)} ${text(d.channel_name)} FINGERPRINT`,
};

/** Sentences of the API's wording that name an RPC, a route or a query parameter. */
const API_WORDING =
  /\b(?:Create|Get|Update|Delete|List|Search|Assign)[A-Z][A-Za-z]+\b|\b(?:GET|PUT|POST|PATCH|DELETE) \/|\b[a-z]+(?:_[a-z]+)+=|\(\)|Authorization/;

/** The registry's message without the sentences that speak the HTTP API (the CLI cannot act on them). */
function withoutApiWording(message: string): string {
  const sentences = message.match(/[^.]+(?:\.(?=\s|$)|$)/g) ?? [message];
  const kept = sentences.map((s) => s.trim()).filter((s) => s !== '' && !API_WORDING.test(s));
  return (kept.length > 0 ? kept.join(' ') : message).replace(/\.$/, '');
}

function apiMessage(error: RegistryApiError): string {
  const d = detail(error);
  const sentence = error.reason === undefined ? undefined : BY_REASON[error.reason];
  if (sentence) return sentence(d, error);
  if (error.grpcCode === GrpcCode.UNAUTHENTICATED || error.httpStatus === 401) {
    return `the registry refused the request: not authenticated (HTTP 401); ${CREDENTIALS_HINT}`;
  }
  if (error.grpcCode === GrpcCode.PERMISSION_DENIED || error.httpStatus === 403) {
    // details: { required_role, principal_role } (the message names the HTTP route).
    const needed = text(d.required_role, 'a higher role');
    const has = typeof d.principal_role === 'string' ? ` (they are ${d.principal_role})` : '';
    return `the registry refused the request: this needs role ${needed} and the credentials lack it${has} (HTTP 403); ${CREDENTIALS_HINT} with that role (an admin creates one with: imprint registry principals create --name NAME --role ${text(d.required_role, 'contributor')})`;
  }
  return `${withoutApiWording(error.serverMessage)} (HTTP ${error.httpStatus})`;
}

/** `scheme://host:port` of a URL, without the API path and its organization/project ids. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** A client error other than an API answer, by its stable `code`. */
function clientMessage(error: Error & { code: string }): string | undefined {
  const e = error as unknown as Record<string, unknown>;
  switch (error.code) {
    case CLIENT_ERROR_CODES.CONNECTION:
      return `Cannot reach the registry at ${origin(text(e.url))}${e.errno ? ` (${text(e.errno)})` : ''}. Check that it is running and ${REGISTRY_URL_HINT}.`;
    case CLIENT_ERROR_CODES.TIMEOUT:
      return `Cannot reach the registry at ${origin(text(e.url))}: no answer within ${String(e.timeoutMs)} ms. Check that it is healthy and ${REGISTRY_URL_HINT}.`;
    case CLIENT_ERROR_CODES.AUTH: {
      const why =
        typeof e.oauthError === 'string' && e.oauthError !== ''
          ? ` (${e.oauthError})`
          : e.httpStatus
            ? ` (HTTP ${String(e.httpStatus)})`
            : '';
      return `the registry at ${origin(text(e.tokenUrl))} gave no access token${why}; ${CREDENTIALS_HINT}`;
    }
    default:
      return undefined;
  }
}

/**
 * A missing file (Node's ENOENT from reading a template, var file or spool,
 * itself or as the cause of the error that reports it): its path.
 */
export function missingFile(error: unknown): string | undefined {
  for (let e = error, depth = 0; depth < 3; depth++) {
    if (typeof e !== 'object' || e === null) return undefined;
    const c = e as { code?: unknown; path?: unknown; syscall?: unknown; cause?: unknown };
    if (c.code === 'ENOENT' && typeof c.path === 'string' && c.syscall !== 'spawn') return c.path;
    e = c.cause;
  }
  return undefined;
}

/** A registry URL the client refuses (`--registry` / `IMPRINT_REGISTRY_URL` not checked before). */
function badRegistryUrl(error: unknown): boolean {
  const e = error as { code?: unknown; option?: unknown } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    e.code === CLIENT_ERROR_CODES.CONFIG &&
    e.option === 'baseUrl'
  );
}

/** Errors that are the user's input, not the registry's answer: exit 2 (usage). */
export function isUsageError(error: unknown): boolean {
  return missingFile(error) !== undefined || badRegistryUrl(error);
}

/**
 * The message `imprint` prints for an error (after `imprint: `): the CLI's own
 * commands and flags for what the registry client reports, the error's message otherwise.
 */
export function cliMessage(error: unknown): string {
  if (isRegistryApiError(error)) return apiMessage(error);
  const file = missingFile(error);
  if (file !== undefined) return `no such file: ${file}`;
  if (badRegistryUrl(error)) {
    return `--registry (or IMPRINT_REGISTRY_URL) is not an http(s) URL, e.g. http://127.0.0.1:8080`;
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') {
      return clientMessage(error as Error & { code: string }) ?? error.message;
    }
    return error.message;
  }
  return String(error);
}
