/*
 * Registry benchmarks: `npm run bench -w @imprint/registry`
 * (PostgreSQL too with IMPRINT_TEST_POSTGRES_URL=postgres://… or
 * `-- --postgres postgres://…`, an admin URL: each run creates and drops its
 * own database).
 *
 * (a) GET channel through the registry vs a bare fastify route answering the
 *     same bytes → ratio (target ≥ 0.7).
 * (b) build completions per second (CreateVersion + CreateBuild + UpdateBuild
 *     BUILD_DONE with 3 artifacts; each completes a fresh version).
 * (c) ancestry of a version deep in a chain of 100,000 versions, over HTTP and
 *     through the service, vs the same SQL run directly → ratio (target ≤ 2×).
 *
 * Servers run as child processes (bench/server.ts); autocannon drives them
 * from this process. Exits 1 when a run fails, never for a missed target.
 */
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegistryClient } from '@imprint/client';
import { openRegistryStorage } from '@imprint/registry';
import { CHAIN_BUCKET, seedChain, timeAncestry, type AncestryResult } from './chain';
import { countCompletionStatements, type StatementCount } from './statements';
import type { CpuSplit } from './cpu';
import { combine, completionLoad, getLoad, type CompletionResult, type LoadResult } from './load';
import { createTestDatabase } from '@imprint/registry/testing';
import { startBenchServer, type BenchServer } from './support';

type Part = 'a' | 'b' | 'c';

interface Settings {
  postgresUrl?: string;
  /** Which measurements run (`--only a,b`); all by default. */
  only: ReadonlySet<Part>;
  sqlite: boolean;
  connections: number;
  duration: number;
  warmup: number;
  chain: number;
  samples: number;
  rounds: number;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: run.ts [--postgres URL] [--no-sqlite] [--connections N] ` +
      `[--duration SECONDS] [--warmup SECONDS] [--chain VERSIONS] [--samples N] [--rounds N] ` +
      `[--only a,b,c]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Settings {
  const settings: Settings = {
    postgresUrl: process.env['IMPRINT_TEST_POSTGRES_URL'] || undefined,
    only: new Set<Part>(['a', 'b', 'c']),
    sqlite: true,
    connections: 10,
    duration: 10,
    warmup: 3,
    chain: 100_000,
    samples: 31,
    rounds: 2,
  };
  const positive = (flag: string, value: string | undefined, min = 1): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) usage(`${flag} needs an integer ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--postgres':
        if (!value || !/^postgres(ql)?:\/\//.test(value))
          usage('--postgres needs a postgres:// URL');
        settings.postgresUrl = value;
        i += 1;
        break;
      case '--only': {
        const parts = (value ?? '').split(',').filter((p) => p !== '');
        if (parts.length === 0 || parts.some((p) => !['a', 'b', 'c'].includes(p)))
          usage('--only needs a comma-separated list of a, b, c');
        settings.only = new Set(parts as Part[]);
        i += 1;
        break;
      }
      case '--no-sqlite':
        settings.sqlite = false;
        break;
      case '--connections':
        settings.connections = positive(flag, value);
        i += 1;
        break;
      case '--duration':
        settings.duration = positive(flag, value);
        i += 1;
        break;
      case '--warmup':
        settings.warmup = positive(flag, value, 0);
        i += 1;
        break;
      case '--chain':
        settings.chain = positive(flag, value, 3);
        i += 1;
        break;
      case '--rounds':
        settings.rounds = positive(flag, value);
        i += 1;
        break;
      case '--samples':
        settings.samples = positive(flag, value);
        i += 1;
        break;
      default:
        usage(`unknown argument ${flag}`);
    }
  }
  return settings;
}

interface EngineResult {
  readonly engine: 'sqlite' | 'postgres';
  readonly channel?: {
    readonly bodyBytes: number;
    /** The registry at its default log level (info), what `imprint-registry serve` runs. */
    readonly real: LoadResult;
    /** The registry at log level warn, for context. */
    readonly realWarn: LoadResult;
    readonly bare: LoadResult;
  };
  readonly completions?: {
    readonly oneBucket: CompletionResult;
    readonly spread: CompletionResult;
    /** Statements (round trips) one completion sends, BEGIN/COMMIT included. */
    readonly statements: StatementCount;
  };
  readonly ancestry?: { readonly seedMs: number; readonly result: AncestryResult };
}

const COMPLETION_BUCKET = 'bench-completions';
/** (b) again, spread over this many buckets (completions in one bucket serialise on it). */
const SPREAD_BUCKETS = 10;
const spreadBucket = (i: number) => `bench-spread-${i}`;
const CHANNEL_BUCKET = 'bench-channel';

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** A complete version on channel `production` (one build, three artifacts), as Packer leaves it. */
async function channelFixture(client: RegistryClient): Promise<void> {
  const fingerprint = '01JBENCHCHANNELFIXTURE0000';
  await client.createBucket({
    name: CHANNEL_BUCKET,
    description: 'Ubuntu 24.04 base image',
    labels: { os: 'ubuntu', team: 'platform' },
  });
  await client.createVersion(CHANNEL_BUCKET, { fingerprint, template_type: 'HCL2' });
  const build = await client.createBuild(CHANNEL_BUCKET, fingerprint, {
    component_type: 'amazon-ebs.ubuntu',
    status: 'BUILD_UNSET',
    packer_run_uuid: '5b4c5e8e-8a39-4a4e-9f5b-2b1f4f3f1c11',
  });
  await client.updateBuild(CHANNEL_BUCKET, fingerprint, build.id, { status: 'BUILD_RUNNING' });
  await client.updateBuild(CHANNEL_BUCKET, fingerprint, build.id, {
    status: 'BUILD_DONE',
    platform: 'aws',
    labels: { os: 'ubuntu', release: '24.04' },
    source_external_identifier: 'ami-0aaaaaaaaaaaaaaaa',
    artifacts: [
      { external_identifier: 'ami-0123456789abcdef0', region: 'eu-west-1' },
      { external_identifier: 'ami-0123456789abcdef1', region: 'us-east-1' },
      { external_identifier: 'ami-0123456789abcdef2', region: 'ap-south-1' },
    ],
    metadata: { packer: { version: '1.16.0' } },
  });
  await client.createChannel(CHANNEL_BUCKET, {
    name: 'production',
    version_fingerprint: fingerprint,
  });
  await client.createBucket({ name: COMPLETION_BUCKET });
  for (let i = 0; i < SPREAD_BUCKETS; i += 1) await client.createBucket({ name: spreadBucket(i) });
}

async function getText(url: string): Promise<string> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}: ${text}`);
  return text;
}

/** Runs `fn`; a failure carries the server's last output. */
async function checked<T>(server: BenchServer, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${server.output()}`, { cause: error });
  }
}

async function benchEngine(
  engine: 'sqlite' | 'postgres',
  settings: Settings,
): Promise<EngineResult> {
  const database = await createTestDatabase(engine, {
    prefix: 'imprint-bench',
    adminUrl: settings.postgresUrl,
  });
  // SQLite keeps its file in the data dir; for PostgreSQL it holds the server logs only.
  const { location } = database;
  const load = {
    connections: settings.connections,
    duration: settings.duration,
    warmup: settings.warmup,
  };
  const serverOptions = { logDir: location.dataDir, ...location };
  const bodyFile = path.join(location.dataDir, 'channel-body.json');
  // Creates and migrates the schema, then goes: an open storage here would be
  // one more registry instance (on PostgreSQL, one more listener every commit
  // notifies) taking CPU from the server it measures. (c) opens its own.
  await (await openRegistryStorage(location)).close();
  const servers: BenchServer[] = [];
  const start = async (...args: Parameters<typeof startBenchServer>) => {
    const server = await startBenchServer(...args);
    servers.push(server);
    return server;
  };
  const result: { -readonly [K in keyof EngineResult]: EngineResult[K] } = { engine };
  try {
    // The default log level of `imprint-registry serve`.
    const real = await start('real', { ...serverOptions, logLevel: 'info' });
    const client = new RegistryClient({
      baseUrl: real.url,
      organizationId: real.organizationId,
      projectId: real.projectId,
    });
    await channelFixture(client);
    const apiBase = `/packer/2023-01-01/organizations/${real.organizationId}/projects/${real.projectId}`;

    if (settings.only.has('a')) {
      const channelPath = `${apiBase}/buckets/${CHANNEL_BUCKET}/channels/production`;
      const body = await getText(`${real.url}${channelPath}`);
      writeFileSync(bodyFile, body);
      // Registry and bare route alternate, so drift of this machine hits both alike.
      const bare = await start('bare', { logDir: location.dataDir, logLevel: 'warn', bodyFile });
      const bareBody = await getText(`${bare.url}${channelPath}`);
      if (bareBody !== body) throw new Error('the bare route does not answer the same bytes');
      const realRuns: LoadResult[] = [];
      const bareRuns: LoadResult[] = [];
      for (let round = 1; round <= settings.rounds; round += 1) {
        log(`${engine}: (a) GET channel, registry, round ${round}`);
        realRuns.push(await checked(real, () => getLoad(`${real.url}${channelPath}`, load)));
        log(`${engine}: (a) GET channel, bare fastify, round ${round}`);
        bareRuns.push(await checked(bare, () => getLoad(`${bare.url}${channelPath}`, load)));
      }
      await bare.stop();
      log(`${engine}: (a) GET channel, registry at log level warn`);
      const warn = await start('real', { ...serverOptions, logLevel: 'warn' });
      const realWarn = await checked(warn, () => getLoad(`${warn.url}${channelPath}`, load));
      await warn.stop();
      result.channel = {
        bodyBytes: Buffer.byteLength(body),
        real: combine(realRuns),
        realWarn,
        bare: combine(bareRuns),
      };
    }

    if (settings.only.has('b')) {
      log(`${engine}: (b) statements per completion`);
      const statements = await countCompletionStatements(location);
      log(`${engine}: (b) build completions`);
      const oneBucket = await checked(real, () =>
        completionLoad(real, [`${apiBase}/buckets/${COMPLETION_BUCKET}`], load),
      );
      log(`${engine}: (b) build completions over ${SPREAD_BUCKETS} buckets`);
      const spreadPaths = Array.from(
        { length: SPREAD_BUCKETS },
        (_, i) => `${apiBase}/buckets/${spreadBucket(i)}`,
      );
      const spread = await checked(real, () => completionLoad(real, spreadPaths, load));
      result.completions = { oneBucket, spread, statements };
    }

    if (settings.only.has('c')) {
      log(`${engine}: (c) seeding a chain of ${settings.chain} versions`);
      const seedMs = await seedChain(database, settings.chain);
      log(`${engine}: (c) seeded in ${(seedMs / 1000).toFixed(1)} s; timing ancestry`);
      const storage = await openRegistryStorage(location);
      try {
        const ancestry = await checked(real, () =>
          timeAncestry({
            database,
            service: storage.service,
            location: storage.location,
            apiBase: `${real.url}${apiBase}`,
            length: settings.chain,
            samples: settings.samples,
          }),
        );
        result.ancestry = { seedMs, result: ancestry };
      } finally {
        await storage.close();
      }
    }
    return result;
  } finally {
    for (const server of servers) await server.stop();
    await database.drop();
  }
}

// ---- output -------------------------------------------------------------------

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function ms(value: number): string {
  return value >= 100 ? `${int.format(value)} ms` : `${value.toFixed(value < 1 ? 3 : 2)} ms`;
}

function check(ok: boolean): string {
  return ok ? '✓' : '✗';
}

type Row = [string, string, string, string, string];

/** Completions per second the registry must reach on this 2-core machine, load generator included. */
const COMPLETION_TARGETS = { sqlite: 1_000, postgres: 500 } as const;
/** GET channel, registry at its default log level / bare fastify. */
const CHANNEL_RATIO_TARGET = 0.9;

/** `(b)`'s CPU split as result / p99 / note cells: ms of CPU per completion, by consumer. */
function cpuCells(
  engine: 'sqlite' | 'postgres',
  completions: number,
  cpu: CpuSplit,
): [string, string, string] {
  const per = (msTotal: number) => (msTotal / Math.max(1, completions)).toFixed(2);
  const total = cpu.serverMs + cpu.loadGeneratorMs + cpu.restMs;
  const rest = engine === 'postgres' ? 'PostgreSQL + kernel' : 'kernel + other';
  return [
    `${per(total)} ms`,
    '',
    `server ${per(cpu.serverMs)} + load generator ${per(cpu.loadGeneratorMs)} + ${rest} ${per(cpu.restMs)}; ` +
      `cores ${(cpu.machineBusy * 100).toFixed(0)}% busy, ${(cpu.stolen * 100).toFixed(0)}% stolen by the host`,
  ];
}

function rowsOf(r: EngineResult): Row[] {
  const rows: Row[] = [];
  const first = () => (rows.length === 0 ? r.engine : '');
  if (r.channel) {
    const { bodyBytes, real, realWarn, bare } = r.channel;
    const ratio = real.rps / bare.rps;
    rows.push(
      [
        first(),
        `(a) GET channel, registry (default log level info), ${int.format(bodyBytes)} B`,
        `${int.format(real.rps)} req/s`,
        `${real.p99} ms`,
        '',
      ],
      [
        '',
        `(a) GET channel, bare fastify (log warn), same ${int.format(bodyBytes)} B`,
        `${int.format(bare.rps)} req/s`,
        `${bare.p99} ms`,
        '',
      ],
      [
        '',
        '(a) ratio registry / bare',
        ratio.toFixed(2),
        '',
        `≥ ${CHANNEL_RATIO_TARGET.toFixed(2)} ${check(ratio >= CHANNEL_RATIO_TARGET)}`,
      ],
      [
        '',
        '(a) GET channel, registry at log level warn',
        `${int.format(realWarn.rps)} req/s`,
        `${realWarn.p99} ms`,
        `ratio ${(realWarn.rps / bare.rps).toFixed(2)}`,
      ],
    );
  }
  if (r.completions) {
    const { oneBucket, spread, statements } = r.completions;
    const target = COMPLETION_TARGETS[r.engine];
    rows.push(
      [
        first(),
        '(b) statements per completion (3 requests)',
        String(statements.total),
        '',
        statements.breakdown,
      ],
      [
        '',
        '(b) build completions, one bucket',
        `${int.format(oneBucket.completionsPerSecond)} /s`,
        `${oneBucket.p99} ms`,
        `≥ ${int.format(target)} ${check(oneBucket.completionsPerSecond >= target)}; ${int.format(oneBucket.completions)} in ${oneBucket.seconds.toFixed(0)} s`,
      ],
      [
        '',
        `(b) build completions, over ${SPREAD_BUCKETS} buckets`,
        `${int.format(spread.completionsPerSecond)} /s`,
        `${spread.p99} ms`,
        `≥ ${int.format(target)} ${check(spread.completionsPerSecond >= target)}; ${int.format(spread.completions)} in ${spread.seconds.toFixed(0)} s`,
      ],
    );
    for (const [what, run] of [
      ['one bucket', oneBucket],
      [`${SPREAD_BUCKETS} buckets`, spread],
    ] as const) {
      if (run.cpu) {
        rows.push([
          '',
          `(b) CPU per completion, ${what}`,
          ...cpuCells(r.engine, run.completions, run.cpu),
        ]);
      }
    }
  }
  if (r.ancestry) {
    const c = r.ancestry.result;
    const httpRatio = c.httpDeepMs / c.sqlDeepMs;
    const serviceRatio = c.serviceDeepMs / c.sqlDeepMs;
    const deep = `v${int.format(c.deepSeq)}`;
    rows.push(
      [
        first(),
        `(c) seed chain of ${int.format(c.length)} versions`,
        `${(r.ancestry.seedMs / 1000).toFixed(1)} s`,
        '',
        `< 120 s ${check(r.ancestry.seedMs < 120_000)}`,
      ],
      [
        '',
        `(c) all ancestors of ${deep} (depth=all), HTTP GET`,
        ms(c.httpDeepMs),
        '',
        `${int.format(c.pageRelations)} of ${int.format(c.ancestorRelations)} relations`,
      ],
      ['', `(c) the same, service in-process`, ms(c.serviceDeepMs), '', ''],
      ['', `(c) the same ${c.statements} SQL statements, run directly`, ms(c.sqlDeepMs), '', ''],
      ['', '(c) ratio HTTP / SQL', `${httpRatio.toFixed(2)}×`, '', `≤ 2× ${check(httpRatio <= 2)}`],
      [
        '',
        '(c) ratio service / SQL',
        `${serviceRatio.toFixed(2)}×`,
        '',
        `≤ 2× ${check(serviceRatio <= 2)}`,
      ],
      [
        '',
        `(c) direct relations of ${deep} (depth=1), HTTP GET`,
        ms(c.httpDirectMs),
        '',
        'context only',
      ],
      ['', '(c) HTTP floor: GET /healthz (no database)', ms(c.httpFloorMs), '', 'context only'],
    );
  }
  return rows;
}

function printTable(results: readonly EngineResult[]): void {
  const header: Row = ['engine', 'measurement', 'result', 'p99', 'target / note'];
  const rows = results.flatMap((r) => rowsOf(r));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row: Row) =>
    row
      .map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  results.forEach((r, index) => {
    if (index > 0) out.push('');
    out.push(...rowsOf(r).map(line));
  });
  process.stdout.write(`${out.join('\n')}\n`);
}

function printHeader(settings: Settings): void {
  const cpus = os.cpus();
  process.stdout.write(
    [
      `Imprint registry benchmarks, ${new Date().toISOString()}`,
      `node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ` +
        `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}`,
      `autocannon: ${settings.connections} connections, ${settings.warmup} s warm-up + ` +
        `${settings.duration} s per run, (a) ${settings.rounds} alternating rounds each; ` +
        `servers in child processes on 127.0.0.1`,
      `ancestry: median of ${settings.samples} sequential calls per method, interleaved, after warm-up calls`,
      '',
    ].join('\n'),
  );
}

function printNotes(settings: Settings): void {
  process.stdout.write(
    [
      '',
      'Notes:',
      '- (a) both servers: one Node process, fastify, pino, 127.0.0.1 port 0; the registry at its default',
      '  log level (info, as `imprint-registry serve` runs), the bare route at warn, answering the registry',
      '  response (same bytes) from a fixed object, which it serialises on every request as any fastify',
      '  route does; the registry sends the serialisation it cached with the value, so it can be faster.',
      '  req/s pooled over the rounds, p99 the worst round.',
      '  Runs before the chain is loaded.',
      '- (b) each completion is CreateVersion (fresh fingerprint) + CreateBuild + UpdateBuild',
      '  BUILD_DONE with 3 artifacts, which completes the version (vN, latest moves); p99 is per request.',
      '  Statements: what one such completion sends to the database through the service, counted by',
      '  the storage layer (BEGIN, COMMIT and NOTIFY included).',
      '  Completions in one bucket serialise on the bucket row (its vN sequence), hence the spread run.',
      '  CPU per completion: CPU time during the measured run (/proc) over completions — the server',
      "  process (all its threads), this process (autocannon), and the rest of the machine's busy time;",
      "  all of it shares this machine's cores, so a throughput figure reads together with it.",
      '  "Stolen": time the hypervisor ran other guests while this machine wanted its cores (steal in',
      '  /proc/stat); on a shared host it varies from run to run and takes throughput with it.',
      `- (c) bucket "${CHAIN_BUCKET}": ${int.format(settings.chain)} complete versions, each built from the previous one`,
      '  (declared parent + source artifact), i.e. one parent→child chain. GET /ancestry?depth=all walks',
      '  every ancestor with a recursive CTE (total_count) and returns the first page of relations; the',
      '  "same SQL" is the statements the service sent for that call, captured from Kysely\'s log and',
      '  replayed through the bare driver (better-sqlite3 with prepared statements reused, or pg).',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const engines: ('sqlite' | 'postgres')[] = [];
  if (settings.sqlite) engines.push('sqlite');
  if (settings.postgresUrl) engines.push('postgres');
  if (engines.length === 0) usage('nothing to run: --no-sqlite without --postgres');

  const results: EngineResult[] = [];
  let failed = false;
  for (const engine of engines) {
    try {
      results.push(await benchEngine(engine, settings));
    } catch (error) {
      failed = true;
      process.stderr.write(
        `[bench] ${engine} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  printHeader(settings);
  if (results.length > 0) printTable(results);
  printNotes(settings);
  if (failed) {
    process.stdout.write('A run failed (see above): exit 1.\n');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
