import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalCloud } from '@imprint/example-aws-like';

// Two whole demo runs (builds, SBOMs, vulnerability import) in one test:
// about 45 s each on a quiet machine, more while the rest of the suite runs.
jest.setTimeout(180_000);

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const DEMO = join(REPO_ROOT, 'demo', 'run-demo.js');

interface Result {
  code: number | null;
  output: string;
}

function runDemo(dir: string): Promise<Result> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('IMPRINT_') || key.startsWith('HCP_')) delete env[key];
  }
  env.IMPRINT_DEMO_DIR = dir;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [DEMO], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

/**
 * The ancestry trees the demo prints: demo-base as the parent line, demo-app
 * below it, the link UP_TO_DATE while production points at that base, and
 * OUT_OF_DATE once the demo has built a new base (issue 15).
 */
function expectBaseAboveApp(output: string, appVersion: string, baseVersion: string): void {
  const trees = output.split('Ancestry of demo-app').slice(1);
  expect(trees).toHaveLength(2);
  trees.forEach((tree, i) => {
    const lines = tree.split('\n');
    const parent = lines.findIndex((l) => /^└─ parent demo-base v\d+ \(/.test(l));
    const self = lines.findIndex((l) => l.startsWith(`● demo-app ${appVersion} (`));
    expect(parent).toBeGreaterThanOrEqual(0);
    expect(self).toBe(parent + 1);
    expect(lines[parent]).toContain(`demo-base ${baseVersion} (`);
    expect(lines[parent]).toContain(i === 0 ? 'link: UP_TO_DATE' : 'link: OUT_OF_DATE');
  });
  expect(output).toMatch(/Rebuild demo-app .* with:\n {2}\S+ \S+imprint\.js build /);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imprint-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo/run-demo.js', () => {
  it('runs twice in the same data dir, each time showing demo-base above demo-app', async () => {
    const first = await runDemo(dir);
    expect({ code: first.code, tail: first.output.slice(-2000) }).toMatchObject({ code: 0 });
    expectBaseAboveApp(first.output, 'v1', 'v1');
    expect(first.output).toMatch(/production\s+v1\s+\S+\s+no/);

    const second = await runDemo(dir);
    expect({ code: second.code, tail: second.output.slice(-2000) }).toMatchObject({ code: 0 });
    // Each run builds two bases: the second run's app is built from v3.
    expectBaseAboveApp(second.output, 'v2', 'v3');
    expect(second.output).toMatch(/production\s+v2\s+\S+\s+no/);
    expect(second.output).toContain('Demo done.');
  });
});

/** The lines of each `==> ` step of a demo run, by step heading. */
function steps(output: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('==> ')) sections.set(line, (current = []));
    else current?.push(line);
  }
  return sections;
}

function registryJson(dir: string, args: string[]): unknown {
  const bin = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin', 'imprint.js');
  const res = spawnSync(
    process.execPath,
    [bin, ...args, '--json', '--data-dir', join(dir, 'registry')],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  );
  expect({ status: res.status, stderr: res.stderr }).toMatchObject({ status: 0 });
  return JSON.parse(res.stdout);
}

interface ListedVersion {
  name: string;
  fingerprint: string;
  status: string;
  builds: { artifacts: { external_identifier: string; region: string }[] }[];
}

describe('demo/run-demo.js, run twice (issue 12, item 16)', () => {
  let twiceDir: string;
  const runs: Result[] = [];
  beforeAll(async () => {
    twiceDir = await mkdtemp(join(tmpdir(), 'imprint-demo-12-16-'));
    for (let i = 0; i < 2; i += 1) {
      const run = await runDemo(twiceDir);
      expect({ code: run.code, tail: run.output.slice(-2000) }).toMatchObject({ code: 0 });
      runs.push(run);
    }
  }, 240_000);
  afterAll(async () => {
    await rm(twiceDir, { recursive: true, force: true });
  });

  it("12.16 prints each build's stderr line inside its step, in the order the CLI wrote it", () => {
    for (const run of runs) {
      const builds = [...steps(run.output)].filter(([, lines]) =>
        lines.some((l) => l.startsWith('$ imprint build ')),
      );
      expect(builds.map(([heading]) => heading.slice(4, 8))).toEqual([
        '1/8 ',
        '2/8 ',
        '3/8 ',
        '6/8 ',
      ]);
      for (const [heading, lines] of builds) {
        const command = lines.findIndex((l) => l.startsWith('$ imprint build '));
        const embedded = lines.findIndex((l) =>
          l.startsWith('imprint: using the embedded registry ('),
        );
        const tracking = lines.findIndex((l) => / Tracking build on the registry /.test(l));
        const summary = lines.findIndex((l) => l.startsWith('Registry: bucket '));
        // The app's build reads its data blocks between the two.
        expect({ heading, order: [command, embedded, tracking, summary] }).toEqual({
          heading,
          order: [command, command + 1, expect.any(Number), expect.any(Number)],
        });
        expect(tracking).toBeGreaterThan(embedded);
        expect(summary).toBeGreaterThan(tracking);
      }
    }
  });

  it("uploads the app image's SBOM with its build and lists it with imprint sbom list", () => {
    for (const run of runs) {
      const step2 = [...steps(run.output)].find(([heading]) => heading.startsWith('==> 2/8 '));
      const lines = step2?.[1] ?? [];
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^\S+ \[docker-like\.app\] SBOM app-1-0 \(cyclonedx, [\d.]+ (B|KiB), [\d.]+ (B|KiB) zstd\) uploaded$/,
        ),
      );
      const list = lines.findIndex((l) => l.startsWith('$ imprint sbom list demo-app '));
      expect(lines[list]).toMatch(
        new RegExp(
          `^\\$ imprint sbom list demo-app \\S+ \\S+ --data-dir ${join(twiceDir, 'registry')}$`,
        ),
      );
      expect(lines.slice(list + 1, list + 3)).toEqual([
        expect.stringMatching(/^NAME +FORMAT +ID$/),
        expect.stringMatching(/^app-1-0 +CYCLONEDX +\S+$/),
      ]);
    }
  });

  it("imports the demo OSV data and lists the app image's known vulnerabilities", () => {
    const [first, second] = runs.map((run) => {
      const step2 = [...steps(run.output)].find(([heading]) => heading.startsWith('==> 2/8 '));
      return step2?.[1] ?? [];
    });
    const registryDir = join(twiceDir, 'registry');
    for (const lines of [first!, second!]) {
      const at = lines.findIndex((l) => l.startsWith('$ imprint registry vulns import '));
      expect(lines[at]).toMatch(new RegExp(`/demo/osv --data-dir ${registryDir}$`));
      const list = lines.findIndex((l) => l.startsWith('$ imprint vulns version demo-app '));
      expect(list).toBeGreaterThan(at);
      // Worst first; the zlib record's range ends at the installed version, so it is not listed.
      expect(lines.slice(list + 1, list + 4)).toEqual([
        expect.stringMatching(/^ID +CRITICALITY +SCORE +PACKAGES +FIXED +COMPONENTS$/),
        expect.stringMatching(
          /^DEMO-2026-0002 \(DEMO-CVE-2026-0002\) +Critical +9\.8 +libc6@2\.36-9\+deb12u4 +2\.36-9\+deb12u7 +docker-like\.app$/,
        ),
        expect.stringMatching(
          /^DEMO-2026-0001 +High +7\.5 +libssl3@3\.0\.11-1~deb12u2 +3\.0\.15-1~deb12u1 +docker-like\.app$/,
        ),
      ]);
    }
    expect(first).toContain(
      'Imported 3 OSV records from ' +
        join(REPO_ROOT, 'demo', 'osv') +
        ': 3 added, 0 updated, 0 unchanged, 0 withdrawn.',
    );
    // The second run's app is matched when its SBOM is uploaded; the records are unchanged.
    expect(second).toContain(
      'Imported 3 OSV records from ' +
        join(REPO_ROOT, 'demo', 'osv') +
        ': 0 added, 0 updated, 3 unchanged, 0 withdrawn.',
    );
    expect(second).toContain('Matches with stored packages: 0 added, 0 removed.');
  });

  it('12.16 re-assigns no channel the templates already assigned, and shows the demo-aws versions instead', () => {
    for (const run of runs) {
      expect(run.output).not.toContain('channels assign');
      const step4 = [...steps(run.output)].find(([heading]) => heading.startsWith('==> 4/8 '));
      expect(step4?.[1]).toContain(
        `$ imprint versions list demo-aws --data-dir ${join(twiceDir, 'registry')}`,
      );
    }
    expect(runs[0]!.output).toContain('nothing to revoke');
  });

  it('12.16 after the second run, every artifact the registry lists as active exists in the local cloud', async () => {
    const versions = registryJson(twiceDir, ['versions', 'list', 'demo-aws']) as ListedVersion[];
    const byName = new Map(versions.map((v) => [v.name, v]));
    // The second build's force_deregister removed v1's AMIs: the demo revoked v1 and said why.
    expect(byName.get('v1')?.status).toBe('VERSION_REVOKED');
    expect(byName.get('v2')?.status).toBe('VERSION_ACTIVE');
    expect(runs[1]!.output).toContain(`demo-aws v1 (${byName.get('v1')!.fingerprint}) lists ami-`);
    const cloud = new LocalCloud({ dir: join(twiceDir, 'aws-like-cloud') });
    const exists = async (a: { external_identifier: string; region: string }) =>
      (await cloud.describeImages({ region: a.region, imageIds: [a.external_identifier] })).length;
    const v1 = byName.get('v1')!.builds.flatMap((b) => b.artifacts);
    expect(v1).toHaveLength(2);
    for (const artifact of v1) expect(await exists(artifact)).toBe(0);

    const active = versions.filter((v) => v.status === 'VERSION_ACTIVE');
    const listed = active.flatMap((v) => v.builds.flatMap((b) => b.artifacts));
    expect(listed).toHaveLength(2);
    for (const artifact of listed) {
      expect({ ...artifact, found: await exists(artifact) }).toMatchObject({ found: 1 });
    }
  });
});
