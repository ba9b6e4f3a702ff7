import { Agent, request } from 'node:http';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Insertable } from 'kysely';
import { Client, Pool } from 'pg';
import { monotonicFactory } from 'ulid';
import type { RegistryService } from '@imprint/registry';
import type {
  ArtifactTable,
  BuildTable,
  ChannelHistoryTable,
  Database,
  VersionLinkTable,
  VersionTable,
} from '../src/storage/schema';
import { SQLITE_FILE, median, timeRuns, type BenchDatabase } from './support';

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

function openKysely(database: BenchDatabase): Kysely<Database> {
  if (database.databaseUrl) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new Pool({ connectionString: database.databaseUrl, max: 1 }),
      }),
    });
  }
  const sqlite = new BetterSqlite3(path.join(database.dataDir, SQLITE_FILE));
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/**
 * Inserts the chain into an opened (migrated) registry database; returns the
 * milliseconds it took (PostgreSQL: VACUUM ANALYZE included).
 */
export async function seedChain(database: BenchDatabase, length: number): Promise<number> {
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
            revoke_at: null,
            revocation_message: null,
            revocation_author: null,
            revocation_type: null,
            revocation_inherited_from: null,
            inherited_from_version_id: null,
            revocation_cascade: 0,
            revocation_rollback: 0,
            revocation_applied: 0,
            own_revoke_at: null,
            own_message: null,
            own_author: null,
            own_cascade: 0,
            own_rollback: 0,
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

/*
 * The statements GET /buckets/{b}/ancestry?version_fingerprint=… runs
 * (SqlRegistryService.listBucketAncestry, first page, both sides): bucket by
 * name, version by fingerprint, the relation count, and the page of
 * relations with their parent/child versions, buckets and channel.
 */
const ENDPOINT_SQL = [
  'select * from buckets where name = ?',
  `select versions.*, buckets.name as bucket_name from versions
     inner join buckets on buckets.id = versions.bucket_id
     where versions.bucket_id = ? and versions.fingerprint = ?`,
  `select count(*) as n from version_links as l
     left join channels as ch on ch.id = l.parent_channel_id
     where (l.child_version_id = ? or l.parent_version_id = ?)`,
  `select l.id, l.created_at, l.inferred,
       pv.id as parent_id, pv.fingerprint as parent_fingerprint, pv.seq as parent_seq,
       pb.name as parent_bucket,
       cv.id as child_id, cv.fingerprint as child_fingerprint, cv.seq as child_seq,
       cb.name as child_bucket,
       ch.id as channel_id, ch.name as channel_name,
       chv.id as channel_version_id, chv.fingerprint as channel_version_fingerprint,
       chv.seq as channel_version_seq
     from version_links as l
     left join channels as ch on ch.id = l.parent_channel_id
     inner join versions as pv on pv.id = l.parent_version_id
     inner join buckets as pb on pb.id = pv.bucket_id
     inner join versions as cv on cv.id = l.child_version_id
     inner join buckets as cb on cb.id = cv.bucket_id
     left join versions as chv on chv.id = ch.version_id
     where (l.child_version_id = ? or l.parent_version_id = ?)
     order by l.created_at asc, l.id asc
     limit 51`,
];

/** Every ancestor of a version, transitively (the shape of the registry's own recursive CTEs). */
const ANCESTORS_SQL = `
  with recursive ancestors(id) as (
    select parent_version_id from version_links where child_version_id = ?
    union
    select l.parent_version_id from version_links l join ancestors a on l.child_version_id = a.id
  )
  select count(*) as n from ancestors`;

/** Runs SQL straight through the engine's driver (no Kysely, no service). */
interface DirectSql {
  all(text: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function openDirect(database: BenchDatabase): Promise<DirectSql> {
  if (database.databaseUrl) {
    const client = new Client({ connectionString: database.databaseUrl });
    await client.connect();
    return {
      async all(text, params) {
        let n = 0;
        const pgText = text.replace(/\?/g, () => `$${(n += 1)}`);
        return (await client.query(pgText, [...params])).rows as Record<string, unknown>[];
      },
      close: () => client.end(),
    };
  }
  const sqlite = new BetterSqlite3(path.join(database.dataDir, SQLITE_FILE));
  return {
    // Prepared on every call, as a one-off query is (PostgreSQL parses and plans each one too).
    all: (text, params) =>
      Promise.resolve(sqlite.prepare(text).all(...params) as Record<string, unknown>[]),
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
  readonly relations: number;
  /** GET /healthz: the HTTP round trip with no database work. */
  readonly httpFloorMs: number;
  readonly httpDeepMs: number;
  readonly httpShallowMs: number;
  readonly serviceDeepMs: number;
  readonly sqlDeepMs: number;
  readonly ancestorWalkMs: number;
  readonly ancestorRows: number;
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

/**
 * Times the ancestry of a version deep in the chain (v<N-1>: N-2 ancestors,
 * one child) over HTTP, through the service in this process, and as the
 * same SQL run directly; plus the full recursive ancestor walk for context.
 */
export async function timeAncestry(options: {
  database: BenchDatabase;
  service: RegistryService;
  /** `http://host:port/packer/2023-01-01/organizations/<org>/projects/<project>` */
  apiBase: string;
  length: number;
  samples: number;
}): Promise<AncestryResult> {
  const { database, service, apiBase, length, samples } = options;
  const deepSeq = Math.max(2, length - 1);
  const deep = chainFingerprint(deepSeq);
  const shallow = chainFingerprint(Math.min(2, length));
  const ancestryUrl = (fp: string) =>
    `${apiBase}/buckets/${CHAIN_BUCKET}/ancestry?version_fingerprint=${fp}`;

  const viaHttp = await getJson(ancestryUrl(deep));
  const viaService = await service.listBucketAncestry(CHAIN_BUCKET, { versionFingerprint: deep });
  const relations = viaHttp.relations?.length ?? 0;
  if (relations !== viaService.relations.length) {
    throw new Error(
      `HTTP found ${relations} relations, the service ${viaService.relations.length}`,
    );
  }

  const direct = await openDirect(database);
  try {
    const endpointSql = async (fingerprint: string) => {
      const [bucket] = await direct.all(ENDPOINT_SQL[0], [CHAIN_BUCKET]);
      const [version] = await direct.all(ENDPOINT_SQL[1], [bucket['id'], fingerprint]);
      const id = version['id'];
      await direct.all(ENDPOINT_SQL[2], [id, id]);
      return direct.all(ENDPOINT_SQL[3], [id, id]);
    };
    const rows = await endpointSql(deep);
    if (rows.length !== relations) {
      throw new Error(`direct SQL found ${rows.length} relations, the endpoint ${relations}`);
    }
    // Every method gets its warm-up, then the methods take turns sample by sample, so that
    // drift of this machine during the measurement affects them alike.
    const healthUrl = `${new URL(apiBase).origin}/healthz`;
    const methods = {
      httpFloor: () => getJson(healthUrl),
      httpDeep: () => getJson(ancestryUrl(deep)),
      httpShallow: () => getJson(ancestryUrl(shallow)),
      serviceDeep: () => service.listBucketAncestry(CHAIN_BUCKET, { versionFingerprint: deep }),
      sqlDeep: () => endpointSql(deep),
    };
    const times = Object.fromEntries(
      Object.keys(methods).map((k) => [k, [] as number[]]),
    ) as Record<keyof typeof methods, number[]>;
    const names = Object.keys(methods) as (keyof typeof methods)[];
    for (const name of names) await timeRuns(0, WARMUP_CALLS, methods[name]);
    for (let i = 0; i < samples; i += 1) {
      for (const name of names) times[name].push(...(await timeRuns(1, 0, methods[name])));
    }
    const { httpFloor, httpDeep, httpShallow, serviceDeep, sqlDeep } = times;

    const [deepRow] = await direct.all(ENDPOINT_SQL[1], [
      (await direct.all(ENDPOINT_SQL[0], [CHAIN_BUCKET]))[0]['id'],
      deep,
    ]);
    let ancestorRows = 0;
    const walk = await timeRuns(5, 1, async () => {
      const [row] = await direct.all(ANCESTORS_SQL, [deepRow['id']]);
      ancestorRows = Number(row['n']);
    });
    if (ancestorRows !== deepSeq - 1) {
      throw new Error(`the chain is broken: v${deepSeq} has ${ancestorRows} ancestors`);
    }
    return {
      length,
      deepSeq,
      relations,
      httpFloorMs: median(httpFloor),
      httpDeepMs: median(httpDeep),
      httpShallowMs: median(httpShallow),
      serviceDeepMs: median(serviceDeep),
      sqlDeepMs: median(sqlDeep),
      ancestorWalkMs: median(walk),
      ancestorRows,
      samples,
    };
  } finally {
    agent.destroy();
    await direct.close();
  }
}
