import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RegistryClient, type Version } from '@imprint/client';
import { createTestDatabase, testEngines, type TestDatabase } from '@imprint/registry/testing';

/*
 * Crash recovery: the real `imprint-registry` bin runs as a child process on
 * 127.0.0.1, a bounded burst of Packer-style build completions goes through
 * the typed client, and the server is killed with SIGKILL in the middle of
 * it. After a restart on the same database every completion the client saw
 * acknowledged must be there, nothing may be half-written, and the registry
 * must keep working.
 */

const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
/** The built bin: `npm test` runs `tsc -b` first. */
const BIN = path.join(PACKAGE_DIR, 'dist', 'bin', 'imprint-registry.js');

/** Versions in the burst; each one is a CreateVersion + its builds' completions. */
const VERSIONS = 40;
/** Versions driven concurrently. */
const CONCURRENCY = 8;
/** SIGKILL once this many builds were acknowledged BUILD_DONE (of ~54 planned). */
const KILL_AFTER_DONE_BUILDS = 16;
const BUCKETS = ['crash-a', 'crash-b'] as const;
const COMPONENT_A = 'amazon-ebs.ubuntu';
const COMPONENT_B = 'docker.ubuntu';
const STARTUP_TIMEOUT_MS = 20_000;

jest.setTimeout(90_000);

interface PlannedVersion {
  readonly bucket: string;
  readonly fingerprint: string;
  /** Like Packer: every build is created first, then the builds run in parallel. */
  readonly components: readonly string[];
}

/** Every third version has two builds, to exercise "vN only when every build is DONE". */
const PLAN: readonly PlannedVersion[] = Array.from({ length: VERSIONS }, (_, i) => ({
  bucket: BUCKETS[i % BUCKETS.length],
  fingerprint: `crash-${String(i).padStart(2, '0')}`,
  components: i % 3 === 0 ? [COMPONENT_A, COMPONENT_B] : [COMPONENT_A],
}));

/** The three artifacts sent with a build's BUILD_DONE. */
function artifactsOf(fingerprint: string, component: string) {
  const base = `img-${fingerprint}-${component.replace(/[^a-z0-9]/gi, '-')}`;
  return [
    { external_identifier: `${base}-1`, region: 'eu-west-1' },
    { external_identifier: `${base}-2`, region: 'us-east-1' },
    { external_identifier: `${base}-3`, region: 'ap-south-1' },
  ];
}

function artifactKeys(artifacts: readonly { external_identifier: string; region: string }[]) {
  return artifacts.map((a) => `${a.external_identifier}@${a.region}`).sort();
}

function seqOf(name: string): number {
  const match = /^v(\d+)$/.exec(name);
  if (!match) throw new Error(`version name ${JSON.stringify(name)} is not vN`);
  return Number(match[1]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A running `imprint-registry serve` child process. */
interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly organizationId: string;
  readonly projectId: string;
  readonly exited: Promise<void>;
  output(): string;
}

interface ReadyLine {
  msg?: string;
  url?: string;
  engine?: string;
  organization_id?: string;
  project_id?: string;
}

function findReadyLine(stdout: string): ReadyLine | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.includes('imprint registry ready')) continue;
    try {
      const parsed = JSON.parse(line) as ReadyLine;
      if (parsed.url && parsed.organization_id && parsed.project_id) return parsed;
    } catch {
      // A partial line: wait for the rest.
    }
  }
  return undefined;
}

/** Starts the bin on 127.0.0.1 with a free port (port 0, read back from its ready line). */
async function startServer(database: TestDatabase): Promise<ServerProcess> {
  const { engine, location } = database;
  const args = [BIN, 'serve', '--listen', '127.0.0.1:0', '--data-dir', location.dataDir];
  if (location.databaseUrl) args.push('--database', location.databaseUrl);
  const child = spawn(process.execPath, args, {
    cwd: PACKAGE_DIR,
    // A clean environment: no IMPRINT_* from the caller may pick another database.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => `--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`;

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let ready = findReadyLine(stdout);
  while (!ready && Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    await sleep(25);
    ready = findReadyLine(stdout);
  }
  if (!ready) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`imprint-registry did not become ready:\n${output()}`);
  }
  if (ready.engine !== engine) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`expected engine ${engine}, the server runs ${String(ready.engine)}`);
  }
  return {
    child,
    url: ready.url as string,
    organizationId: ready.organization_id as string,
    projectId: ready.project_id as string,
    exited,
    output,
  };
}

async function killServer(server: ServerProcess | undefined): Promise<void> {
  if (!server) return;
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
  }
  await server.exited;
}

function clientFor(server: ServerProcess): RegistryClient {
  return new RegistryClient({
    baseUrl: server.url,
    organizationId: server.organizationId,
    projectId: server.projectId,
    // One attempt per call: what the client reports is exactly what the server acknowledged.
    retries: false,
    timeoutMs: 15_000,
  });
}

/** What the client saw during the burst. */
interface BurstResult {
  /** `fingerprint/component` of every BUILD_DONE answered with 2xx. */
  readonly doneBuilds: Set<string>;
  /** Fingerprints whose every build was acknowledged BUILD_DONE. */
  readonly completedVersions: Set<string>;
  /** Errors seen before the kill (must stay empty). */
  readonly unexpected: string[];
  /** Requests failed by the kill. */
  failedByKill: number;
  /** Requests in flight when SIGKILL was sent. */
  inFlightAtKill: number;
  killed: boolean;
}

/**
 * Drives {@link PLAN} through the client, {@link CONCURRENCY} versions at a
 * time, and SIGKILLs the server once {@link KILL_AFTER_DONE_BUILDS} builds
 * were acknowledged BUILD_DONE. Bounded: every version is attempted at most
 * once and workers stop at their first failure after the kill.
 */
async function runBurst(server: ServerProcess): Promise<BurstResult> {
  const client = clientFor(server);
  const result: BurstResult = {
    doneBuilds: new Set(),
    completedVersions: new Set(),
    unexpected: [],
    failedByKill: 0,
    inFlightAtKill: 0,
    killed: false,
  };
  let inFlight = 0;
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    inFlight += 1;
    try {
      return await fn();
    } finally {
      inFlight -= 1;
    }
  };

  const completeVersion = async (planned: PlannedVersion): Promise<void> => {
    const { bucket, fingerprint } = planned;
    await call(() => client.createVersion(bucket, { fingerprint, template_type: 'HCL2' }));
    const builds = await Promise.all(
      planned.components.map((component) =>
        call(() =>
          client.createBuild(bucket, fingerprint, {
            component_type: component,
            status: 'BUILD_UNSET',
            packer_run_uuid: `run-${fingerprint}`,
          }),
        ),
      ),
    );
    await Promise.all(
      builds.map(async (build) => {
        await call(() =>
          client.updateBuild(bucket, fingerprint, build.id, { status: 'BUILD_RUNNING' }),
        );
        await call(() =>
          client.updateBuild(bucket, fingerprint, build.id, {
            status: 'BUILD_DONE',
            platform: 'aws',
            labels: { os: 'ubuntu' },
            artifacts: artifactsOf(fingerprint, build.component_type),
          }),
        );
        // Acknowledged: the 2xx answer arrived.
        result.doneBuilds.add(`${fingerprint}/${build.component_type}`);
        if (!result.killed && result.doneBuilds.size >= KILL_AFTER_DONE_BUILDS) {
          result.killed = true;
          result.inFlightAtKill = inFlight;
          server.child.kill('SIGKILL');
        }
      }),
    );
    result.completedVersions.add(fingerprint);
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (!result.killed && next < PLAN.length) {
      const planned = PLAN[next];
      next += 1;
      try {
        await completeVersion(planned);
      } catch (error) {
        if (!result.killed) {
          result.unexpected.push(`${planned.fingerprint}: ${String(error)}`);
        } else {
          result.failedByKill += 1;
        }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
  return result;
}

async function allVersions(client: RegistryClient, bucket: string): Promise<Version[]> {
  const versions: Version[] = [];
  for await (const version of client.paginate('listVersions', bucket, { pageSize: 100 })) {
    versions.push(version);
  }
  return versions;
}

function requireBuiltBin(): void {
  if (!existsSync(BIN)) {
    throw new Error(
      `${BIN} is missing: build the registry first (npx tsc -b, or npm test which runs it).`,
    );
  }
}

describe.each(testEngines())('registry crash recovery (%s)', (engine) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  let burst: BurstResult;
  let client: RegistryClient;
  const planByFingerprint = new Map(PLAN.map((p) => [p.fingerprint, p]));

  beforeAll(async () => {
    requireBuiltBin();
    database = await createTestDatabase(engine, { prefix: 'imprint-crash' });

    server = await startServer(database);
    const setup = clientFor(server);
    for (const bucket of BUCKETS) await setup.createBucket({ name: bucket });

    const crashed = server;
    burst = await runBurst(crashed);
    await crashed.exited;
    expect(crashed.child.signalCode).toBe('SIGKILL');

    server = await startServer(database);
    client = clientFor(server);
  });

  afterAll(async () => {
    await killServer(server);
    await database?.drop();
  });

  it('killed the server in the middle of the burst', () => {
    expect(burst.unexpected).toEqual([]);
    expect(burst.killed).toBe(true);
    expect(burst.doneBuilds.size).toBeGreaterThanOrEqual(KILL_AFTER_DONE_BUILDS);
    expect(burst.completedVersions.size).toBeLessThan(VERSIONS);
    expect(burst.inFlightAtKill).toBeGreaterThan(0);
  });

  it('keeps every acknowledged completion: BUILD_DONE with its 3 artifacts', async () => {
    for (const key of burst.doneBuilds) {
      const [fingerprint, component] = key.split('/');
      const planned = planByFingerprint.get(fingerprint);
      if (!planned) throw new Error(`unplanned ${key}`);
      const version = await client.getVersion(planned.bucket, fingerprint);
      const build = version.builds.find((b) => b.component_type === component);
      expect({ key, status: build?.status }).toEqual({ key, status: 'BUILD_DONE' });
      expect(artifactKeys(build?.artifacts ?? [])).toEqual(
        artifactKeys(artifactsOf(fingerprint, component)),
      );
    }
  });

  it('keeps every acknowledged version complete: vN and VERSION_ACTIVE', async () => {
    expect(burst.completedVersions.size).toBeGreaterThan(0);
    for (const fingerprint of burst.completedVersions) {
      const planned = planByFingerprint.get(fingerprint);
      if (!planned) throw new Error(`unplanned ${fingerprint}`);
      const version = await client.getVersion(planned.bucket, fingerprint);
      expect(seqOf(version.name)).toBeGreaterThan(0);
      expect(version.status).toBe('VERSION_ACTIVE');
      expect(version.builds.map((b) => b.status)).toEqual(
        planned.components.map(() => 'BUILD_DONE'),
      );
    }
  });

  it('has nothing half-written', async () => {
    for (const bucket of BUCKETS) {
      for (const version of await allVersions(client, bucket)) {
        const planned = planByFingerprint.get(version.fingerprint);
        const where = `${bucket}/${version.fingerprint} (${version.name})`;
        if (!planned || planned.bucket !== bucket) throw new Error(`unplanned version ${where}`);
        expect(version.builds.length).toBeLessThanOrEqual(planned.components.length);
        for (const build of version.builds) {
          // BUILD_DONE was only ever sent together with the 3 artifacts.
          if (build.status === 'BUILD_DONE') {
            expect({ where, artifacts: artifactKeys(build.artifacts) }).toEqual({
              where,
              artifacts: artifactKeys(artifactsOf(version.fingerprint, build.component_type)),
            });
          } else {
            expect({ where, artifacts: build.artifacts }).toEqual({ where, artifacts: [] });
          }
        }
        const allDone =
          version.builds.length > 0 && version.builds.every((b) => b.status === 'BUILD_DONE');
        if (version.name === 'v0') {
          // Every build DONE but still v0 would be a completion that was lost half-way.
          expect({ where, allDone }).toEqual({ where, allDone: false });
          expect(version.status).not.toBe('VERSION_ACTIVE');
        } else {
          expect({ where, builds: version.builds.length, allDone }).toEqual({
            where,
            builds: planned.components.length,
            allDone: true,
          });
          expect(version.status).toBe('VERSION_ACTIVE');
        }
      }
    }
  });

  it('numbers versions v1..vN without gaps or duplicates, and latest is the highest', async () => {
    for (const bucket of BUCKETS) {
      const versions = await allVersions(client, bucket);
      const seqs = versions
        .filter((v) => v.name !== 'v0')
        .map((v) => seqOf(v.name))
        .sort((a, b) => a - b);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const latest = await client.getChannel(bucket, 'latest');
      const expected = seqs.length === 0 ? null : `v${seqs.length}`;
      expect({ bucket, latest: latest.version?.name ?? null }).toEqual({
        bucket,
        latest: expected,
      });
      const stored = await client.getBucket(bucket);
      expect(stored.latest_version?.name ?? null).toBe(expected);
      expect(stored.version_count).toBe(String(versions.length));
    }
  });

  it('keeps working: a new completion after the restart gets the next vN', async () => {
    for (const bucket of BUCKETS) {
      const before = (await allVersions(client, bucket)).filter((v) => v.name !== 'v0').length;
      const fingerprint = `after-restart-${bucket}`;
      await client.createVersion(bucket, { fingerprint, template_type: 'HCL2' });
      const build = await client.createBuild(bucket, fingerprint, {
        component_type: COMPONENT_A,
        status: 'BUILD_UNSET',
      });
      await client.updateBuild(bucket, fingerprint, build.id, { status: 'BUILD_RUNNING' });
      const done = await client.updateBuild(bucket, fingerprint, build.id, {
        status: 'BUILD_DONE',
        platform: 'aws',
        artifacts: artifactsOf(fingerprint, COMPONENT_A),
      });
      expect(done.status).toBe('BUILD_DONE');
      const version = await client.getVersion(bucket, fingerprint);
      expect(version.name).toBe(`v${before + 1}`);
      expect(version.status).toBe('VERSION_ACTIVE');
      expect((await client.getChannel(bucket, 'latest')).version?.fingerprint).toBe(fingerprint);
    }
  });
});
