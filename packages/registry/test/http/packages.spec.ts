import { rawQuery, testEngines, useTestRegistry } from '@imprint/registry/testing';
import { fingerprint } from '../helpers/fixtures';
import { ROLE_PRINCIPALS, expectStatus, ok, roleTokens, type PrincipalRole } from '../helpers/http';
import { cycloneDxOf, deb, osImageCycloneDx, spdxOf, spdxPackage } from '../helpers/package-sboms';
import { newBuilds as createBuilds, uploadBody, zstd, zstdReady } from '../helpers/sboms';

/** ListBuildPackages, ListBucketPackages and the package search, over HTTP on both engines. */
describe.each(testEngines())('packages (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS },
  );
  let tokens: Record<PrincipalRole, string>;
  const alpha = 'pkg-alpha';
  const beta = 'pkg-beta';
  const fpA = fingerprint('pkga');
  const fpB = fingerprint('pkgb');
  let a1: string;
  let a2: string;
  let b1: string;
  let sbomIds: Record<string, { id: string; name: string; format: string }>;

  const buildPath = (b: string, f: string, build: string) =>
    `${registry.base}/buckets/${b}/versions/${f}/builds/${build}`;
  const get = (path: string, query: Record<string, string> = {}, token = tokens.viewer) =>
    registry.request('GET', `${path}?${new URLSearchParams(query).toString()}`, { token });
  const buildPackages = (query: Record<string, string> = {}, build = a1) =>
    get(`${buildPath(alpha, fpA, build)}/packages`, query);
  const search = (query: Record<string, string>) => get(`${registry.base}/packages/search`, query);

  const newBuilds = (b: string, f: string, count: number) =>
    createBuilds(registry, tokens, b, f, count);

  async function upload(b: string, f: string, build: string, document: Buffer, name: string) {
    const format = document.toString().includes('spdxVersion') ? 'SPDX' : 'CYCLONEDX';
    const answer = ok(
      await registry.request('PUT', `${buildPath(b, f, build)}/sboms`, {
        token: tokens.contributor,
        body: uploadBody(zstd(document), format, name),
      }),
    );
    return answer.sbom;
  }

  async function finish(b: string, f: string, build: string) {
    const path = buildPath(b, f, build);
    const token = tokens.contributor;
    ok(await registry.request('PATCH', path, { token, body: { status: 'BUILD_RUNNING' } }));
    ok(
      await registry.request('PATCH', path, {
        token,
        body: {
          status: 'BUILD_DONE',
          platform: 'aws',
          artifacts: [{ external_identifier: `ami-${build}`, region: 'us-east-1' }],
        },
      }),
    );
  }

  beforeAll(async () => {
    await zstdReady();
    tokens = await roleTokens(registry);
    [a1, a2] = await newBuilds(alpha, fpA, 2);
    [b1] = await newBuilds(beta, fpB, 1);
    sbomIds = {
      os: await upload(alpha, fpA, a1, osImageCycloneDx(), 'os-cdx'),
      spdx: await upload(
        alpha,
        fpA,
        a1,
        spdxOf([
          spdxPackage('openssl', '3.0.2', deb('openssl', '3.0.2'), 'Apache-2.0'),
          spdxPackage('curl', '7.81.0', deb('curl', '7.81.0'), 'MIT'),
          { SPDXID: 'SPDXRef-nameless', versionInfo: '1' },
          17,
        ]),
        'os-spdx',
      ),
      app: await upload(
        alpha,
        fpA,
        a2,
        cycloneDxOf([{ type: 'application', name: 'webapp', version: '2.0.0' }]),
        'app-cdx',
      ),
      // No components at all: no packages, no error.
      empty: await upload(
        alpha,
        fpA,
        a2,
        Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5' })),
        'no-components',
      ),
      beta: await upload(
        beta,
        fpB,
        b1,
        cycloneDxOf([
          { type: 'library', name: 'OpenSSL', version: '3.0.2', purl: deb('openssl', '3.0.2') },
          { type: 'library', name: 'openssl', version: '1.1.1', purl: deb('openssl', '1.1.1') },
        ]),
        'beta-cdx',
      ),
    };
  });

  it('ListBuildPackages lists exactly the packages of the build’s SBOMs, by name then version', async () => {
    const { os, spdx } = sbomIds;
    const answer = ok(await buildPackages());
    expect(answer).toEqual({
      packages: [
        // Its purl does not parse: kept without it.
        { name: 'badpurl', version: '1', purl: '', sboms: [os], vuln_details: [] },
        {
          name: 'curl',
          version: '7.81.0',
          purl: deb('curl', '7.81.0'),
          sboms: [spdx],
          vuln_details: [],
        },
        {
          name: 'libc6',
          version: '2.35',
          purl: deb('libc6', '2.35'),
          sboms: [os],
          vuln_details: [],
        },
        // Below a component whose name is not a string: skipped, its child kept.
        { name: 'nested', version: '1', purl: '', sboms: [os], vuln_details: [] },
        // Named by both SBOMs: one package, both SBOMs, oldest first.
        {
          name: 'openssl',
          version: '3.0.2',
          purl: deb('openssl', '3.0.2'),
          sboms: [os, spdx],
          vuln_details: [],
        },
        { name: 'ubuntu', version: '22.04', purl: '', sboms: [os], vuln_details: [] },
        {
          name: 'zlib',
          version: '1.2.11',
          purl: deb('zlib', '1.2.11'),
          sboms: [os],
          vuln_details: [],
        },
      ],
      pagination: {},
    });
    // a2's second SBOM has no components: only the first one's package.
    expect(ok(await buildPackages({}, a2)).packages).toEqual([
      { name: 'webapp', version: '2.0.0', purl: '', sboms: [sbomIds.app], vuln_details: [] },
    ]);
  });

  it('ListBuildPackages filters by package_name, package_name_starts_with and package_version', async () => {
    const names = async (query: Record<string, string>) =>
      ok(await buildPackages(query)).packages.map((p: any) => `${p.name}@${p.version}`);
    expect(await names({ package_name: 'OpenSSL' })).toEqual(['openssl@3.0.2']);
    expect(await names({ package_name_starts_with: 'LI' })).toEqual(['libc6@2.35']);
    expect(await names({ package_version: '1.2.11' })).toEqual(['zlib@1.2.11']);
    expect(await names({ package_name: 'openssl', package_version: '1.1.1' })).toEqual([]);
    // LIKE wildcards are literal.
    expect(await names({ package_name_starts_with: '%' })).toEqual([]);
    expect(await names({ package_name_starts_with: '_' })).toEqual([]);
  });

  it('pages through a build’s packages with next_page_token', async () => {
    const all = ok(await buildPackages()).packages;
    const seen: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = { 'pagination.page_size': '4' };
      if (token) query['pagination.next_page_token'] = token;
      const page = ok(await buildPackages(query));
      seen.push(...page.packages);
      token = page.pagination.next_page_token;
      pages += 1;
    } while (token);
    expect(pages).toBe(2);
    expect(seen).toEqual(all);
    const descending = ok(await buildPackages({ 'sorting.order_by': 'name desc' })).packages;
    expect(descending.map((p: any) => p.name)).toEqual(all.map((p: any) => p.name).reverse());
  });

  it('ListBucketPackages lists the packages of the versions on the bucket’s channels', async () => {
    const bucketPackages = (b = alpha, token = tokens.viewer) =>
      get(`${registry.base}/buckets/${b}/packages`, {}, token);
    // Nothing is on a channel while the version is incomplete.
    expect(ok(await bucketPackages())).toEqual({ packages: [], pagination: {} });
    await finish(alpha, fpA, a1);
    await finish(alpha, fpA, a2);
    const names = ok(await bucketPackages(alpha, tokens.contributor)).packages.map(
      (p: any) => p.name,
    );
    expect(names).toEqual([
      'badpurl',
      'curl',
      'libc6',
      'nested',
      'openssl',
      'ubuntu',
      'webapp',
      'zlib',
    ]);
    // `latest` is restricted: a viewer sees the packages once an open channel points at the version.
    expect(ok(await bucketPackages()).packages).toEqual([]);
    ok(
      await registry.request('POST', `${registry.base}/buckets/${alpha}/channels`, {
        token: tokens.contributor,
        body: { name: 'production', version_fingerprint: fpA },
      }),
    );
    expect(ok(await bucketPackages()).packages.map((p: any) => p.name)).toEqual(names);

    // A newer incomplete version is not on a channel: its packages are not listed.
    const fpNext = fingerprint('pkga2');
    const [next] = await newBuilds(alpha, fpNext, 1);
    await upload(alpha, fpNext, next, cycloneDxOf([{ name: 'newpkg', version: '1' }]), 'next');
    const after = ok(await bucketPackages()).packages.map((p: any) => p.name);
    expect(after).toEqual(names);
    const filtered = ok(
      await get(`${registry.base}/buckets/${alpha}/packages`, { package_name: 'webapp' }),
    );
    expect(filtered.packages).toEqual([
      { name: 'webapp', version: '2.0.0', purl: '', sboms: [sbomIds.app], vuln_details: [] },
    ]);
    expectStatus(await bucketPackages('no-such-bucket'), 404, 5);
  });

  it('search finds the versions that contain a package by name, name + version and purl, across buckets', async () => {
    const hits = async (query: Record<string, string>) =>
      ok(await search(query)).packages.map(
        (h: any) =>
          `${h.bucket_name}/${h.build_id === b1 ? 'b1' : 'a1'}/${h.sbom.name}/${h.version}`,
      );
    // Newest upload first; the name matches case-insensitively.
    expect(await hits({ name: 'openssl' })).toEqual([
      'pkg-beta/b1/beta-cdx/1.1.1',
      'pkg-beta/b1/beta-cdx/3.0.2',
      'pkg-alpha/a1/os-spdx/3.0.2',
      'pkg-alpha/a1/os-cdx/3.0.2',
    ]);
    expect(await hits({ name: 'OPENSSL', version: '3.0.2' })).toEqual([
      'pkg-beta/b1/beta-cdx/3.0.2',
      'pkg-alpha/a1/os-spdx/3.0.2',
      'pkg-alpha/a1/os-cdx/3.0.2',
    ]);
    expect(await hits({ purl: deb('openssl', '1.1.1') })).toEqual(['pkg-beta/b1/beta-cdx/1.1.1']);
    expect(await hits({ name: 'zlib', version: '9' })).toEqual([]);
    expect(await hits({ name: 'no-such-package' })).toEqual([]);

    const [first] = ok(await search({ name: 'zlib' })).packages;
    expect(first).toEqual({
      bucket_name: alpha,
      version_id: expect.any(String),
      version_fingerprint: fpA,
      version_name: expect.stringMatching(/^v\d+$/),
      build_id: a1,
      component_type: 'source.null.c0',
      name: 'zlib',
      version: '1.2.11',
      purl: deb('zlib', '1.2.11'),
      type: 'library',
      licenses: ['Zlib'],
      sbom: sbomIds.os,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const [spdxOpenssl] = ok(await search({ name: 'curl' })).packages;
    expect(spdxOpenssl.licenses).toEqual(['MIT']);

    // Paginated.
    const one = ok(await search({ name: 'openssl', 'pagination.page_size': '3' }));
    expect(one.packages).toHaveLength(3);
    const rest = ok(
      await search({
        name: 'openssl',
        'pagination.next_page_token': one.pagination.next_page_token,
      }),
    );
    expect(rest.packages).toHaveLength(1);
    expect(rest.pagination).toEqual({});
  });

  describe('bad queries → 400 / code 3 naming the parameter', () => {
    const cases: [string, () => Promise<any>, RegExp][] = [
      ['search without name or purl', () => search({}), /name \(or purl\) is required/],
      ['search with an empty name', () => search({ name: '' }), /name \(or purl\) is required/],
      ['search by version alone', () => search({ version: '1' }), /name \(or purl\) is required/],
      [
        'search with an overlong name',
        () => search({ name: 'x'.repeat(1025) }),
        /query\.name must NOT have more than 1024 characters/,
      ],
      [
        'a forged page token',
        () => buildPackages({ 'pagination.next_page_token': 'bm90LWEtdG9rZW4' }),
        /page.token/i,
      ],
      [
        'an unknown sort field',
        () => buildPackages({ 'sorting.order_by': 'purl' }),
        /purl.*name, version/,
      ],
      ['a bad page size', () => search({ name: 'x', 'pagination.page_size': '5000' }), /page_size/],
    ];
    it.each(cases)('%s', async (_name, call, message) => {
      expect(expectStatus(await call(), 400, 3).message).toMatch(message);
    });

    it('an unknown build → 404 / code 5', async () => {
      expectStatus(await buildPackages({}, '01J9ZKB0000000000000000000'), 404, 5);
    });
  });

  it('deleting a build removes its packages', async () => {
    ok(await registry.request('DELETE', buildPath(beta, fpB, b1), { token: tokens.admin }));
    const buckets = ok(await search({ name: 'openssl' })).packages.map((h: any) => h.bucket_name);
    expect(buckets).toEqual([alpha, alpha]);
    const left = await rawQuery(
      registry.location!,
      `select count(*) as n from packages where build_id = '${b1}'`,
    );
    expect(Number(left[0].n)).toBe(0);
  });
});
