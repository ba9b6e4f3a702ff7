import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  openRegistryStorage,
  startRegistryServer,
  type RegistryServerOptions,
  type RegistryStorage,
  type RunningRegistryServer,
} from '@imprint/registry';
import { engines } from '../../helpers/engines';

/**
 * Test harness of the HTTP specs: a real server listening on 127.0.0.1 (port
 * 0) over real storage. Databases come from the shared `engines()` helper:
 * SQLite in a temp dir always, a fresh PostgreSQL database too when
 * IMPRINT_TEST_POSTGRES_URL is set.
 */

export type EngineName = 'sqlite' | 'postgres';

/** The engines to run every spec against. */
export const ENGINES: readonly EngineName[] = engines().map((engine) => engine.name);

/** An opened storage and how to throw it away. */
export interface TestStorage {
  readonly storage: RegistryStorage;
  /** Options that reopen the same database (for CLI tests). */
  readonly location: { dataDir: string; databaseUrl?: string };
  dispose(): Promise<void>;
}

/** A fresh database location for `engine` (nothing opened yet); always with a data dir for the CLI. */
export async function createDatabase(
  engine: EngineName,
): Promise<{ location: TestStorage['location']; drop(): Promise<void> }> {
  const found = engines().find((candidate) => candidate.name === engine);
  if (!found) throw new Error(`engine ${engine} is not configured (IMPRINT_TEST_POSTGRES_URL?)`);
  const database = await found.createDatabase();
  const dataDir = database.options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'imprint-http-')));
  return {
    location: {
      dataDir,
      ...(database.options.databaseUrl ? { databaseUrl: database.options.databaseUrl } : {}),
    },
    drop: async () => {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens real storage on a fresh database. */
export async function openTestStorage(
  engine: EngineName,
  extra: { heartbeatTimeoutMs?: number; now?: () => Date } = {},
): Promise<TestStorage> {
  const database = await createDatabase(engine);
  const storage = await openRegistryStorage({ ...database.location, ...extra });
  let disposed = false;
  return {
    storage,
    location: database.location,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await storage.close().catch(() => undefined);
      await database.drop();
    },
  };
}

/** A JSON response as the tests see it. */
export interface JsonResponse {
  readonly status: number;
  readonly body: any;
  readonly text: string;
  readonly headers: Headers;
}

export interface RequestOptions {
  /** Serialised as JSON unless `raw` is given. */
  readonly body?: unknown;
  /** Sent as is (with `contentType`, default application/json). */
  readonly raw?: string | Buffer;
  readonly contentType?: string;
  /** Bearer token. */
  readonly token?: string;
  readonly headers?: Record<string, string>;
  /**
   * Send from this local address (any of 127.0.0.0/8 reaches a server on
   * 127.0.0.1), so the server sees a different client IP.
   */
  readonly localAddress?: string;
}

/** A running server with helpers. */
export interface TestRegistry {
  readonly server: RunningRegistryServer;
  readonly storage: RegistryStorage;
  readonly url: string;
  readonly organizationId: string;
  readonly projectId: string;
  /** `/packer/2023-01-01/organizations/<org>/projects/<project>` */
  readonly base: string;
  /** Every log line written so far. */
  readonly logs: string[];
  request(method: string, pathAndQuery: string, options?: RequestOptions): Promise<JsonResponse>;
  close(): Promise<void>;
}

/** Sends one request with Node's fetch. */
export async function send(
  url: string,
  method: string,
  options: RequestOptions = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response =
    options.localAddress === undefined
      ? await fetch(url, { method, headers, body })
      : await sendFrom(options.localAddress, url, method, headers, body);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: tests look at `text`.
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** One request over node:http from `localAddress` (fetch cannot choose the source address). */
function sendFrom(
  localAddress: string,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders.set(name, String(value));
        }
        resolve(
          new Response(Buffer.concat(chunks), {
            status: res.statusCode ?? 0,
            headers: responseHeaders,
          }),
        );
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts a server on 127.0.0.1:0 over `storage`. */
export async function startTestRegistry(
  storage: RegistryStorage,
  options: Partial<Omit<RegistryServerOptions, 'storage'>> = {},
): Promise<TestRegistry> {
  const logs: string[] = [];
  const server = await startRegistryServer({
    host: '127.0.0.1',
    port: 0,
    sweepIntervalMs: 0,
    logger: { level: 'info', destination: { write: (line: string) => void logs.push(line) } },
    ...options,
    storage,
  });
  const registry = await storage.service.getRegistry();
  const organizationId = registry.location.organization_id;
  const projectId = registry.location.project_id;
  return {
    server,
    storage,
    url: server.url,
    organizationId,
    projectId,
    base: `/packer/2023-01-01/organizations/${organizationId}/projects/${projectId}`,
    logs,
    request: (method, pathAndQuery, requestOptions) =>
      send(`${server.url}${pathAndQuery}`, method, requestOptions),
    close: () => server.close(),
  };
}

/** Expects a google.rpc.Status body with `code` and returns it. */
export function expectStatus(response: JsonResponse, httpStatus: number, code: number): any {
  if (response.status !== httpStatus || response.body?.code !== code) {
    throw new Error(
      `expected HTTP ${httpStatus} / code ${code}, got HTTP ${response.status}: ${response.text}`,
    );
  }
  expect(typeof response.body.message).toBe('string');
  expect(Array.isArray(response.body.details)).toBe(true);
  expect(Object.keys(response.body).sort()).toEqual(['code', 'details', 'message']);
  return response.body;
}

/** Expects HTTP 200 and returns the body. */
export function ok(response: JsonResponse): any {
  if (response.status !== 200) {
    throw new Error(`expected HTTP 200, got ${response.status}: ${response.text}`);
  }
  return response.body;
}

/** A fresh ULID-like fingerprint. */
export function fingerprint(prefix = 'fp'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Drives a version to completion: creates version + one build per component,
 * marks each BUILD_DONE with one artifact. Returns the version.
 */
export async function completeVersion(
  registry: TestRegistry,
  bucket: string,
  fp: string,
  options: {
    token?: string;
    components?: string[];
    artifact?: (component: string) => { external_identifier: string; region: string };
    parentVersionId?: string;
    parentChannelId?: string;
    sourceExternalIdentifier?: string;
  } = {},
): Promise<any> {
  const token = options.token;
  const components = options.components ?? ['amazon-ebs.ubuntu'];
  ok(
    await registry.request('POST', `${registry.base}/buckets/${bucket}/versions`, {
      token,
      body: { fingerprint: fp, template_type: 'HCL2' },
    }),
  );
  for (const component of components) {
    const created = ok(
      await registry.request('POST', `${registry.base}/buckets/${bucket}/versions/${fp}/builds`, {
        token,
        body: { component_type: component, status: 'BUILD_UNSET', packer_run_uuid: 'run-1' },
      }),
    );
    const buildId = created.build.id as string;
    const buildPath = `${registry.base}/buckets/${bucket}/versions/${fp}/builds/${buildId}`;
    ok(await registry.request('PATCH', buildPath, { token, body: { status: 'BUILD_RUNNING' } }));
    const artifact = options.artifact?.(component) ?? {
      external_identifier: `ami-${fp}-${component}`.replace(/[^a-zA-Z0-9-]/g, '-'),
      region: 'us-east-1',
    };
    ok(
      await registry.request('PATCH', buildPath, {
        token,
        body: {
          status: 'BUILD_DONE',
          platform: 'aws',
          artifacts: [artifact],
          labels: { os: 'ubuntu' },
          ...(options.sourceExternalIdentifier
            ? { source_external_identifier: options.sourceExternalIdentifier }
            : {}),
          ...(options.parentVersionId ? { parent_version_id: options.parentVersionId } : {}),
          ...(options.parentChannelId ? { parent_channel_id: options.parentChannelId } : {}),
          metadata: { packer: { version: '1.16.0' } },
        },
      }),
    );
  }
  return ok(
    await registry.request('GET', `${registry.base}/buckets/${bucket}/versions/${fp}`, { token }),
  ).version;
}
