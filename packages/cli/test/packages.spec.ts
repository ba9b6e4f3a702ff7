import { join } from 'node:path';
import { EXIT } from '@imprint/cli';
import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { tempDirs } from './helpers/bin';
import { build as buildWith, buildOsImages, imprint, source, template } from './helpers/os-images';

jest.setTimeout(90_000);

/*
 * `imprint packages`: docker-like images built FROM a base with OS packages
 * (dpkg and apk databases), their SBOMs uploaded by `imprint build`, then
 * listed and searched in-process against a real registry on 127.0.0.1 (each engine).
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const BASE_FILES = 'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64';
const LIBC6 = 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc';
const MUSL = 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64';
const CA_BUNDLE =
  'pkg:apk/alpine/ca-certificates-bundle@20240226-r0?arch=x86_64&upstream=ca-certificates';

describe.each(testEngines())('imprint packages (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, database: { prefix: 'imprint-cli-packages' } },
  );
  const reg = () => ['--registry', registry.server.url];
  let baseFp: string;
  let fp: string;
  let appBuild: string;
  let toolsBuild: string;

  const build = (tpl: object) => buildWith(dirs, registry.server.url, tpl);

  beforeAll(async () => {
    // The base in its own bucket (no channel of its own); two images FROM it on `production`.
    const { base, app } = await buildOsImages(dirs, registry.server.url, 'cli-pkg');
    baseFp = base.fingerprint;
    fp = app.fingerprint;
    appBuild = app.buildIds['docker-like.app'];
    toolsBuild = app.buildIds['docker-like.tools'];
  });

  const packages = (...rest: string[]) => imprint(['packages', ...rest, ...reg()]);

  it("lists every build's packages of a version, merged, with their components", async () => {
    const listed = await packages('cli-pkg-app', fp);
    expect(listed).toMatchObject({ code: EXIT.OK, stderr: '' });
    const lines = listed.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME +VERSION +PURL +COMPONENT$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/))).toEqual([
      ['base-files', '12.4+deb12u5', BASE_FILES, 'docker-like.app, docker-like.tools'],
      ['ca-certificates-bundle', '20240226-r0', CA_BUNDLE, 'docker-like.tools'],
      ['libc6', '2.36-9+deb12u4', LIBC6, 'docker-like.app, docker-like.tools'],
      ['musl', '1.2.4-r2', MUSL, 'docker-like.tools'],
      [''],
    ]);

    const json = JSON.parse((await packages('cli-pkg-app', fp, '--json')).stdout);
    expect(json.packages.map((p: { purl: string }) => p.purl)).toEqual([
      BASE_FILES,
      CA_BUNDLE,
      LIBC6,
      MUSL,
    ]);
    expect(json.packages[0]).toEqual({
      name: 'base-files',
      version: '12.4+deb12u5',
      purl: BASE_FILES,
      builds: [
        {
          id: appBuild,
          component_type: 'docker-like.app',
          sboms: [{ id: expect.any(String), name: expect.any(String), format: 'CYCLONEDX' }],
        },
        {
          id: toolsBuild,
          component_type: 'docker-like.tools',
          sboms: [{ id: expect.any(String), name: expect.any(String), format: 'CYCLONEDX' }],
        },
      ],
      // No OSV data imported in this registry: never matched (see vulns.spec.ts for after).
      vuln_details: [],
    });
  });

  it('filters by --name-prefix, narrows to one --build, and sorts by --sort version', async () => {
    const prefixed = await packages('cli-pkg-app', fp, '--name-prefix', 'LIB');
    expect(prefixed.code).toBe(EXIT.OK);
    expect(prefixed.stdout.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^libc6 +2\.36-9\+deb12u4 /),
      '',
    ]);

    const one = JSON.parse(
      (await packages('cli-pkg-app', fp, '--build', appBuild, '--json')).stdout,
    );
    expect(one.packages.map((p: { purl: string }) => p.purl)).toEqual([BASE_FILES, LIBC6]);
    expect(one.packages[1].builds).toEqual([
      expect.objectContaining({ id: appBuild, component_type: 'docker-like.app' }),
    ]);

    const byVersion = await packages('cli-pkg-app', fp, '--sort', 'version');
    expect(byVersion.stdout.split('\n').map((l) => l.split(' ')[0])).toEqual([
      'NAME',
      // As text, the way the registry orders versions: 1.2.4, 12.4, 2.36, 20240226.
      'musl',
      'base-files',
      'libc6',
      'ca-certificates-bundle',
      '',
    ]);
  });

  it('says where to look when there are no packages', async () => {
    const none = await packages('cli-pkg-app', fp, '--name-prefix', 'openssl');
    expect(none).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(none.stdout).toBe(
      `No packages whose name starts with 'openssl' in version ${fp} of 'cli-pkg-app'.\n`,
    );
    expect(
      JSON.parse((await packages('cli-pkg-app', fp, '--name-prefix', 'x', '--json')).stdout),
    ).toEqual({ packages: [] });

    // An image of plain files only: its SBOM names no package.
    const work = await dirs.make();
    const plain = await build(
      template('cli-pkg-none', {
        plain: source('scratch', join(work, 'plain'), [{ content: 'x\n', destination: '/etc/x' }]),
      }),
    );
    const id = plain.buildIds['docker-like.plain'];
    const noSbomPackages = await packages('cli-pkg-none', plain.fingerprint);
    expect(noSbomPackages).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(noSbomPackages.stdout).toBe(
      `No packages in version ${plain.fingerprint} of 'cli-pkg-none': did the build upload an SBOM? See: imprint sbom list cli-pkg-none ${plain.fingerprint} ${id}\n`,
    );
  });

  it('searches every bucket: by name, --version and --purl', async () => {
    const found = await packages('search', 'LIBC6');
    expect(found).toMatchObject({ code: EXIT.OK, stderr: '' });
    const lines = found.stdout.split('\n');
    expect(lines[0]).toMatch(/^PACKAGE +VERSION +BUCKET +VERSION-NAME +FINGERPRINT +COMPONENT$/);
    // Newest upload first: the two images FROM the base (built side by side), then the base.
    const rows = lines.slice(1, -1).map((l) => l.split(/ +/));
    const row = (bucket: string, version: string, component: string) => [
      'libc6',
      '2.36-9+deb12u4',
      bucket,
      'v1',
      version,
      component,
    ];
    expect(rows.slice(0, 2).sort((a, b) => a[5].localeCompare(b[5]))).toEqual([
      row('cli-pkg-app', fp, 'docker-like.app'),
      row('cli-pkg-app', fp, 'docker-like.tools'),
    ]);
    expect(rows.slice(2)).toEqual([row('cli-pkg-os', baseFp, 'docker-like.os')]);
    expect(lines.at(-1)).toBe('');

    const hits = JSON.parse((await packages('search', 'musl', '--json')).stdout).packages;
    expect(hits).toEqual([
      expect.objectContaining({
        bucket_name: 'cli-pkg-app',
        version_fingerprint: fp,
        build_id: toolsBuild,
        component_type: 'docker-like.tools',
        name: 'musl',
        version: '1.2.4-r2',
        purl: MUSL,
      }),
    ]);

    const exact = await packages('search', 'libc6', '--version', '2.36-9+deb12u4');
    expect(exact.stdout.split('\n')).toHaveLength(5);
    const other = await packages('search', 'libc6', '--version', '2.35');
    expect(other).toMatchObject({
      code: EXIT.OK,
      stdout: "No packages: no uploaded SBOM names package 'libc6' version 2.35.\n",
    });

    const byPurl = JSON.parse((await packages('search', '--purl', CA_BUNDLE, '--json')).stdout);
    expect(byPurl.packages.map((h: { build_id: string }) => h.build_id)).toEqual([toolsBuild]);
  });

  it("lists a bucket's packages: the versions its channels point at", async () => {
    const app = await packages('bucket', 'cli-pkg-app');
    expect(app).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(app.stdout.split('\n')).toEqual([
      expect.stringMatching(/^NAME +VERSION +PURL$/),
      expect.stringMatching(/^base-files +12\.4\+deb12u5 +\S+$/),
      expect.stringMatching(/^ca-certificates-bundle /),
      expect.stringMatching(/^libc6 /),
      expect.stringMatching(/^musl /),
      '',
    ]);
    const json = JSON.parse(
      (await packages('bucket', 'cli-pkg-app', '--name-prefix', 'm', '--json')).stdout,
    );
    expect(json.packages).toEqual([
      expect.objectContaining({ name: 'musl', version: '1.2.4-r2', purl: MUSL }),
    ]);

    expect((await imprint(['buckets', 'create', 'cli-pkg-empty', ...reg()])).code).toBe(EXIT.OK);
    const empty = await packages('bucket', 'cli-pkg-empty');
    expect(empty).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(empty.stdout).toMatch(
      /^No packages in the versions the channels of 'cli-pkg-empty' point at: assign a channel .*imprint sbom list/,
    );
  });

  it('says what is wrong with bad arguments, naming the flag', async () => {
    const sort = await packages('cli-pkg-app', fp, '--sort', 'size');
    expect(sort.code).toBe(EXIT.USAGE);
    expect(sort.stderr).toMatch(/option '--sort <key>' argument 'size' is invalid.*name, version/);

    const long = await packages('cli-pkg-app', fp, '--name-prefix', 'x'.repeat(1025));
    expect(long.code).toBe(EXIT.USAGE);
    expect(long.stderr).toBe(
      'imprint: --name-prefix is 1025 characters long; the registry takes at most 1024\n',
    );

    const nothing = await packages('search');
    expect(nothing.code).toBe(EXIT.USAGE);
    expect(nothing.stderr).toMatch(/^imprint: give a package NAME or --purl PURL/);

    const versionOnly = await packages('search', '--purl', MUSL, '--version', '1');
    expect(versionOnly.code).toBe(EXIT.USAGE);
    expect(versionOnly.stderr).toMatch(/^imprint: --version narrows a search by NAME/);

    const missing = await packages('cli-pkg-app');
    expect(missing.code).toBe(EXIT.USAGE);
    expect(missing.stderr).toMatch(/missing required argument 'fingerprint'/);

    const noBuild = await packages('cli-pkg-app', fp, '--build', '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(noBuild.code).toBe(EXIT.FAILED);
    expect(noBuild.stderr).toMatch(
      /^imprint: build 01ARZ3NDEKTSV4RRFFQ69G5FAV not found .*imprint builds list cli-pkg-app/,
    );

    const noBucket = await packages('bucket', 'no-such-bucket');
    expect(noBucket.code).toBe(EXIT.FAILED);
    expect(noBucket.stderr).toMatch(/^imprint: bucket 'no-such-bucket' not found/);
  });
});
