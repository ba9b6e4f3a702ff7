import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { ROLE_PRINCIPALS, expectStatus, ok, roleTokens, type PrincipalRole } from '../helpers/http';
import { zstdReady } from '../helpers/sboms';
import {
  PURLS,
  buildPath,
  buildScenario,
  importFixture,
  uploadLate,
  type Scenario,
} from '../helpers/vulnerability-scenario';

jest.setTimeout(60_000);

type Query = Record<string, string | string[]>;

/**
 * The vulnerability lists over HTTP on both engines: SBOMs of npm, Go, PyPI,
 * Debian 12 and Alpine packages, the OSV records of test/fixtures/osv/base.
 */
describe.each(testEngines())('bucket vulnerabilities (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS, clientAs: 'contributor-sp' },
  );
  let tokens: Record<PrincipalRole, string>;
  let s: Scenario;
  const bucket = 'vuln-app';

  const get = (path: string, query: Query = {}, token = tokens.contributor) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    return registry.request('GET', `${path}?${params.toString()}`, { token });
  };
  const bucketPath = () => `${registry.base}/buckets/${bucket}`;
  const vulns = async (query: Query = {}, token = tokens.contributor) =>
    ok(await get(`${bucketPath()}/vulnerabilities`, query, token));
  const ids = async (query: Query = {}, token = tokens.contributor) =>
    (await vulns(query, token)).vulnerabilities.map((v: any) => v.vulnerability.identifier);
  const buildPackages = async (build: string, fp = s.main.fp) =>
    ok(await get(`${buildPath(registry, bucket, fp, build)}/packages`)).packages;

  beforeAll(async () => {
    await zstdReady();
    tokens = await roleTokens(registry);
    s = await buildScenario(registry, tokens, bucket);
  });

  it('before any import: no vulnerabilities, and vuln_details is [] on every package', async () => {
    expect(await vulns()).toEqual({ vulnerabilities: [], pagination: {} });
    const packages = await buildPackages(s.main.app);
    expect(packages).toHaveLength(5);
    for (const p of packages) expect(p.vuln_details).toEqual([]);
    expect((await registry.storage.vulnerabilities.status()).imports).toEqual([]);
  });

  it('an import matches the stored packages of every ecosystem', async () => {
    const summary = await importFixture(registry, 'base');
    expect(summary).toMatchObject({
      records: 9,
      added: 9,
      updated: 0,
      unchanged: 0,
      withdrawn: 0,
      invalid: 0,
      // lodash, express, x/net, Django, openssl, musl, axios (one package identity each).
      matchesAdded: 7,
      matchesRemoved: 0,
      problems: [],
    });
  });

  it('ListBucketVulnerabilities lists the right ones, worst first, with their impacts', async () => {
    const { vulnerabilities, pagination } = await vulns();
    expect(pagination).toEqual({});
    expect(
      vulnerabilities.map((v: any) => [v.vulnerability.identifier, v.vulnerability.criticality]),
    ).toEqual([
      ['GHSA-jf85-cpcp-j695', 'Critical'],
      ['DSA-5532-1', 'High'],
      ['GHSA-cph5-m8f7-6c5x', 'High'],
      ['PYSEC-2023-222', 'High'],
      ['GO-2022-1144', 'Medium'],
      ['GHSA-qw6h-vgh9-j6wx', 'Low'],
      ['ALPINE-CVE-2023-4806', 'Unknown'],
    ]);
    const byId = new Map(vulnerabilities.map((v: any) => [v.vulnerability.identifier, v]));
    const lodash: any = byId.get('GHSA-jf85-cpcp-j695');
    expect(lodash.vulnerability).toEqual({
      identifier: 'GHSA-jf85-cpcp-j695',
      criticality: 'Critical',
      severity: 'CRITICAL',
      score: 9.1,
      description: 'Prototype Pollution in lodash',
      fixed_version: '4.17.12',
      refers_to: 'CVE-2019-10744',
      related: '',
      published_at: '2019-07-10T19:45:23.000Z',
      first_seen_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(lodash.impacted_packages).toEqual([
      { name: 'lodash', version: '4.17.11', purl: PURLS.lodash },
    ]);
    // lodash is in the app and OS builds of main, and in the restricted version's build.
    expect(lodash.impacted_builds.map((b: any) => b.id).sort()).toEqual(
      [s.main.app, s.main.os, s.restricted.build].sort(),
    );
    expect(lodash.impacted_builds.find((b: any) => b.id === s.main.os).name).toBe('source.null.c1');
    expect(lodash.impacted_channels.map((c: any) => c.name).sort()).toEqual([
      'canary',
      'latest',
      'production',
    ]);
    const openssl: any = byId.get('DSA-5532-1');
    expect(openssl.vulnerability).toMatchObject({
      fixed_version: '3.0.11-1~deb12u2',
      score: 7.5,
      related: 'CVE-2023-5363',
      description: 'openssl - security update',
    });
    expect(openssl.impacted_packages).toEqual([
      { name: 'openssl', version: '3.0.9-1', purl: PURLS.openssl },
    ]);
    expect(openssl.impacted_builds).toEqual([{ id: s.main.os, name: 'source.null.c1' }]);
    expect(openssl.impacted_channels.map((c: any) => c.name)).toEqual(['production']);
    // No summary: the start of the details; a PEP 440 range; a Go module with a v prefix.
    expect((byId.get('PYSEC-2023-222') as any).vulnerability).toMatchObject({
      description: expect.stringMatching(/^An issue was discovered in Django 3\.2/),
      fixed_version: '4.2.7',
      refers_to: 'CVE-2023-46695,GHSA-qmf9-6jqf-j8fq',
    });
    expect((byId.get('GO-2022-1144') as any).impacted_packages).toEqual([
      { name: 'golang.org/x/net', version: 'v0.3.0', purl: PURLS.xnet },
    ]);
    // Alpine: matched on the explicit versions list, no fixed version known.
    expect((byId.get('ALPINE-CVE-2023-4806') as any).vulnerability).toMatchObject({
      fixed_version: '',
      severity: 'UNKNOWN',
    });
    expect((byId.get('ALPINE-CVE-2023-4806') as any).vulnerability.score).toBeUndefined();
  });

  it('leaves out a package outside the affected range and a Debian 11-only record', async () => {
    const all = await ids();
    expect(all).not.toContain('GHSA-xvch-5gv4-984h'); // minimist 1.2.8, fixed in 1.2.6
    expect(all).not.toContain('DLA-3482-1'); // bash, Debian:11 only; ours is debian-12
    expect(await ids({ identifier: 'CVE-2021-44906' })).toEqual([]);
    const status = await registry.storage.vulnerabilities.status();
    expect(status).toMatchObject({ vulnerabilities: 9, withdrawn: 0, matches: 7 });
  });

  it('a viewer does not see what only a restricted channel reaches; a contributor does', async () => {
    const viewer = await vulns({}, tokens.viewer);
    const viewerIds = viewer.vulnerabilities.map((v: any) => v.vulnerability.identifier);
    expect(viewerIds).not.toContain('GHSA-cph5-m8f7-6c5x');
    expect(viewerIds).toEqual((await ids()).filter((id: string) => id !== 'GHSA-cph5-m8f7-6c5x'));
    const lodash = viewer.vulnerabilities[0];
    expect(lodash.impacted_channels.map((c: any) => c.name)).toEqual(['production']);
    expect(lodash.impacted_builds.map((b: any) => b.id).sort()).toEqual(
      [s.main.app, s.main.os].sort(),
    );
    const packages = ok(
      await get(`${bucketPath()}/packages/with-vulnerabilities`, {}, tokens.viewer),
    ).packages;
    expect(packages.map((p: any) => p.name)).not.toContain('axios');
    const summary = ok(
      await get(`${bucketPath()}/packages/vulnerability-summary`, {}, tokens.viewer),
    );
    expect(summary.channels_by_criticality.map((c: any) => c.channel_name)).not.toContain('canary');
  });

  describe('filters', () => {
    it('criticality: repeatable and case-insensitive', async () => {
      expect(await ids({ criticality: ['critical', 'HIGH'] })).toEqual([
        'GHSA-jf85-cpcp-j695',
        'DSA-5532-1',
        'GHSA-cph5-m8f7-6c5x',
        'PYSEC-2023-222',
      ]);
      expect(await ids({ criticality: 'unknown' })).toEqual(['ALPINE-CVE-2023-4806']);
      const client = await registry.client.listBucketVulnerabilities(bucket, {
        criticality: ['Low', 'Medium'],
      });
      expect(client.vulnerabilities.map((v) => v.vulnerability.identifier)).toEqual([
        'GO-2022-1144',
        'GHSA-qw6h-vgh9-j6wx',
      ]);
    });

    it.each([
      ['a word that is no criticality', { criticality: 'severe' }],
      ['one bad value among good ones', { criticality: ['High', 'nope'] }],
      ['an empty value', { criticality: '' }],
    ])('criticality: %s → 400 / code 3 naming criticality', async (_name, query) => {
      const body = expectStatus(await get(`${bucketPath()}/vulnerabilities`, query), 400, 3);
      expect(body.message).toMatch(/criticality/);
      const packages = await get(`${bucketPath()}/packages/with-vulnerabilities`, query);
      expect(expectStatus(packages, 400, 3).message).toMatch(/criticality/);
    });

    it('identifier: the OSV id or an alias, case-insensitive', async () => {
      expect(await ids({ identifier: 'CVE-2023-46695' })).toEqual(['PYSEC-2023-222']);
      expect(await ids({ identifier: 'ghsa-qmf9-6jqf-j8fq' })).toEqual(['PYSEC-2023-222']);
      expect(await ids({ identifier: 'go-2022-1144' })).toEqual(['GO-2022-1144']);
      expect(await ids({ identifier: 'CVE-2023' })).toEqual([]);
    });

    it('identifier_starts_with: on ids and aliases; LIKE wildcards are literal', async () => {
      expect(await ids({ identifier_starts_with: 'cve-2019' })).toEqual(['GHSA-jf85-cpcp-j695']);
      expect(await ids({ identifier_starts_with: 'DSA-' })).toEqual(['DSA-5532-1']);
      expect(await ids({ identifier_starts_with: 'ghsa-q' })).toEqual([
        'PYSEC-2023-222', // alias GHSA-qmf9-6jqf-j8fq
        'GHSA-qw6h-vgh9-j6wx',
      ]);
      expect(await ids({ identifier_starts_with: '%' })).toEqual([]);
      expect(await ids({ identifier_starts_with: '_' })).toEqual([]);
    });

    it('package filters on ListBucketPackagesWithVulnerabilities', async () => {
      const rows = async (query: Query) =>
        ok(await get(`${bucketPath()}/packages/with-vulnerabilities`, query)).packages.map(
          (p: any) => `${p.name}@${p.version}/${p.channel_name}`,
        );
      // Once per build and channel: app and os on production, the restricted build on latest and canary.
      expect((await rows({ package_name: 'LODASH' })).sort()).toEqual(
        ['canary', 'latest', 'production', 'production'].map((c) => `lodash@4.17.11/${c}`),
      );
      expect(await rows({ package_name_starts_with: 'golang.' })).toEqual([
        'golang.org/x/net@v0.3.0/production',
      ]);
      expect(await rows({ package_version: '4.2.5' })).toEqual(['Django@4.2.5/production']);
      expect(await rows({ package_name: 'minimist' })).toEqual([]);
      expect(await rows({ package_name: 'bash' })).toEqual([]);
      expect(await rows({ criticality: 'low' })).toEqual(['express@4.17.1/production']);
      const [express] = ok(
        await get(`${bucketPath()}/packages/with-vulnerabilities`, { package_name: 'express' }),
      ).packages;
      expect(express).toEqual({
        name: 'express',
        version: '4.17.1',
        purl: PURLS.express,
        build_id: s.main.app,
        build_name: 'source.null.c0',
        channel_id: expect.any(String),
        channel_name: 'production',
        sboms: [s.sboms.app],
        vuln_details: [
          {
            last_scanned_at: expect.stringMatching(/^\d{4}-/),
            vulnerabilities: [
              expect.objectContaining({
                identifier: 'GHSA-qw6h-vgh9-j6wx',
                fixed_version: '4.20.0',
              }),
            ],
          },
        ],
      });
    });
  });

  it('pages through every list with page_size=1, without duplicates, in both orders', async () => {
    const all = await vulns();
    for (const order of [undefined, 'identifier', 'identifier desc', 'criticality desc']) {
      const seen: any[] = [];
      let token: string | undefined;
      do {
        const query: Query = { 'pagination.page_size': '1' };
        if (order) query['sorting.order_by'] = order;
        if (token) query['pagination.next_page_token'] = token;
        const page = await vulns(query);
        expect(page.vulnerabilities.length).toBeLessThanOrEqual(1);
        seen.push(...page.vulnerabilities);
        token = page.pagination.next_page_token;
      } while (token);
      const seenIds = seen.map((v) => v.vulnerability.identifier);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect([...seenIds].sort()).toEqual(
        all.vulnerabilities.map((v: any) => v.vulnerability.identifier).sort(),
      );
      if (order === undefined) expect(seen).toEqual(all.vulnerabilities);
      if (order === 'identifier') expect(seenIds).toEqual([...seenIds].sort());
    }
    const viaClient: string[] = [];
    for await (const v of registry.client.paginate(
      'listBucketPackagesWithVulnerabilities',
      bucket,
      {
        pageSize: 1,
      },
    )) {
      viaClient.push(`${v.name}/${v.build_id}/${v.channel_id}`);
    }
    expect(new Set(viaClient).size).toBe(viaClient.length);
    const full = ok(await get(`${bucketPath()}/packages/with-vulnerabilities`)).packages;
    expect(viaClient).toEqual(full.map((p: any) => `${p.name}/${p.build_id}/${p.channel_id}`));
  });

  it('the summary counts what the lists show', async () => {
    for (const token of [tokens.contributor, tokens.viewer]) {
      const list = (await vulns({}, token)).vulnerabilities;
      const summary = ok(await get(`${bucketPath()}/packages/vulnerability-summary`, {}, token));
      const expected = (key: (v: any) => string[]) => {
        const counts = new Map<string, number>();
        for (const v of list) {
          for (const k of key(v)) {
            const id = `${k}|${v.vulnerability.criticality}`;
            counts.set(id, (counts.get(id) ?? 0) + 1);
          }
        }
        return Object.fromEntries(counts);
      };
      const got = (rows: any[], key: (r: any) => string) =>
        Object.fromEntries(
          rows.map((r) => [`${key(r)}|${r.criticality}`, Number(r.vulnerability_count)]),
        );
      expect(got(summary.total_by_criticality, () => 'all')).toEqual(expected(() => ['all']));
      expect(got(summary.channels_by_criticality, (r) => r.channel_name)).toEqual(
        expected((v) => v.impacted_channels.map((c: any) => c.name)),
      );
      expect(
        got(summary.packages_by_criticality, (r) => `${r.package_name}@${r.package_version}`),
      ).toEqual(expected((v) => v.impacted_packages.map((p: any) => `${p.name}@${p.version}`)));
      expect(summary.total_by_criticality.map((t: any) => t.criticality)).toEqual([
        ...new Set(list.map((v: any) => v.vulnerability.criticality)),
      ]);
      for (const t of summary.total_by_criticality) {
        expect(t.first_seen_at).toMatch(/^\d{4}-/);
        expect(t.average_age_days_for_criticality).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('ListBuildPackages carries vuln_details once data is imported', async () => {
    const packages = await buildPackages(s.main.app);
    const by = new Map(packages.map((p: any) => [p.name, p.vuln_details]));
    const lodash: any = by.get('lodash');
    expect(lodash).toEqual([
      {
        last_scanned_at: expect.stringMatching(/^\d{4}-/),
        vulnerabilities: [expect.objectContaining({ identifier: 'GHSA-jf85-cpcp-j695' })],
      },
    ]);
    // Scanned, nothing found.
    expect(by.get('minimist')).toEqual([
      { last_scanned_at: lodash[0].last_scanned_at, vulnerabilities: [] },
    ]);
    const status = await registry.storage.vulnerabilities.status();
    expect(lodash[0].last_scanned_at).toBe(status.imports[0]!.finishedAt);
  });

  it('an SBOM uploaded after the import is matched at upload; ListVersionVulnerabilities sees a channel-less version', async () => {
    const before = await ids();
    await uploadLate(registry, tokens, s);
    // Not on a channel: the bucket's list does not change.
    expect(await ids()).toEqual(before);
    const late = ok(
      await get(`${bucketPath()}/versions/${s.late.fp}/vulnerabilities`, {}, tokens.viewer),
    );
    expect(
      late.vulnerabilities.map((v: any) => [
        v.vulnerability.identifier,
        v.impacted_builds.map((b: any) => b.id),
        v.impacted_channels,
      ]),
    ).toEqual([
      ['GHSA-jf85-cpcp-j695', [s.late.build], []],
      ['GHSA-xvch-5gv4-984h', [s.late.build], []],
      ['GHSA-qw6h-vgh9-j6wx', [s.late.build], []],
    ]);
    const lateBuild = await buildPackages(s.late.build, s.late.fp);
    expect(
      lateBuild.find((p: any) => p.name === 'express').vuln_details[0].vulnerabilities,
    ).toEqual([expect.objectContaining({ identifier: 'GHSA-qw6h-vgh9-j6wx' })]);
    const mainVersion = await registry.client.listVersionVulnerabilities(bucket, s.main.fp, {
      criticality: 'Critical',
    });
    expect(mainVersion.vulnerabilities.map((v) => v.impacted_builds.length)).toEqual([2]);
    expectStatus(await get(`${bucketPath()}/versions/no-such-fp/vulnerabilities`), 404, 5);
    expectStatus(await get(`${registry.base}/buckets/no-such-bucket/vulnerabilities`), 404, 5);
  });
});
