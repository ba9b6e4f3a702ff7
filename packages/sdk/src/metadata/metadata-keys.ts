/** Reflect-metadata keys under which Imprint records decorator facts on a class. */
export const METADATA_KEYS = {
  /** Member records ({@link MemberRecord}[]) declared by a class itself. */
  members: 'imprint:artifact:members',
  /** The class-level constant provider ({@link ProviderRecord}) declared by a class itself. */
  provider: 'imprint:artifact:provider',
} as const;

/**
 * Version of the record format. Records travel between copies of the SDK
 * loaded in one process (through the global Reflect metadata store); a copy
 * reads records of its own format only, and says so otherwise.
 */
export const METADATA_FORMAT_VERSION = 1;
