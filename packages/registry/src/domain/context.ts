import type { Kysely, Transaction } from 'kysely';
import type { Location } from '@imprint/client';
import type { ChangeSource } from '../storage/change-tracking';
import type { Database, Db } from '../storage/schema';
import type { Engine } from '../storage/sql-helpers';
import type { SbomBlobStore } from '../resources/sboms/sbom-blobs';
import type { DomainEvent } from './domain-events';

/** What every domain operation needs: the database, the clock and the registry identity. */
export interface ServiceContext {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /**
   * Runs `fn` in a write transaction (SQLite: possibly sharing one COMMIT
   * with others, see SqliteWriteBatcher). Never call it from inside `fn`.
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs a write that is one statement: on PostgreSQL on its own (it
   * commits by itself, one round trip), on SQLite in {@link transaction} so
   * that it shares a COMMIT with others.
   */
  singleStatement<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /**
   * Records what a write changed (see DomainEvent), at the place it is
   * written: inside {@link transaction} / {@link singleStatement} it reaches
   * listeners after that write commits (never if it fails); elsewhere (a
   * statement that committed by itself) at once.
   */
  record(db: Db, event: DomainEvent): void;
  readonly location: Location;
  readonly registryId: string;
  /** Current time in epoch milliseconds (the injected clock). */
  nowMs(): number;
  /** A new ULID; monotonic within the process so ids sort by creation. */
  newId(): string;
  readonly heartbeatTimeoutMs: number;
  /** Where SBOM documents are kept (database or files, see SbomBlobStore). */
  readonly sbomBlobs: SbomBlobStore;
  /** HMAC key of GetSbom's download URLs (hex), the same for every instance over the database. */
  readonly urlSigningKey: string;
  /** How far the data has changed, for read caches; `undefined` generations disable them. */
  readonly changes: ChangeSource;
  /** Closes the database (once; later calls return the same promise). */
  close(): Promise<void>;
}

/** Author recorded when the registry itself assigns `latest` or rolls a channel back on a schedule. */
export const SYSTEM_AUTHOR = 'Imprint';

/** Name of the managed channel every bucket has. */
export const LATEST_CHANNEL = 'latest';

/** `/packer/2023-01-01/organizations/<org>/projects/<project>`: the API prefix hrefs start with. */
export function apiPrefix(ctx: ServiceContext): string {
  return `/packer/2023-01-01/organizations/${ctx.location.organization_id}/projects/${ctx.location.project_id}`;
}

/** `packer/project/<project-id>/bucket/<bucket-name>` */
export function bucketResourceName(ctx: ServiceContext, bucketName: string): string {
  return `packer/project/${ctx.location.project_id}/bucket/${bucketName}`;
}

/** API path of a version. */
export function versionHref(ctx: ServiceContext, bucketName: string, fingerprint: string): string {
  return `${apiPrefix(ctx)}/buckets/${encodeURIComponent(bucketName)}/versions/${encodeURIComponent(fingerprint)}`;
}

/** API path of a bucket's ancestry list, optionally for one side / one version. */
export function ancestryHref(
  ctx: ServiceContext,
  bucketName: string,
  type: 'ANCESTRY_TYPE_PARENTS' | 'ANCESTRY_TYPE_CHILDREN',
  fingerprint?: string,
): string {
  const query =
    fingerprint === undefined ? '' : `&version_fingerprint=${encodeURIComponent(fingerprint)}`;
  return `${apiPrefix(ctx)}/buckets/${encodeURIComponent(bucketName)}/ancestry?type=${type}${query}`;
}

/** `vN`, or `v0` while incomplete. */
export function versionName(seq: number): string {
  return `v${seq}`;
}
