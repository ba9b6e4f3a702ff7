import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { Kind, type TSchema } from '@sinclair/typebox';
import * as api from '@imprint/client';
import { startTestRegistry, type TestRegistry } from '@imprint/registry/testing';

/*
 * The contract as TypeBox sees it: every schema compiles, and the checks
 * accept what a real registry answers and refuse what breaks the contract.
 */

const references: TSchema[] = [...api.RESPONSE_MODELS];

function checker(schema: TSchema) {
  return TypeCompiler.Compile(schema, references);
}

/** Asserts `value` passes `schema`, naming the first error when it does not. */
function expectValid(schema: TSchema, value: unknown, what: string): void {
  const compiled = checker(schema);
  const first = compiled.Errors(value).First();
  expect({ what, error: first && `${first.path}: ${first.message}` }).toEqual({
    what,
    error: undefined,
  });
  expect(Value.Check(schema, references, value)).toBe(true);
}

describe('the API contract', () => {
  it('compiles every model, body and response schema', () => {
    const schemas = Object.entries(api).filter(
      ([, value]) => typeof value === 'object' && value !== null && Kind in value,
    );
    expect(schemas.length).toBeGreaterThan(40);
    const failures = schemas.flatMap(([name, schema]) => {
      try {
        checker(schema as TSchema);
        return [];
      } catch (error) {
        return [`${name}: ${(error as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });

  it('gives every response model an $id, once', () => {
    const ids = api.RESPONSE_MODELS.map((model) => model.$id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['Bucket', 'Version', 'Build', 'Channel']));
  });

  it('writes each enum once: the as-const list is the schema', () => {
    const pairs: [readonly string[], TSchema][] = [
      [api.BUILD_STATUSES, api.BuildStatus],
      [api.VERSION_STATUSES, api.VersionStatus],
      [api.TEMPLATE_TYPES, api.TemplateType],
      [api.REVOCATION_TYPES, api.RevocationType],
      [api.ANCESTRY_STATUSES, api.AncestryStatus],
      [api.ANCESTRY_TYPES, api.AncestryType],
      [api.ROLES, api.RoleSchema],
    ];
    for (const [values, schema] of pairs) {
      expect(schema).toMatchObject({ type: 'string', enum: [...values] });
      for (const value of values) expect(Value.Check(schema, value)).toBe(true);
      expect(Value.Check(schema, 'NOT_A_VALUE')).toBe(false);
    }
  });

  it('checks values against patterns and limits', () => {
    expect(Value.Check(api.NameSchema, 'ubuntu-base')).toBe(true);
    expect(Value.Check(api.NameSchema, 'ub')).toBe(false);
    expect(Value.Check(api.NewFingerprintSchema, '01JCLIENTTEST0000000000001')).toBe(true);
    expect(Value.Check(api.NewFingerprintSchema, '-leading-hyphen')).toBe(false);
    expect(Value.Check(api.FingerprintSchema, '"legacy"')).toBe(true);
    expect(Value.Check(api.AssignFingerprintSchema, '')).toBe(true);
    expect(Value.Check(api.UlidSchema, '01JCLIENTTEST0000000000001')).toBe(true);
    expect(Value.Check(api.StorableTextSchema, 'a\u0000b')).toBe(false);
    // Every pattern is valid with the `u` flag, as ajv compiles them.
    for (const pattern of Object.values(api.PATTERNS))
      expect(new RegExp(pattern, 'u')).toBeDefined();

    const labels = (count: number, value = 'v') =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, value]));
    expect(Value.Check(api.LabelsInputSchema, labels(api.LIMITS.labels))).toBe(true);
    expect(Value.Check(api.LabelsInputSchema, labels(api.LIMITS.labels + 1))).toBe(false);
    expect(Value.Check(api.LabelsInputSchema, { k: 'x'.repeat(api.LIMITS.labelValue + 1) })).toBe(
      false,
    );
    expect(Value.Check(api.LabelsInputSchema, { '': 'v' })).toBe(false);
    expect(Value.Check(api.LabelsInputSchema, { k: 1 })).toBe(false);

    expect(Value.Check(api.CreateBucketBody, { name: 'ubuntu-base' })).toBe(true);
    expect(Value.Check(api.CreateBucketBody, { description: 'no name' })).toBe(false);
    expect(
      Value.Check(api.CreateBucketBody, {
        name: 'ubuntu-base',
        description: 'x'.repeat(api.LIMITS.description + 1),
      }),
    ).toBe(false);
    expect(Value.Check(api.UpdateChannelBody, { version_fingerprint: '' })).toBe(false);
    expect(Value.Check(api.UpdateVersionBody, { revoke_in: '7d' })).toBe(true);
    expect(Value.Check(api.UpdateVersionBody, { revoke_in: 'soon' })).toBe(false);
  });
});

describe('the contract against a real registry', () => {
  let registry: TestRegistry;
  const bucket = 'contract-base';
  const fingerprint = '01JCONTRACT000000000000001';

  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.close();
  });

  it('accepts every answer of a build lifecycle, and refuses a broken one', async () => {
    const { client } = registry;
    expectValid(api.CallerIdentity, await client.getCallerIdentity(), 'caller identity');
    expectValid(api.ListOrganizationsResponse, await client.listOrganizations(), 'organizations');
    expectValid(api.Registry, await client.getRegistry(), 'registry');
    await client.createBucket({ name: bucket, description: 'd', labels: { os: 'ubuntu' } });
    await client.createBucket({ name: `${bucket}-child` });
    expectValid(api.Version, await client.createVersion(bucket, { fingerprint }), 'new version');
    const build = await client.createBuild(bucket, fingerprint, {
      component_type: 'amazon-ebs.ubuntu',
      labels: { os: 'ubuntu' },
    });
    expectValid(api.Build, build, 'new build');
    await client.updateBuild(bucket, fingerprint, build.id, { status: 'BUILD_RUNNING' });
    const done = await client.updateBuild(bucket, fingerprint, build.id, {
      status: 'BUILD_DONE',
      platform: 'aws',
      artifacts: [{ external_identifier: 'ami-contract', region: 'us-east-1' }],
      metadata: { packer: { version: '1.16.0' } },
    });
    expectValid(api.Build, done, 'done build');
    const channel = await client.createChannel(bucket, {
      name: 'prod',
      version_fingerprint: fingerprint,
    });
    expectValid(api.Channel, channel, 'channel');
    expectValid(
      api.Channel,
      await client.createChannel(bucket, { name: 'empty' }),
      'empty channel',
    );
    expectValid(api.Bucket, await client.getBucket(bucket), 'bucket');
    expectValid(api.ListBucketsResponse, await client.listBuckets(), 'bucket list');
    expectValid(api.ListVersionsResponse, await client.listVersions(bucket), 'version list');
    expectValid(api.ListBuildsResponse, await client.listBuilds(bucket, fingerprint), 'builds');
    expectValid(api.ListChannelsResponse, await client.listChannels(bucket), 'channels');
    expectValid(
      api.ListChannelHistoryResponse,
      await client.listChannelHistory(bucket, 'prod'),
      'history',
    );
    expectValid(
      api.ListBucketAncestryResponse,
      await client.listBucketAncestry(bucket),
      'ancestry',
    );
    expectValid(
      api.SearchExternalArtifactResponse,
      await client.searchExternalArtifact({ external_identifier: 'ami-contract' }),
      'search',
    );
    const revoked = await client.revokeVersion(bucket, fingerprint, { revokeIn: '7d' });
    expectValid(api.UpdateVersionResponse, revoked, 'revocation');
    expect(revoked.version.revocation_type).toBe('MANUAL');

    const raw = await registry.request('GET', `${registry.base}/buckets/${bucket}`);
    expectValid(api.BucketResponse, raw.body, 'raw GetBucket');
    const broken = { ...raw.body, bucket: { ...raw.body.bucket, labels: { os: 1 } } };
    expect(Value.Check(api.BucketResponse, references, broken)).toBe(false);
    const badStatus = { ...revoked.version, status: 'VERSION_SOMETHING' };
    expect(checker(api.Version).Check(badStatus)).toBe(false);
    const { id: _id, ...withoutId } = revoked.version;
    expect(checker(api.Version).Check(withoutId)).toBe(false);
    expect(checker(api.Version).Check({ ...revoked.version, created_at: 'yesterday' })).toBe(false);
  });
});
