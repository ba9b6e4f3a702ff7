import { randomBytes } from 'node:crypto';
import * as contract from '@imprint/client';
import type { TModel } from '@imprint/client';
import type { Actor } from '@imprint/registry';
import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { ok } from '../helpers/http';
import { cycloneDxOf, deb } from '../helpers/package-sboms';
import { uploadBody, zstd, zstdReady } from '../helpers/sboms';

/*
 * The response schemas are fastify's serialisation allow-list: a field the
 * contract declares and the service returns, but that a response schema
 * lacks, is silently dropped. These specs tie the three together: every
 * packer read answered over HTTP equals the service's own value for the same
 * call, the data fills every field the contract declares, and every model of
 * the contract is in the served OpenAPI document field by field.
 */

type Json = any;
type Schema = Record<string, any>;

/** Embedded mode: every HTTP request is this admin. */
const ANONYMOUS: Actor = { principalId: 'anonymous', name: 'anonymous', role: 'admin' };

/** Fields the registry never sends (so no data can fill them), and why. */
const NEVER_SENT = [
  'Location.region', // one registry serves one project; HCP's region is not modelled
  'Location.region.provider',
  'Location.region.region',
  'Pagination.previous_page_token', // paging backwards is not supported
  // A withdrawn record matches nothing, so no listed vulnerability carries these.
  'Vulnerability.withdrawn_at',
  // Package versions never change, so a match never resolves; kept for HCP's shape.
  'Vulnerability.resolved_at',
];

/** An OSV record (Ubuntu's format) that affects the SBOM's openssl 3.0.2. */
const OPENSSL_RECORD = {
  schema_version: '1.6.0',
  id: 'USN-0001-1',
  modified: '2026-11-02T10:00:00Z',
  published: '2026-11-01T10:00:00Z',
  aliases: ['CVE-2026-0002'],
  related: ['UBUNTU-CVE-2026-0002'],
  summary: 'openssl vulnerability',
  details: 'A flaw in openssl.',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N' }],
  affected: [
    {
      package: { ecosystem: 'Ubuntu:22.04:LTS', name: 'openssl' },
      ranges: [
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.2-0ubuntu1.10' }] },
      ],
    },
  ],
};

const MODELS = new Map(contract.RESPONSE_MODELS.map((model) => [model.$id, model as Schema]));

function model(ref: string): Schema {
  const found = MODELS.get(ref.replace(/#$/, ''));
  if (!found) throw new Error(`no contract model ${ref}`);
  return found;
}

/** The schema a value of `schema` is checked against: `null` takes no branch. */
function branch(schema: Schema, value: unknown): Schema | undefined {
  if (schema.anyOf) {
    if (value === null) return undefined;
    return schema.anyOf.find((option: Schema) => option.type !== 'null');
  }
  return schema;
}

/** Records `Model.field.sub` for every field of `value` the contract declares. */
function collectFields(schema: Schema, value: Json, at: string, seen: Set<string>): void {
  const chosen = branch(schema, value);
  if (!chosen || value === undefined) return;
  if (chosen.$ref) return collectFields(model(chosen.$ref), value, chosen.$ref, seen);
  if (chosen.type === 'array' && chosen.items && Array.isArray(value)) {
    for (const item of value) collectFields(chosen.items, item, at, seen);
  }
  if (chosen.type === 'object' && chosen.properties && value !== null) {
    for (const [name, property] of Object.entries<Schema>(chosen.properties)) {
      if (!(name in value)) continue;
      seen.add(`${at}.${name}`);
      collectFields(property, value[name], `${at}.${name}`, seen);
    }
  }
}

/** Every `Model.field.sub` reachable from `schema`. */
function declaredFields(schema: Schema, at: string, out: Set<string>, models = new Set()): void {
  const chosen = branch(schema, {});
  if (!chosen) return;
  if (chosen.$ref) {
    if (models.has(chosen.$ref)) return;
    models.add(chosen.$ref);
    return declaredFields(model(chosen.$ref), chosen.$ref, out, models);
  }
  if (chosen.type === 'array' && chosen.items) declaredFields(chosen.items, at, out, models);
  for (const [name, property] of Object.entries<Schema>(chosen.properties ?? {})) {
    out.add(`${at}.${name}`);
    declaredFields(property, `${at}.${name}`, out, models);
  }
}

/** The field names of an object schema, nested inline objects included (references are leaves). */
function fieldTree(schema: Schema): unknown {
  const object = schema.type === 'array' ? schema.items : schema;
  if (!object || object.type !== 'object' || !object.properties) return true;
  return Object.fromEntries(
    Object.entries<Schema>(object.properties).map(([name, field]) => [name, fieldTree(field)]),
  );
}

describe.each(testEngines())('response schemas against the contract (%s)', (engine) => {
  const registry = useTestRegistry({ beforeAll, afterAll }, { engine });
  const suffix = randomBytes(3).toString('hex');
  const parent = `parent-${suffix}`;
  const child = `child-${suffix}`;
  const packaged = `packaged-${suffix}`;
  const send = async (method: string, path: string, body?: unknown): Promise<Json> =>
    ok(await registry.request(method, `${registry.base}${path}`, body ? { body } : {}));

  /**
   * Publishes a one-build version with labels, metadata and an artifact (and
   * an SBOM, uploaded while the version is incomplete, when given).
   */
  async function publish(bucket: string, fp: string, extra: Json = {}, sbom?: Buffer) {
    await send('POST', `/buckets/${bucket}/versions`, { fingerprint: fp, template_type: 'HCL2' });
    const { build } = await send('POST', `/buckets/${bucket}/versions/${fp}/builds`, {
      component_type: 'amazon-ebs.ubuntu',
      labels: { os: 'ubuntu' },
    });
    const path = `/buckets/${bucket}/versions/${fp}/builds/${build.id}`;
    if (sbom) await send('PUT', `${path}/sboms`, uploadBody(zstd(sbom), 'CYCLONEDX', 'os-sbom'));
    await send('PATCH', path, { status: 'BUILD_RUNNING', packer_run_uuid: 'run-1' });
    await send('PATCH', path, {
      status: 'BUILD_DONE',
      platform: 'aws',
      artifacts: [{ external_identifier: `ami-${fp}-${suffix}`, region: 'us-east-1' }],
      metadata: { packer: { version: '1.16.0' }, vcs: { sha: 'abc123' } },
      ...extra,
    });
    return build.id as string;
  }

  /** Pairs of [HTTP path, the service's value for the same call]; filled by the scenario. */
  const reads: [string, () => Promise<unknown>][] = [];
  const seen = new Set<string>();
  let revocation: Json;

  beforeAll(async () => {
    const { service } = registry.storage;
    await send('PUT', '/buckets', { name: parent, description: 'base', labels: { team: 'a' } });
    await send('PUT', '/buckets', { name: child });
    await send('PATCH', `/buckets/${parent}`, { platforms: ['aws'] });
    await publish(parent, 'p1');
    await send('POST', `/buckets/${parent}/channels`, { name: 'prod', version_fingerprint: 'p1' });
    await send('POST', `/buckets/${parent}/channels`, {
      name: 'staging',
      version_fingerprint: 'p1',
    });
    await send('PATCH', `/buckets/${parent}/channels/staging`, {
      version_fingerprint: '',
      update_mask: 'versionFingerprint',
    });
    await send('POST', `/buckets/${parent}/channels`, { name: 'empty', restricted: true });
    const { version: p1 } = await send('GET', `/buckets/${parent}/versions/p1`);
    const { channel: prod } = await send('GET', `/buckets/${parent}/channels/prod`);
    await publish(child, 'c1', {
      parent_version_id: p1.id,
      parent_channel_id: prod.id,
      source_external_identifier: `ami-p1-${suffix}`,
    });
    // A scheduled revocation: MANUAL on p1, INHERITED (with its source) on c1; channels stay.
    revocation = await send('PATCH', `/buckets/${parent}/versions/p1`, {
      revoke_in: '7d',
      revocation_message: 'CVE-2026-0001',
    });

    await zstdReady();
    await send('PUT', '/buckets', { name: packaged });
    const sbom = cycloneDxOf([
      { type: 'library', name: 'openssl', version: '3.0.2', purl: deb('openssl', '3.0.2') },
      { type: 'library', name: 'zlib', version: '1.2.11', licenses: [{ expression: 'Zlib' }] },
    ]);
    const packagedBuild = await publish(packaged, 'k1', {}, sbom);
    const buildRef = { bucket: packaged, fingerprint: 'k1', buildId: packagedBuild };
    await registry.storage.vulnerabilities.importOsv(
      (async function* () {
        yield { source: 'usn.json', value: OPENSSL_RECORD };
      })(),
      { source: 'usn.json' },
    );

    const build = async (bucket: string, fp: string) =>
      (await service.listBuilds(bucket, fp)).builds[0]!.id;
    const parentBuild = await build(parent, 'p1');
    reads.push(
      ['/registry', async () => ({ registry: await service.getRegistry() })],
      ['/buckets', () => service.listBuckets()],
      ['/buckets?pagination.page_size=1', () => service.listBuckets({ pageSize: 1 })],
      ...[parent, child].flatMap((bucket): [string, () => Promise<unknown>][] => [
        [`/buckets/${bucket}`, async () => ({ bucket: await service.getBucket(bucket) })],
        [`/buckets/${bucket}/versions`, () => service.listVersions(bucket)],
        [`/buckets/${bucket}/channels`, () => service.listChannels(bucket, {}, ANONYMOUS)],
      ]),
      [
        `/buckets/${parent}/versions/p1`,
        async () => ({ version: await service.getVersion(parent, 'p1') }),
      ],
      [
        `/buckets/${child}/versions/c1`,
        async () => ({ version: await service.getVersion(child, 'c1') }),
      ],
      [`/buckets/${parent}/versions/p1/builds`, () => service.listBuilds(parent, 'p1')],
      [
        `/buckets/${parent}/versions/p1/builds/${parentBuild}`,
        async () => ({ build: await service.getBuild(parent, 'p1', parentBuild) }),
      ],
      ...['prod', 'staging', 'empty'].flatMap((name): [string, () => Promise<unknown>][] => [
        [
          `/buckets/${parent}/channels/${name}`,
          async () => ({ channel: await service.getChannel(parent, name, ANONYMOUS) }),
        ],
        [
          `/buckets/${parent}/channels/${name}/history`,
          () => service.listChannelHistory(parent, name, {}, ANONYMOUS),
        ],
      ]),
      [`/buckets/${child}/ancestry`, () => service.listBucketAncestry(child, {}, ANONYMOUS)],
      [
        `/buckets/${parent}/ancestry?type=ANCESTRY_TYPE_CHILDREN`,
        () => service.listBucketAncestry(parent, { type: 'ANCESTRY_TYPE_CHILDREN' }, ANONYMOUS),
      ],
      [
        `/buckets/${packaged}/versions/k1/builds/${packagedBuild}/packages`,
        () => service.listBuildPackages(buildRef),
      ],
      [
        `/buckets/${packaged}/packages?pagination.page_size=1`,
        () => service.listBucketPackages(packaged, { pageSize: 1 }, ANONYMOUS),
      ],
      ['/packages/search?name=openssl', () => service.searchPackages({ name: 'openssl' })],
      [
        `/buckets/${packaged}/vulnerabilities?criticality=high`,
        () => service.listBucketVulnerabilities(packaged, { criticality: 'high' }, ANONYMOUS),
      ],
      [
        `/buckets/${packaged}/versions/k1/vulnerabilities`,
        () => service.listVersionVulnerabilities(packaged, 'k1', {}, ANONYMOUS),
      ],
      [
        `/buckets/${packaged}/packages/with-vulnerabilities?identifier=cve-2026-0002`,
        () =>
          service.listBucketPackagesWithVulnerabilities(
            packaged,
            { identifier: 'cve-2026-0002' },
            ANONYMOUS,
          ),
      ],
      [
        `/buckets/${packaged}/packages/vulnerability-summary`,
        () => service.bucketVulnerabilitySummary(packaged, ANONYMOUS),
      ],
    );
  });

  it('answers every packer read exactly as the service returns it (no field dropped)', async () => {
    for (const [path, fromService] of reads) {
      const answered = await send('GET', path);
      const expected = JSON.parse(JSON.stringify(await fromService()));
      expect({ path, body: answered }).toEqual({ path, body: expected });
    }
    const search = { external_identifier: `ami-c1-${suffix}` };
    const found = await send('POST', '/_search/external_artifact', search);
    const expected = await registry.storage.service.searchExternalArtifact(search);
    expect(found).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(found.artifacts).toHaveLength(1);
    // UpdateVersion's version is the one GetVersion serves afterwards.
    const version = await registry.storage.service.getVersion(parent, 'p1');
    expect(revocation.version).toEqual(JSON.parse(JSON.stringify(version)));
  });

  it('fills every field the contract declares (so the comparison above covers them all)', async () => {
    const responses: [Schema, Json][] = [
      [contract.UpdateVersionResponse, revocation],
      [
        contract.SearchExternalArtifactResponse,
        await send('POST', '/_search/external_artifact', {
          external_identifier: `ami-c1-${suffix}`,
        }),
      ],
    ];
    const schemaOf = (path: string): Schema => {
      if (path === '/registry') return contract.GetRegistryResponse;
      if (path.startsWith('/packages/search')) return contract.SearchPackagesResponse;
      if (path.includes('/vulnerability-summary')) {
        return contract.ListBucketPackagesVulnerabilitySummaryResponse;
      }
      if (path.includes('/with-vulnerabilities')) {
        return contract.ListBucketPackagesWithVulnerabilitiesResponse;
      }
      if (path.includes('/vulnerabilities')) return contract.ListBucketVulnerabilitiesResponse;
      if (path.includes('/builds/') && path.endsWith('/packages')) {
        return contract.ListBuildPackagesResponse;
      }
      if (path.includes('/packages')) return contract.ListBucketPackagesResponse;
      if (path.includes('/ancestry')) return contract.ListBucketAncestryResponse;
      if (path.endsWith('/history')) return contract.ListChannelHistoryResponse;
      if (/\/builds\/\w+$/.test(path)) return contract.BuildResponse;
      if (path.endsWith('/builds')) return contract.ListBuildsResponse;
      if (/\/channels\/\w+$/.test(path)) return contract.ChannelResponse;
      if (path.endsWith('/channels')) return contract.ListChannelsResponse;
      if (/\/versions\/\w+$/.test(path)) return contract.VersionResponse;
      if (path.endsWith('/versions')) return contract.ListVersionsResponse;
      if (/^\/buckets\/[\w-]+$/.test(path)) return contract.BucketResponse;
      return contract.ListBucketsResponse;
    };
    for (const [path] of reads) responses.push([schemaOf(path), await send('GET', path)]);

    const declared = new Set<string>();
    for (const [schema, body] of responses) {
      collectFields(schema, body, 'response', seen);
      declaredFields(schema, 'response', declared);
    }
    const missing = [...declared].filter((field) => !seen.has(field));
    expect(missing.sort()).toEqual([...NEVER_SENT].sort());
  });

  it('serves every contract model in OpenAPI with exactly the contract fields', async () => {
    const doc = ok(await registry.request('GET', '/openapi.json'));
    const components = doc.components.schemas as Record<string, Schema>;
    const inline: Record<string, Schema> = {
      CallerIdentity: doc.paths['/iam/2019-12-10/caller-identity'].get,
      TokenResponse: doc.paths['/oauth2/token'].post,
    };
    for (const item of contract.RESPONSE_MODELS as readonly TModel[]) {
      const served =
        components[item.$id] ??
        inline[item.$id]?.responses['200'].content['application/json'].schema;
      expect({ model: item.$id, fields: served && fieldTree(served) }).toEqual({
        model: item.$id,
        fields: fieldTree(item as Schema),
      });
    }
  });
});
