import { PACKER_API_PREFIX, RegistryClient, type RegistryClientOptions } from '@imprint/client';
import type { Role } from '../auth/roles';
import type { RegistryStorage } from '../domain/registry-contract';
import {
  startRegistryServer,
  type RegistryServerOptions,
  type RunningRegistryServer,
} from '../http/server';
import { requestJson, type JsonRequestOptions, type JsonResponse } from './json-request';
import type {
  CreateTestDatabaseOptions,
  TestDatabaseLocation,
  TestEngineName,
} from './test-database';
import { openTestStorage, type TestStorage, type TestStorageOptions } from './test-storage';

/** A principal to create before the server starts (which ends embedded mode). */
export interface TestPrincipal {
  readonly name: string;
  readonly role: Role;
}

/** A principal's client credentials, as `imprint-registry principals create` prints them. */
export interface TestCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Options of {@link startTestRegistry}; every one may be left out. */
export interface TestRegistryOptions {
  /** The engine of the fresh database. Default `sqlite` (a temp dir). */
  readonly engine?: TestEngineName;
  /** Names the temp dir and database (and PostgreSQL admin URL); see `createTestDatabase`. */
  readonly database?: CreateTestDatabaseOptions;
  /** Storage options of the fresh database (a test clock, a heartbeat timeout, …). */
  readonly storageOptions?: TestStorageOptions;
  /**
   * Serve this storage instead of a fresh database. `close()` then leaves it
   * open: it is the caller's (e.g. to restart a server over the same data).
   */
  readonly storage?: RegistryStorage;
  /**
   * Principals to create before the server starts. With none, a registry on
   * 127.0.0.1 runs in embedded mode: every request is the anonymous admin.
   */
  readonly principals?: readonly TestPrincipal[];
  /** The principal (by name, from `principals`) the ready `client` signs in as. Default: none. */
  readonly clientAs?: string;
  /** Options of the ready `client` (its `baseUrl` is the registry's). Default: no retries. */
  readonly client?: Partial<RegistryClientOptions>;
  /**
   * Server options. Defaults: 127.0.0.1, port 0, no background sweep, and an
   * `info` logger whose lines land in `logs`.
   */
  readonly server?: Partial<Omit<RegistryServerOptions, 'storage' | 'closeStorage'>>;
}

/** A real registry listening on 127.0.0.1, ready for requests. */
export interface TestRegistry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly server: RunningRegistryServer;
  readonly storage: RegistryStorage;
  /** The fresh database (unset when `storage` was given). */
  readonly location: TestDatabaseLocation | undefined;
  readonly organizationId: string;
  readonly projectId: string;
  /** The Packer API prefix: `/packer/2023-01-01/organizations/<org>/projects/<project>`. */
  readonly base: string;
  /** Every log line the server has written (unless `server.logger` replaced the logger). */
  readonly logs: string[];
  /** The created principals' credentials, by name. */
  readonly credentials: ReadonlyMap<string, TestCredentials>;
  /** A client of this registry (signed in as `clientAs`, anonymous otherwise). */
  readonly client: RegistryClient;
  /** Sends one request to `url + pathAndQuery`; any status is an answer (see `requestJson`). */
  request(
    method: string,
    pathAndQuery: string,
    options?: JsonRequestOptions,
  ): Promise<JsonResponse>;
  /** Stops the server, then closes the storage and removes the database it made. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a real registry on 127.0.0.1 (a free port) for a test or a
 * benchmark: a fresh embedded SQLite database in a temp dir by default, or a
 * fresh PostgreSQL database with `engine: 'postgres'` (see `testEngines`).
 * Nothing is faked: requests go over TCP through the same server and storage
 * `imprint-registry serve` runs.
 *
 * @example
 * ```ts
 * import { startTestRegistry } from '@imprint/registry/testing';
 *
 * const registry = await startTestRegistry();
 * try {
 *   await registry.client.upsertBucket('ubuntu-base', { description: 'Ubuntu' });
 *   const bucket = await registry.client.getBucket('ubuntu-base');
 * } finally {
 *   await registry.close(); // removes the temp dir
 * }
 * ```
 */
export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const owned: TestStorage | undefined = options.storage
    ? undefined
    : await openTestStorage(options.engine ?? 'sqlite', options.storageOptions, options.database);
  const storage = options.storage ?? (owned as TestStorage).storage;
  const logs: string[] = [];
  let server: RunningRegistryServer;
  const credentials = new Map<string, TestCredentials>();
  try {
    for (const { name, role } of options.principals ?? []) {
      const { principal, clientSecret } = await storage.principals.createPrincipal(name, role);
      credentials.set(name, { clientId: principal.id, clientSecret });
    }
    server = await startRegistryServer({
      host: '127.0.0.1',
      port: 0,
      sweepIntervalMs: 0,
      logger: { level: 'info', destination: { write: (line: string) => void logs.push(line) } },
      ...options.server,
      storage,
    });
  } catch (error) {
    await owned?.dispose();
    throw error;
  }
  const { location } = await storage.service.getRegistry();
  const signIn = options.clientAs === undefined ? undefined : credentials.get(options.clientAs);
  if (options.clientAs !== undefined && !signIn) {
    await server.close();
    await owned?.dispose();
    throw new Error(`startTestRegistry(): clientAs '${options.clientAs}' is not in principals`);
  }
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    server,
    storage,
    location: owned?.location,
    organizationId: location.organization_id,
    projectId: location.project_id,
    base: `${PACKER_API_PREFIX}/organizations/${location.organization_id}/projects/${location.project_id}`,
    logs,
    credentials,
    client: new RegistryClient({
      retries: false,
      ...signIn,
      ...options.client,
      baseUrl: server.url,
    }),
    request: (method, pathAndQuery, requestOptions) =>
      requestJson(`${server.url}${pathAndQuery}`, method, requestOptions),
    close() {
      // One shutdown however often it is asked for: a second caller waits for the first.
      closing ??= server.close().finally(() => owned?.dispose());
      return closing;
    },
  };
}
