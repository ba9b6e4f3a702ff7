import { Agent, request } from 'node:http';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Insertable, type Logger } from 'kysely';
import { Client, Pool } from 'pg';
import { monotonicFactory } from 'ulid';
import { SQLITE_FILE_NAME, type AncestryQuery, type RegistryService } from '@imprint/registry';
import type { TestDatabase } from '@imprint/registry/testing';
import type { ServiceContext } from '../src/domain/context';
import { SqlRegistryService } from '../src/domain/registry.service';
import { SbomBlobStore } from '../src/resources/sboms/sbom-blobs';
import { NO_OWN_REVOCATION, NO_REVOCATION } from '../src/resources/revocation/revocation';
import type {
  ArtifactTable,
  BuildTable,
  ChannelHistoryTable,
  Database,
  VersionLinkTable,
  VersionTable,
} from '../src/storage/schema';
import { median, timeRuns } from './support';

/*
 * (c) Ancestry over a long chain. The bucket `chain` holds `length` complete
 * versions v1..vN; each one was built from the previous one (its build
 * declares parent_version_id and source_external_identifier = the parent's
 * artifact), so version_links is one parent→child chain of N-1 links, and
 * the managed `latest` channel moved N times. The rows are what N real
 * completions would have written, inserted in bulk through Kysely.
 */

export const CHAIN_BUCKET = 'chain';
const COMPONENT = 'amazon-ebs.chain';
const BATCH = 1000;
/** The server and this process keep getting faster for a few hundred calls (JIT). */
const WARMUP_CALLS = 300;

export function chainFingerprint(seq: number): string {
  return `chain-${String(seq).padStart(7, '0')}`;
}

function artifactId(seq: number): string {
  return `ami-chain-${String(seq).padStart(7, '0')}`;
}

function openKysely(database: TestDatabase, log?: Logger): Kysely<Database> {
  if (database.location.databaseUrl) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new Pool({ connectionString: database.location.databaseUrl, max: 1 }),
      }),
      ...(log ? { log } : {}),
    });
  }
  const sqlite = new BetterSqlite3(path.join(database.location.dataDir, SQLITE_FILE_NAME));
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    ...(log ? { log } : {}),
  });
}

/**
 * Inserts the chain into an opened (migrated) registry database; returns the
 * milliseconds it took (PostgreSQL: VACUUM ANALYZE included).
 */
export async function seedChain(database: TestDatabase, length: number): Promise<number> {
  const start = Date.now();
  const db = openKysely(database);
  const newId = monotonicFactory();
  const base = Date.now() - length * 1000 - 60_000;
  const at = (seq: number) => base + seq * 1000;
  try {
    await db.transaction().execute(async (trx) => {
      const bucketId = newId(at(0));
      const latestId = newId(at(0));
      await trx
        .insertInto('buckets')
        .values({
          id: bucketId,
          name: CHAIN_BUCKET,
          description: `a chain of ${length} versions, each built from the previous one`,
          labels: '{}',
          platforms: '["aws"]',
          version_seq: length,
          created_at: at(0),
          updated_at: at(length),
        })
        .execute();
      await trx
        .insertInto('channels')
        .values({
          id: latestId,
          bucket_id: bucketId,
          name: 'latest',
          managed: 1,
          restricted: 1,
          version_id: null,
          author_id: 'Imprint',
          created_at: at(0),
          updated_at: at(length),
        })
        .execute();

      let parentId = '';
      for (let first = 1; first <= length; first += BATCH) {
        const versions: Insertable<VersionTable>[] = [];
        const builds: Insertable<BuildTable>[] = [];
        const artifacts: Insertable<ArtifactTable>[] = [];
        const links: Insertable<VersionLinkTable>[] = [];
        const history: Insertable<ChannelHistoryTable>[] = [];
        for (let seq = first; seq < first + BATCH && seq <= length; seq += 1) {
          const t = at(seq);
          const versionId = newId(t);
          const buildId = newId(t);
          versions.push({
            id: versionId,
            bucket_id: bucketId,
            fingerprint: chainFingerprint(seq),
            seq,
            template_type: 'HCL2',
            author_id: 'bench',
            created_at: t,
            updated_at: t,
            completed_at: t,
            ...NO_REVOCATION,
            ...NO_OWN_REVOCATION,
            revision: 0,
          });
          builds.push({
            id: buildId,
            version_id: versionId,
            component_type: COMPONENT,
            platform: 'aws',
            status: 'BUILD_DONE',
            packer_run_uuid: 'bench',
            labels: '{}',
            source_external_identifier: seq > 1 ? artifactId(seq - 1) : '',
            metadata: '{}',
            parent_version_id: parentId,
            parent_channel_id: '',
            heartbeat_at: t,
            created_at: t,
            updated_at: t,
          });
          artifacts.push({
            id: newId(t),
            build_id: buildId,
            external_identifier: artifactId(seq),
            region: 'us-east-1',
            created_at: t,
          });
          if (parentId !== '') {
            links.push({
              id: newId(t),
              child_version_id: versionId,
              parent_version_id: parentId,
              parent_channel_id: null,
              inferred: 0,
              created_at: t,
            });
          }
          history.push({
            id: newId(t),
            channel_id: latestId,
            assigned_at: t,
            author_id: 'Imprint',
            version_id: versionId,
            version_fingerprint: chainFingerprint(seq),
            version_name: `v${seq}`,
          });
          parentId = versionId;
        }
        await trx.insertInto('versions').values(versions).execute();
        await trx.insertInto('builds').values(builds).execute();
        await trx.insertInto('artifacts').values(artifacts).execute();
        if (links.length > 0) await trx.insertInto('version_links').values(links).execute();
        await trx.insertInto('channel_history').values(history).execute();
      }
      await trx
        .updateTable('channels')
        .set({ version_id: parentId })
        .where('id', '=', latestId)
        .execute();
    });
    // What autovacuum would do after a bulk load, done now so it does not run during the timings.
    if (database.engine === 'postgres') await sql`vacuum analyze`.execute(db);
  } finally {
    await db.destroy();
  }
  return Date.now() - start;
}

/** The statements one call of the service ran, as compiled for the engine. */
interface Statement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * Runs `query` once through a service over a logging Kysely on the same
 * database and returns the SQL it sent, so the "same SQL run directly" is
 * exactly what the endpoint runs (not a hand-written copy of it).
 */
async function capturedStatements(
  database: TestDatabase,
  location: { organization_id: string; project_id: string },
  query: AncestryQuery,
): Promise<Statement[]> {
  const statements: Statement[] = [];
  const db = openKysely(database, (event) => {
    if (event.level === 'query') {
      statements.push({ sql: event.query.sql, parameters: [...event.query.parameters] });
    }
  });
  const ctx: ServiceContext = {
    db,
    engine: database.engine,
    transaction: (fn) => db.transaction().execute(fn),
    singleStatement: (fn) => fn(db),
    record: () => undefined,
    location,
    registryId: 'bench',
    nowMs: () => Date.now(),
    newId: () => {
      throw new Error('read-only');
    },
    heartbeatTimeoutMs: 300_000,
    sbomBlobs: SbomBlobStore.open(database.engine, undefined, (fn) => db.transaction().execute(fn)),
    urlSigningKey: 'bench',
    changes: { generation: () => undefined },
    close: () => db.destroy(),
  };
  try {
    await new SqlRegistryService(ctx).listBucketAncestry(CHAIN_BUCKET, query);
  } finally {
    await db.destroy();
  }
  return statements;
}

/** Runs SQL straight through the engine's driver (no Kysely, no service). */
interface DirectSql {
  all(text: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function openDirect(database: TestDatabase): Promise<DirectSql> {
  if (database.location.databaseUrl) {
    const client = new Client({ connectionString: database.location.databaseUrl });
    await client.connect();
    return {
      async all(text, params) {
        return (await client.query(text, [...params])).rows as Record<string, unknown>[];
      },
      close: () => client.end(),
    };
  }
  const sqlite = new BetterSqlite3(path.join(database.location.dataDir, SQLITE_FILE_NAME));
  // Prepared once per SQL text, as the registry's own statement cache does.
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const statement = (text: string) => {
    let found = prepared.get(text);
    if (!found) prepared.set(text, (found = sqlite.prepare(text)));
    return found;
  };
  return {
    all: (text, params) =>
      Promise.resolve(statement(text).all(...params) as Record<string, unknown>[]),
    close: () => {
      sqlite.close();
      return Promise.resolve();
    },
  };
}

/** Results of (c), in milliseconds (medians). */
export interface AncestryResult {
  readonly length: number;
  readonly deepSeq: number;
  /** Relations of the deep version's whole ancestry (total_count). */
  readonly ancestorRelations: number;
  /** Relations on the first page (what each call returns). */
  readonly pageRelations: number;
  readonly statements: number;
  /** GET /healthz: the HTTP round trip with no database work. */
  readonly httpFloorMs: number;
  readonly httpDeepMs: number;
  readonly serviceDeepMs: number;
  readonly sqlDeepMs: number;
  /** Direct relations only (depth 1, the HCP behaviour), over HTTP. */
  readonly httpDirectMs: number;
  readonly samples: number;
}

/** One keep-alive connection, as a client polling the registry would hold. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** GET through node:http (fetch's own overhead would dwarf a sub-millisecond answer). */
function getJson(url: string): Promise<{ relations?: unknown[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200) {
          reject(new Error(`GET ${url}: HTTP ${String(response.statusCode)}: ${text}`));
          return;
        }
        try {
          resolve(JSON.parse(text) as { relations?: unknown[] });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Cheap calls settle after a few hundred runs (JIT); a deep walk after a few. */
const DEEP_WARMUP_CALLS = 5;

/**
 * Times the whole ancestry of a version deep in the chain (v<N-1>: every
 * one of its N-2 ancestors, `depth=all`, first page and total count) over
 * HTTP, through the service in this process, and as the same SQL run
 * directly; plus the direct relations (depth 1) and an empty round trip for
 * context.
 */
export async function timeAncestry(options: {
  database: TestDatabase;
  service: RegistryService;
  location: { organization_id: string; project_id: string };
  /** `http://host:port/packer/2023-01-01/organizations/<org>/projects/<project>` */
  apiBase: string;
  length: number;
  samples: number;
}): Promise<AncestryResult> {
  const { database, service, apiBase, length, samples } = options;
  const deepSeq = Math.max(2, length - 1);
  const deep = chainFingerprint(deepSeq);
  const query: AncestryQuery = {
    type: 'ANCESTRY_TYPE_PARENTS',
    versionFingerprint: deep,
    depth: 'all',
  };
  const deepUrl = `${apiBase}/buckets/${CHAIN_BUCKET}/ancestry?type=ANCESTRY_TYPE_PARENTS&depth=all&version_fingerprint=${deep}`;
  const directUrl = `${apiBase}/buckets/${CHAIN_BUCKET}/ancestry?type=ANCESTRY_TYPE_PARENTS&version_fingerprint=${deep}`;

  const viaHttp = (await getJson(deepUrl)) as { relations?: unknown[]; total_count?: number };
  const viaService = await service.listBucketAncestry(CHAIN_BUCKET, query);
  const pageRelations = viaHttp.relations?.length ?? 0;
  if (
    pageRelations !== viaService.relations.length ||
    viaHttp.total_count !== viaService.total_count
  ) {
    throw new Error(
      `HTTP found ${pageRelations} of ${viaHttp.total_count} relations, ` +
        `the service ${viaService.relations.length} of ${viaService.total_count}`,
    );
  }
  if (viaService.total_count !== deepSeq - 1) {
    throw new Error(
      `the chain is broken: v${deepSeq} has ${viaService.total_count} ancestor relations`,
    );
  }

  const statements = await capturedStatements(database, options.location, query);
  const direct = await openDirect(database);
  try {
    const sqlDeep = async () => {
      let last: Record<string, unknown>[] = [];
      for (const statement of statements)
        last = await direct.all(statement.sql, statement.parameters);
      return last;
    };
    const rows = await sqlDeep();
    // The page query reads one row more than the page, to know whether another page follows.
    if (rows.length !== pageRelations + 1) {
      throw new Error(
        `direct SQL read ${rows.length} rows for a page of ${pageRelations} (expected one more)`,
      );
    }
    // Every method gets its warm-up, then the methods take turns sample by sample, so that
    // drift of this machine during the measurement affects them alike.
    const healthUrl = `${new URL(apiBase).origin}/healthz`;
    const methods = {
      httpFloor: { run: () => getJson(healthUrl), warmup: WARMUP_CALLS },
      httpDirect: { run: () => getJson(directUrl), warmup: WARMUP_CALLS },
      httpDeep: { run: () => getJson(deepUrl), warmup: DEEP_WARMUP_CALLS },
      serviceDeep: {
        run: () => service.listBucketAncestry(CHAIN_BUCKET, query),
        warmup: DEEP_WARMUP_CALLS,
      },
      sqlDeep: { run: sqlDeep, warmup: DEEP_WARMUP_CALLS },
    };
    const names = Object.keys(methods) as (keyof typeof methods)[];
    const times = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<
      keyof typeof methods,
      number[]
    >;
    for (const name of names) await timeRuns(0, methods[name].warmup, methods[name].run);
    for (let i = 0; i < samples; i += 1) {
      for (const name of names) times[name].push(...(await timeRuns(1, 0, methods[name].run)));
    }
    return {
      length,
      deepSeq,
      ancestorRelations: viaService.total_count,
      pageRelations,
      statements: statements.length,
      httpFloorMs: median(times.httpFloor),
      httpDeepMs: median(times.httpDeep),
      serviceDeepMs: median(times.serviceDeep),
      sqlDeepMs: median(times.sqlDeep),
      httpDirectMs: median(times.httpDirect),
      samples,
    };
  } finally {
    agent.destroy();
    await direct.close();
  }
}
