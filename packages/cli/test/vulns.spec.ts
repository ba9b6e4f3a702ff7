import { join } from 'node:path';
import { EXIT } from '@imprint/cli';
import { closedPort, testEngines, useTestRegistry } from '@imprint/registry/testing';
import { tempDirs } from './helpers/bin';
import type { Result } from './helpers/os-images';
import { buildOsImages, imprint } from './helpers/os-images';

jest.setTimeout(90_000);

/*
 * `imprint vulns`: docker-like images FROM a Debian base (dpkg database), one
 * adding an Alpine apk database, their SBOMs uploaded by `imprint build`; then
 * the OSV records of ./fixtures/osv imported by the operator's own command
 * (`imprint registry vulns import`) into the database the registry serves, and
 * everything listed in-process against a real registry on 127.0.0.1 (each engine).
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const OSV = join(__dirname, 'fixtures', 'osv');

describe.each(testEngines())('imprint vulns (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, database: { prefix: 'imprint-cli-vulns' } },
  );
  const reg = () => ['--registry', registry.server.url];
  const vulns = (...rest: string[]) => imprint(['vulns', ...rest, ...reg()]);
  let baseFp: string;
  let fp: string;
  let beforeImport: { vulns: Result; packages: Result };
  let imported: Result;

  beforeAll(async () => {
    const { base, app } = await buildOsImages(dirs, registry.server.url, 'cli-vuln');
    baseFp = base.fingerprint;
    fp = app.fingerprint;

    beforeImport = {
      vulns: await vulns('cli-vuln-app'),
      packages: await imprint(['packages', 'cli-vuln-app', fp, ...reg()]),
    };
    // The operator's import, into the database the registry serves.
    const location = registry.location!;
    imported = await imprint([
      'registry',
      'vulns',
      'import',
      OSV,
      '--data-dir',
      location.dataDir,
      ...(location.databaseUrl ? ['--database', location.databaseUrl] : []),
    ]);
  });

  /** Rows of a table: cells split on runs of 2+ spaces, header and trailing '' dropped. */
  const rows = (stdout: string) =>
    stdout
      .split('\n')
      .slice(1, -1)
      .map((l) => l.split(/ {2,}/));

  it('before any OSV import: says so and where the data comes from; packages have no VULNS', () => {
    expect(beforeImport.vulns).toEqual({
      code: EXIT.OK,
      stderr: '',
      stdout:
        "No known vulnerabilities in the versions the channels of 'cli-vuln-app' point at (a version on no channel is not counted: imprint channels assign). The registry matches packages against the OSV data its operator imported: imprint registry vulns status\n",
    });
    expect(beforeImport.packages.stdout.split('\n')[0]).toMatch(/^NAME +VERSION +PURL +COMPONENT$/);
    expect(imported).toMatchObject({ code: EXIT.OK, stderr: '' });
    // Three of the four records affect a package of the images (one was fixed before).
    expect(imported.stdout).toMatch(/^Matches with stored packages: 3 added, 0 removed\.$/m);
  });

  it("lists a bucket's vulnerabilities worst first, with packages, fix and channels", async () => {
    const listed = await vulns('cli-vuln-app');
    expect(listed).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(listed.stdout.split('\n')[0]).toMatch(
      /^ID +CRITICALITY +SCORE +PACKAGES +FIXED +CHANNELS$/,
    );
    expect(rows(listed.stdout)).toEqual([
      ['ALPINE-CVE-2099-2001', 'Critical', '9.8', 'musl@1.2.4-r2', '-', 'latest, production'],
      [
        'DSA-9901-1 (CVE-2099-1001)',
        'High',
        '7.5',
        'base-files@12.4+deb12u5',
        '12.4+deb12u6',
        'latest, production',
      ],
      [
        'DEBIAN-CVE-2099-1002',
        'Medium',
        '5.5',
        'base-files@12.4+deb12u5',
        '-',
        'latest, production',
      ],
    ]);

    const json = JSON.parse((await vulns('cli-vuln-app', '--json')).stdout);
    expect(
      json.vulnerabilities.map(
        (v: { vulnerability: { identifier: string } }) => v.vulnerability.identifier,
      ),
    ).toEqual(['ALPINE-CVE-2099-2001', 'DSA-9901-1', 'DEBIAN-CVE-2099-1002']);
    expect(json.vulnerabilities[1]).toEqual({
      vulnerability: expect.objectContaining({
        identifier: 'DSA-9901-1',
        criticality: 'High',
        severity: 'HIGH',
        score: 7.5,
        description: 'base-files - security update',
        fixed_version: '12.4+deb12u6',
        refers_to: 'CVE-2099-1001',
      }),
      impacted_packages: [
        {
          name: 'base-files',
          version: '12.4+deb12u5',
          purl: 'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64',
        },
      ],
      impacted_builds: [
        { id: expect.any(String), name: 'docker-like.app' },
        { id: expect.any(String), name: 'docker-like.tools' },
      ],
      impacted_channels: [
        { id: expect.any(String), name: 'latest' },
        { id: expect.any(String), name: 'production' },
      ],
    });

    // The base's bucket: its own `latest` only, and no musl (the apk database is the tools image's).
    const os = await vulns('cli-vuln-os');
    expect(rows(os.stdout).map((r) => [r[0], r[5]])).toEqual([
      ['DSA-9901-1 (CVE-2099-1001)', 'latest'],
      ['DEBIAN-CVE-2099-1002', 'latest'],
    ]);
  });

  it('filters by --criticality (case-insensitive, repeatable), --id (or an alias) and --id-prefix', async () => {
    const ids = async (...flags: string[]) => {
      const r = await vulns('cli-vuln-app', ...flags);
      expect(r).toMatchObject({ code: EXIT.OK, stderr: '' });
      return rows(r.stdout).map((cells) => cells[0]);
    };
    expect(await ids('--criticality', 'high', '--criticality', 'CRITICAL')).toEqual([
      'ALPINE-CVE-2099-2001',
      'DSA-9901-1 (CVE-2099-1001)',
    ]);
    expect(await ids('--id', 'cve-2099-1001')).toEqual(['DSA-9901-1 (CVE-2099-1001)']);
    expect(await ids('--id-prefix', 'debian-')).toEqual(['DEBIAN-CVE-2099-1002']);

    const none = await vulns('cli-vuln-app', '--criticality', 'low', '--id-prefix', 'GHSA-');
    expect(none).toEqual({
      code: EXIT.OK,
      stderr: '',
      stdout:
        "No vulnerabilities matching --criticality low --id-prefix GHSA- in the versions the channels of 'cli-vuln-app' point at.\n",
    });
  });

  it("lists one version's vulnerabilities, with the components they touch", async () => {
    const app = await vulns('version', 'cli-vuln-app', fp);
    expect(app).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(app.stdout.split('\n')[0]).toMatch(/ FIXED +COMPONENTS$/);
    expect(rows(app.stdout).map((r) => [r[0], r[5]])).toEqual([
      ['ALPINE-CVE-2099-2001', 'docker-like.tools'],
      ['DSA-9901-1 (CVE-2099-1001)', 'docker-like.app, docker-like.tools'],
      ['DEBIAN-CVE-2099-1002', 'docker-like.app, docker-like.tools'],
    ]);
    const json = JSON.parse(
      (await vulns('version', 'cli-vuln-os', baseFp, '--criticality', 'medium', '--json')).stdout,
    );
    expect(json.vulnerabilities).toEqual([
      expect.objectContaining({
        vulnerability: expect.objectContaining({ identifier: 'DEBIAN-CVE-2099-1002' }),
        impacted_builds: [{ id: expect.any(String), name: 'docker-like.os' }],
      }),
    ]);
  });

  it('lists the vulnerable packages per build and channel, by --name', async () => {
    const listed = await vulns('packages', 'cli-vuln-app');
    expect(listed).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(listed.stdout.split('\n')[0]).toMatch(
      /^PACKAGE +VERSION +BUILD +CHANNEL +VULNERABILITIES$/,
    );
    const baseFiles = (build: string, channel: string) => [
      'base-files',
      '12.4+deb12u5',
      build,
      channel,
      '2, worst High',
    ];
    const musl = (channel: string) => [
      'musl',
      '1.2.4-r2',
      'docker-like.tools',
      channel,
      '1, worst Critical',
    ];
    expect(rows(listed.stdout)).toEqual([
      baseFiles('docker-like.app', 'latest'),
      baseFiles('docker-like.app', 'production'),
      baseFiles('docker-like.tools', 'latest'),
      baseFiles('docker-like.tools', 'production'),
      musl('latest'),
      musl('production'),
    ]);

    const json = JSON.parse(
      (await vulns('packages', 'cli-vuln-app', '--name', 'MUSL', '--json')).stdout,
    );
    expect(json.packages.map((p: { channel_name: string }) => p.channel_name)).toEqual([
      'latest',
      'production',
    ]);
    expect(json.packages[0]).toMatchObject({
      name: 'musl',
      build_name: 'docker-like.tools',
      vuln_details: [
        {
          last_scanned_at: expect.any(String),
          vulnerabilities: [expect.objectContaining({ identifier: 'ALPINE-CVE-2099-2001' })],
        },
      ],
    });

    const high = await vulns('packages', 'cli-vuln-app', '--criticality', 'High');
    expect(rows(high.stdout).map((r) => r[4])).toEqual(Array(4).fill('1, worst High'));
    const none = await vulns('packages', 'cli-vuln-app', '--name', 'libc6');
    expect(none.stdout).toBe(
      "No vulnerable packages matching --name libc6 in the versions the channels of 'cli-vuln-app' point at.\n",
    );
  });

  it('counts by criticality: in total, per channel and per package', async () => {
    const summary = await vulns('summary', 'cli-vuln-app');
    expect(summary).toMatchObject({ code: EXIT.OK, stderr: '' });
    const at = '\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z';
    expect(summary.stdout.split('\n')).toEqual([
      "Known vulnerabilities in the versions the channels of 'cli-vuln-app' point at:",
      expect.stringMatching(/^CRITICALITY +COUNT +FIRST-SEEN +AVERAGE-AGE-DAYS$/),
      expect.stringMatching(new RegExp(`^Critical +1 +${at} +0\\.0$`)),
      expect.stringMatching(new RegExp(`^High +1 +${at} +0\\.0$`)),
      expect.stringMatching(new RegExp(`^Medium +1 +${at} +0\\.0$`)),
      '',
      'Per channel:',
      'CHANNEL     CRITICAL  HIGH  MEDIUM  LOW  UNKNOWN',
      'latest      1         1     1       -    -',
      'production  1         1     1       -    -',
      '',
      'Per package:',
      'PACKAGE     VERSION       CRITICAL  HIGH  MEDIUM  LOW  UNKNOWN',
      'musl        1.2.4-r2      1         -     -       -    -',
      'base-files  12.4+deb12u5  -         1     1       -    -',
      '',
    ]);
    const json = JSON.parse((await vulns('summary', 'cli-vuln-app', '--json')).stdout);
    expect(json.total_by_criticality.map((t: { criticality: string }) => t.criticality)).toEqual([
      'Critical',
      'High',
      'Medium',
    ]);
    expect(json.channels_by_criticality).toHaveLength(6);
    expect(json.packages_by_criticality).toContainEqual(
      expect.objectContaining({
        package_name: 'musl',
        criticality: 'Critical',
        vulnerability_count: '1',
      }),
    );

    expect((await imprint(['buckets', 'create', 'cli-vuln-empty', ...reg()])).code).toBe(EXIT.OK);
    expect((await vulns('summary', 'cli-vuln-empty')).stdout).toMatch(
      /^No known vulnerabilities in the versions the channels of 'cli-vuln-empty' point at \(/,
    );
  });

  it('shows a VULNS column in imprint packages once OSV data is imported', async () => {
    const listed = await imprint(['packages', 'cli-vuln-app', fp, ...reg()]);
    expect(listed).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(listed.stdout.split('\n')[0]).toMatch(/^NAME +VERSION +PURL +VULNS +COMPONENT$/);
    const vulnsOf = (stdout: string) => new Map(rows(stdout).map((r) => [r[0], r[3]]));
    expect(vulnsOf(listed.stdout)).toEqual(
      new Map([
        ['base-files', '2, worst High'],
        ['ca-certificates-bundle', '0'],
        ['libc6', '0'],
        ['musl', '1, worst Critical'],
      ]),
    );
    const bucket = await imprint(['packages', 'bucket', 'cli-vuln-app', ...reg()]);
    expect(bucket.stdout.split('\n')[0]).toMatch(/^NAME +VERSION +PURL +VULNS$/);
    expect(vulnsOf(bucket.stdout).get('musl')).toBe('1, worst Critical');
  });

  it('says what is wrong with bad arguments, before any request where it can', async () => {
    // A closed port: a request would fail with exit 3, so exit 2 proves none was made.
    const closed = ['--registry', `http://127.0.0.1:${await closedPort()}`];
    const bad = await imprint(['vulns', 'cli-vuln-app', '--criticality', 'severe', ...closed]);
    expect(bad).toEqual({
      code: EXIT.USAGE,
      stdout: '',
      stderr:
        "imprint: --criticality 'severe' is not a criticality; use one of Critical, High, Medium, Low, Unknown (repeat the flag for several)\n",
    });
    const inPackages = await imprint([
      'vulns',
      'packages',
      'cli-vuln-app',
      '--criticality',
      'High',
      '--criticality',
      'none',
      ...closed,
    ]);
    expect(inPackages.code).toBe(EXIT.USAGE);
    expect(inPackages.stderr).toMatch(/^imprint: --criticality 'none' is not a criticality/);
    const long = await imprint(['vulns', 'cli-vuln-app', '--id', 'x'.repeat(1025), ...closed]);
    expect(long).toMatchObject({
      code: EXIT.USAGE,
      stderr: 'imprint: --id is 1025 characters long; the registry takes at most 1024\n',
    });

    const noBucket = await vulns('no-such-bucket');
    expect(noBucket.code).toBe(EXIT.FAILED);
    expect(noBucket.stderr).toMatch(/^imprint: bucket 'no-such-bucket' not found/);
    const noVersion = await vulns('version', 'cli-vuln-app', '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(noVersion.code).toBe(EXIT.FAILED);
    expect(noVersion.stderr).toMatch(
      /^imprint: version 01ARZ3NDEKTSV4RRFFQ69G5FAV not found in bucket 'cli-vuln-app'; list its versions with: imprint versions list cli-vuln-app/,
    );
    const missing = await vulns('version', 'cli-vuln-app');
    expect(missing.code).toBe(EXIT.USAGE);
    expect(missing.stderr).toMatch(/missing required argument 'fingerprint'/);

    // The subcommand words win over buckets of those names, as with imprint packages.
    const shadowed = await vulns('summary');
    expect(shadowed.code).toBe(EXIT.USAGE);
    expect(shadowed.stderr).toMatch(/missing required argument 'bucket'/);
  });
});
