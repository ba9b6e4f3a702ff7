/*
 * The registry's default settings, in a module that imports nothing: the CLI
 * shows them in `--help` and must not load the server (fastify, the storage
 * engines) to do so. The server and the storage take their defaults from here.
 */

/** Default request body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Default bearer token lifetime: one hour. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** Default interval of the stale-build sweep: one minute. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
/** Failed token requests one client address may make per window (default). */
export const DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT = 10;
/** Failed token requests all clients together may make per window (default). */
export const DEFAULT_TOKEN_RATE_LIMIT_GLOBAL = 300;
/** How long a `BUILD_RUNNING` build may stay silent before it is cancelled: 5 minutes (Packer heartbeats every 2). */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5 * 60_000;
/** How long opening the storage waits for PostgreSQL to answer. */
export const DEFAULT_DATABASE_WAIT_MS = 30_000;

/** Lifetime of a certificate made by `imprint-registry tls create`, in days. */
export const DEFAULT_TLS_DAYS = 365;
/**
 * The longest lifetime `tls create` accepts: macOS (and Go programs there,
 * which verify through it) refuses TLS server certificates valid for longer,
 * even from a root the user trusts.
 */
export const MAX_TLS_DAYS = 825;
/** The directory under the data dir where `tls create` writes, and `env` looks for `cert.pem`. */
export const TLS_DIR_NAME = 'tls';
export const TLS_CERT_FILE_NAME = 'cert.pem';
export const TLS_KEY_FILE_NAME = 'key.pem';
