import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  createTestDatabase,
  testEngines,
  useTestRegistry,
  type TestDatabase,
  type TestDatabaseLocation,
} from '@imprint/registry/testing';
import { runInProcess } from '../bin/cli-run';
import { fingerprint } from '../helpers/fixtures';
import { ROLE_PRINCIPALS, ok, roleTokens } from '../helpers/http';
import { cycloneDxOf } from '../helpers/package-sboms';
import { newBuilds, uploadBody, zstd, zstdReady } from '../helpers/sboms';
import { OSV_FIXTURES, generatedRecords } from '../helpers/vulnerability-scenario';

jest.setTimeout(120_000);

const storageArgs = ({ dataDir, databaseUrl }: TestDatabaseLocation) => [
  '--data-dir',
  dataDir,
  ...(databaseUrl ? ['--database', databaseUrl] : []),
];
const fixture = (relative: string) => path.join(OSV_FIXTURES, relative);

/** `imprint-registry vulns import | status` through the public CLI entry, on both engines. */
describe.each(testEngines())('imprint-registry vulns (%s)', (engine) => {
  let database: TestDatabase;
  const vulns = (...args: string[]) =>
    runInProcess(['vulns', ...args, ...storageArgs(database.location)]);
  const status = async () => JSON.parse((await vulns('status', '--json')).stdout);
  /** `vulns import <fixture> --json`: the exit code and the printed summary. */
  const importJson = async (relative: string) => {
    const run = await vulns('import', fixture(relative), '--json');
    return { code: run.code, summary: JSON.parse(run.stdout) };
  };

  beforeAll(async () => {
    database = await createTestDatabase(engine, { prefix: 'imprint-vulns-cli' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('status before any import says how to import', async () => {
    const run = await vulns('status');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No vulnerability data.');
    expect(run.stdout).toContain('imprint-registry vulns import PATH');
    expect(await status()).toEqual({
      vulnerabilities: 0,
      withdrawn: 0,
      ecosystems: [],
      vulnerablePackages: 0,
      matches: 0,
      imports: [],
    });
  });

  it('a missing path: a clear message, exit 1, nothing written', async () => {
    const missing = fixture('no-such-dir');
    const run = await vulns('import', missing);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `imprint-registry: ${missing}: no such file or directory; give an OSV .json file, a .zip of them or a directory\n`,
    );
    expect((await status()).imports).toEqual([]);
  });

  it('imports a single file holding an array of records', async () => {
    const source = fixture('cli/array.json');
    const run = await vulns('import', source);
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout:
        `Imported 2 OSV records from ${source}: 2 added, 0 updated, 0 unchanged, 0 withdrawn.\n` +
        'Matches with stored packages: 0 added, 0 removed.\n',
    });
  });

  it('regression: imports every record of a .zip (yauzl closed the file after listing it)', async () => {
    expect(await importJson('cli/npm-all.zip')).toMatchObject({
      code: 0,
      summary: { records: 4, added: 4, invalid: 0, problems: [] },
    });
  });

  it('imports a directory recursively; what is already stored is unchanged', async () => {
    expect(await importJson('base')).toMatchObject({
      code: 0,
      summary: { records: 9, added: 3, unchanged: 6, invalid: 0 },
    });
  });

  it('invalid records and files that are not JSON are listed with file and path; the rest is imported; exit 1', async () => {
    const dir = fixture('cli/mixed');
    const run = await vulns('import', dir);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      `Imported 1 OSV record from ${dir}: 0 added, 0 updated, 1 unchanged, 0 withdrawn.`,
    );
    expect(lines).toContain('3 records not imported (fix them and import again):');
    const invalid = lines.find((l) => l.startsWith(`  ${path.join(dir, 'b-invalid.json')}: `));
    expect(invalid).toMatch(/modified/);
    expect(invalid).toMatch(/affected\[0\]\.ranges\[0\]\.events\[0\]\.introduced/);
    const notJson = lines.find((l) => l.startsWith(`  ${path.join(dir, 'c-not-json.json')}: `));
    expect(notJson).toMatch(/not JSON/);
    const notZip = lines.find((l) => l.startsWith(`  ${path.join(dir, 'd-broken.zip')}: `));
    expect(notZip).toMatch(/not a readable zip/);

    // Named alone, a file that is not JSON and a .zip that is not one: listed the same way, exit 1.
    for (const [name, problem] of [
      ['c-not-json.json', /^not JSON/],
      ['d-broken.zip', /^not a readable zip/],
    ] as const) {
      expect(await importJson(`cli/mixed/${name}`)).toEqual({
        code: 1,
        summary: expect.objectContaining({
          records: 0,
          invalid: 1,
          problems: [{ source: path.join(dir, name), problems: [expect.stringMatching(problem)] }],
        }),
      });
    }
  });

  it('status lists the data per ecosystem and the last imports, as text and JSON', async () => {
    const json = await status();
    expect(json).toMatchObject({ vulnerabilities: 9, withdrawn: 0, matches: 0 });
    expect(json.ecosystems).toEqual([
      { ecosystem: 'Alpine', entries: 1, ranges: false },
      { ecosystem: 'Debian', entries: 2, ranges: true },
      { ecosystem: 'Go', entries: 1, ranges: true },
      { ecosystem: 'PyPI', entries: 1, ranges: true },
      { ecosystem: 'npm', entries: 4, ranges: true },
    ]);
    // The failed path wrote nothing; the last five of six imports, newest first.
    expect(json.imports.map((i: any) => path.basename(i.source))).toEqual([
      'd-broken.zip',
      'c-not-json.json',
      'mixed',
      'base',
      'npm-all.zip',
    ]);
    expect(json.imports[2].summary).toMatchObject({ invalid: 3, problemsKept: 3 });
    const text = (await vulns('status')).stdout;
    expect(text).toContain('Vulnerabilities: 9 (0 withdrawn)');
    // Regression: the plural of match was printed as "matchs".
    expect(text).toContain('Vulnerable packages: 0 (0 matches)');
    expect(text).toMatch(/Alpine +1 {2}explicit versions only/);
    expect(text).toMatch(/npm +4 {2}ranges and versions matched/);
    expect(text).toContain(`${fixture('base')}  9 records (3 added, 0 updated, 0 invalid)`);
  });
});

/** Thousands of records in one array file, against a bucket with a few hundred packages. */
describe.each(testEngines())('imprint-registry vulns import at scale (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS },
  );
  let dir: string;

  beforeAll(async () => {
    await zstdReady();
    dir = await mkdtemp(path.join(tmpdir(), 'imprint-osv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('2,000 records import in bounded time and match the 150 affected packages', async () => {
    const tokens = await roleTokens(registry);
    const fp = fingerprint('scale');
    const [build] = await newBuilds(registry, tokens, 'vuln-scale', fp, 1);
    // gen-0 … gen-299: the even ones below the fixed version (affected), the odd ones at it.
    const components = Array.from({ length: 300 }, (_, i) => ({
      type: 'library',
      name: `gen-${i}`,
      version: i % 2 === 0 ? '0.9.0' : '1.0.0',
      purl: `pkg:npm/gen-${i}@${i % 2 === 0 ? '0.9.0' : '1.0.0'}`,
    }));
    ok(
      await registry.request(
        'PUT',
        `${registry.base}/buckets/vuln-scale/versions/${fp}/builds/${build}/sboms`,
        {
          token: tokens.contributor,
          body: uploadBody(zstd(cycloneDxOf(components)), 'CYCLONEDX', 'generated'),
        },
      ),
    );
    const file = path.join(dir, 'generated.json');
    await writeFile(file, JSON.stringify(generatedRecords(2000)));
    const args = storageArgs(registry.location!);
    const started = Date.now();
    const run = await runInProcess(['vulns', 'import', file, '--json', ...args]);
    const elapsed = Date.now() - started;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      records: 2000,
      added: 2000,
      invalid: 0,
      matchesAdded: 150,
    });
    // Generous: a few seconds on a laptop; the bound catches per-record full scans.
    expect(elapsed).toBeLessThan(60_000);
    const again = await runInProcess(['vulns', 'import', file, '--json', ...args]);
    expect(JSON.parse(again.stdout)).toMatchObject({ unchanged: 2000, matchesAdded: 0 });
    const versions = ok(
      await registry.request(
        'GET',
        `${registry.base}/buckets/vuln-scale/versions/${fp}/vulnerabilities?pagination.page_size=100`,
        { token: tokens.viewer },
      ),
    );
    expect(versions.vulnerabilities).toHaveLength(100);
    expect(versions.pagination.next_page_token).toEqual(expect.any(String));
    process.stdout.write(`[${engine}] 2,000 OSV records imported in ${elapsed} ms\n`);
  });
});
