import { GrpcCode, RegistryErrorReason } from '@imprint/registry';
import { testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import {
  ALICE,
  TestClock,
  expectRegistryError,
  publishVersion,
  uniqueName,
} from '../helpers/fixtures';

const { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS } = GrpcCode;

describe.each(testEngines())('buckets (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });

  it('creates a bucket with every wire field and the managed latest channel', async () => {
    const name = uniqueName('ubuntu');
    const bucket = await h.service.createBucket(ALICE, {
      name,
      description: 'Ubuntu base',
      labels: { os: 'ubuntu' },
    });
    const { organization_id, project_id } = h.storage.location;
    expect(bucket).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name,
      description: 'Ubuntu base',
      labels: { os: 'ubuntu' },
      location: { organization_id, project_id },
      resource_name: `packer/project/${project_id}/bucket/${name}`,
      created_at: clock.iso(),
      updated_at: clock.iso(),
      latest_version: null,
      platforms: [],
      version_count: '0',
      parents: {
        href: `/packer/2023-01-01/organizations/${organization_id}/projects/${project_id}/buckets/${name}/ancestry?type=ANCESTRY_TYPE_PARENTS`,
        status: 'UNDETERMINED',
        has_relations: false,
      },
      children: {
        href: `/packer/2023-01-01/organizations/${organization_id}/projects/${project_id}/buckets/${name}/ancestry?type=ANCESTRY_TYPE_CHILDREN`,
        status: 'UNDETERMINED',
        has_relations: false,
      },
    });
    const latest = await h.service.getChannel(name, 'latest');
    expect(latest).toMatchObject({
      name: 'latest',
      bucket_name: name,
      managed: true,
      restricted: true,
      version: null,
    });
    expect(await h.service.getBucket(name)).toEqual(bucket);
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(37)],
    ['underscore', 'bad_name'],
    ['space', 'has space'],
    ['dot', 'a.b.c'],
    ['a number', 12345],
    ['missing', undefined],
  ])('refuses a bucket name that is %s (code 3)', async (_what, name) => {
    await expectRegistryError(
      h.service.createBucket(ALICE, { name } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.BUCKET_NAME_INVALID,
      /name must be a bucket name of 3 to 36 letters, digits or hyphens/,
    );
  });

  it('accepts names at both length limits', async () => {
    const short = `b${uniqueName('x').slice(-2)}`;
    await h.service.createBucket(ALICE, { name: short });
    const long = uniqueName('long').padEnd(36, '9');
    expect((await h.service.createBucket(ALICE, { name: long })).name).toHaveLength(36);
  });

  it('limits descriptions to 255 characters', async () => {
    await h.service.createBucket(ALICE, { name: uniqueName('desc'), description: 'd'.repeat(255) });
    await expectRegistryError(
      h.service.createBucket(ALICE, { name: uniqueName('desc'), description: 'd'.repeat(256) }),
      INVALID_ARGUMENT,
      RegistryErrorReason.DESCRIPTION_TOO_LONG,
      /256 characters long; shorten it to at most 255/,
    );
    await expectRegistryError(
      h.service.createBucket(ALICE, { name: uniqueName('desc'), description: 7 as never }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /description must be a string/,
    );
  });

  it.each([
    ['an array', ['a']],
    ['a non-string value', { a: 1 }],
    ['a __proto__ key', JSON.parse('{"__proto__": "x"}') as unknown],
    ['an empty key', { '': 'x' }],
    ['a string', 'os=ubuntu'],
  ])('refuses labels that are %s', async (_what, labels) => {
    await expectRegistryError(
      h.service.createBucket(ALICE, { name: uniqueName('labels'), labels } as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.LABELS_INVALID,
    );
  });

  it.each([null, [], 'name', 42])('refuses a body that is not an object (%p)', async (body) => {
    await expectRegistryError(
      h.service.createBucket(ALICE, body as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /CreateBucket body must be a JSON object/,
    );
  });

  it('refuses a missing or malformed actor', async () => {
    await expectRegistryError(
      h.service.createBucket(undefined as never, { name: uniqueName('a') }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /actor/,
    );
    await expectRegistryError(
      h.service.createBucket(
        { principalId: 'x', name: '', role: 'admin' },
        { name: uniqueName('a') },
      ),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /actor.name/,
    );
  });

  it('answers a duplicate name with code 6', async () => {
    const name = uniqueName('dup');
    await h.service.createBucket(ALICE, { name });
    await expectRegistryError(
      h.service.createBucket(ALICE, { name }),
      ALREADY_EXISTS,
      RegistryErrorReason.BUCKET_EXISTS,
      /already exists/,
    );
  });

  it('answers an unknown or malformed name with code 5', async () => {
    await expectRegistryError(
      h.service.getBucket('no-such-bucket'),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
      /"no-such-bucket" does not exist/,
    );
    // Packer's upsert flow needs 5 for a name that cannot exist, so CreateBucket can explain the rule.
    await expectRegistryError(
      h.service.getBucket('x'.repeat(500)),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
    await expectRegistryError(
      h.service.getBucket(42 as never),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
    );
  });

  it('updates description, labels (replaced) and platforms', async () => {
    const name = uniqueName('upd');
    await h.service.createBucket(ALICE, { name, description: 'old', labels: { a: '1', b: '2' } });
    clock.advance(1000);
    const updated = await h.service.updateBucket(ALICE, name, {
      description: 'new',
      labels: { c: '3' },
      platforms: ['aws', 'gce'],
    });
    expect(updated).toMatchObject({
      description: 'new',
      labels: { c: '3' },
      platforms: ['aws', 'gce'],
      updated_at: clock.iso(),
    });
    const partial = await h.service.updateBucket(ALICE, name, { description: 'newer' });
    expect(partial).toMatchObject({ description: 'newer', labels: { c: '3' } });
    await expectRegistryError(
      h.service.updateBucket(ALICE, name, { platforms: [''] }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /platforms\[0\]/,
    );
    await expectRegistryError(
      h.service.updateBucket(ALICE, name, { platforms: 'aws' as never }),
      INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
    );
    await expectRegistryError(
      h.service.updateBucket(ALICE, 'nope-nope', {}),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
  });

  it('rolls up latest_version, platforms and version_count from completed versions', async () => {
    const name = uniqueName('rollup');
    await h.service.createBucket(ALICE, { name });
    await publishVersion(h.service, name, { platform: 'aws' });
    const v2 = await publishVersion(h.service, name, {
      platform: 'gce',
      components: ['googlecompute.a', 'googlecompute.b'],
    });
    await h.service.createVersion(ALICE, name, { fingerprint: 'still-running' });
    const bucket = await h.service.getBucket(name);
    expect(bucket.latest_version?.id).toBe(v2.id);
    expect(bucket.latest_version?.name).toBe('v2');
    expect(bucket.latest_version?.builds).toHaveLength(2);
    expect(bucket.platforms).toEqual(['gce']);
    expect(bucket.version_count).toBe('3');
  });

  it('deletes a bucket with everything in it; the name can be reused from scratch', async () => {
    const name = uniqueName('del');
    await h.service.createBucket(ALICE, { name });
    const v1 = await publishVersion(h.service, name, { externalId: `ami-del-${name}` });
    await h.service.createChannel(ALICE, name, {
      name: 'prod',
      version_fingerprint: v1.fingerprint,
    });
    await h.service.deleteBucket(ALICE, name);
    await expectRegistryError(
      h.service.getBucket(name),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
    expect(
      (await h.service.searchExternalArtifact({ external_identifier: `ami-del-${name}` }))
        .artifacts,
    ).toEqual([]);
    await h.service.createBucket(ALICE, { name });
    expect((await publishVersion(h.service, name)).name).toBe('v1');
    expect((await h.service.listChannels(name)).channels.map((c) => c.name)).toEqual(['latest']);
    await expectRegistryError(
      h.service.deleteBucket(ALICE, 'gone-gone'),
      NOT_FOUND,
      RegistryErrorReason.BUCKET_NOT_FOUND,
    );
  });
});

describe.each(testEngines())('bucket lists (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });
  const names = ['delta-1', 'alpha-1', 'echo-1', 'charlie-1', 'bravo-1'];

  beforeAll(async () => {
    for (const name of names) {
      clock.advance(1000);
      await h.service.createBucket(ALICE, { name });
    }
  });

  it('lists by name by default, in pages that join up without gaps or repeats', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await h.service.listBuckets({ pageSize: 2, nextPageToken: token });
      seen.push(...page.buckets.map((b) => b.name));
      token = page.pagination.next_page_token;
      pages += 1;
    } while (token);
    expect(seen).toEqual([...names].sort());
    expect(pages).toBe(3);
  });

  it('returns no next_page_token on the last page', async () => {
    const page = await h.service.listBuckets({ pageSize: 5 });
    expect(page.buckets).toHaveLength(5);
    expect(page.pagination).toEqual({});
    expect((await h.service.listBuckets()).buckets).toHaveLength(5);
  });

  it('sorts by created_at desc across pages', async () => {
    const first = await h.service.listBuckets({ pageSize: 3, orderBy: ['created_at desc'] });
    const second = await h.service.listBuckets({
      pageSize: 3,
      orderBy: ['created_at desc'],
      nextPageToken: first.pagination.next_page_token,
    });
    expect([...first.buckets, ...second.buckets].map((b) => b.name)).toEqual([...names].reverse());
  });

  it.each([
    [{ pageSize: 1001 }, /page_size must be an integer from 1 to 1000/],
    [{ pageSize: -1 }, /page_size/],
    [{ pageSize: 1.5 }, /page_size/],
    [{ pageSize: '10' }, /page_size/],
    [{ nextPageToken: 'garbage' }, /next_page_token is not a token this list returned/],
    [{ orderBy: ['colour'] }, /use one of name, created_at, updated_at/],
    [{ orderBy: ['name sideways'] }, /order_by term "name sideways" is invalid/],
    [{ orderBy: ['name', 'name desc'] }, /names name twice/],
    [{ orderBy: 'name' as never }, null],
  ])('validates list options %p', async (options, message) => {
    const request = h.service.listBuckets(options as never);
    if (message === null) {
      await expect(request).resolves.toBeDefined();
    } else {
      await expectRegistryError(
        request,
        INVALID_ARGUMENT,
        RegistryErrorReason.PAGINATION_INVALID,
        message,
      );
    }
  });

  it('refuses a token issued for another sort order', async () => {
    const page = await h.service.listBuckets({ pageSize: 1 });
    await expectRegistryError(
      h.service.listBuckets({
        pageSize: 1,
        orderBy: ['created_at'],
        nextPageToken: page.pagination.next_page_token,
      }),
      INVALID_ARGUMENT,
      RegistryErrorReason.PAGINATION_INVALID,
    );
  });
});
