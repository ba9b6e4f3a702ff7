import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { completeVersion, expectStatus, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';

/**
 * The error codes stock Packer matches on (`[Cc]ode"?:([0-9]+)` on the body):
 * see docs/reference/registry-api.md (Errors) and Packer's internal/hcp/api/errors.go.
 */
describe.each(testEngines())('error codes Packer depends on (%s)', (engine) => {
  const registry = useTestRegistry({ beforeAll, afterAll }, { engine });

  beforeAll(async () => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'codes' } }));
  });

  it('GetBucket of a missing bucket is 404 / code 5 (Packer then creates it)', async () => {
    const body = expectStatus(
      await registry.request('GET', `${registry.base}/buckets/no-such-bucket`),
      404,
      5,
    );
    expect(body.message).toContain('no-such-bucket');
    expect(body.details[0]).toMatchObject({ reason: 'REGISTRY_ERR_BUCKET_NOT_FOUND' });
    // The text Packer greps: `code":5`.
    const raw = await registry.request('GET', `${registry.base}/buckets/no-such-bucket`);
    expect(raw.text).toMatch(/"code":5[,}]/);
  });

  it('GetVersion of an unknown fingerprint is 409 / code 10 (Packer then creates it)', async () => {
    const raw = await registry.request(
      'GET',
      `${registry.base}/buckets/codes/versions/${fingerprint('missing')}`,
    );
    expectStatus(raw, 409, 10);
    expect(raw.text).toMatch(/"code":10[,}]/);
  });

  it('a duplicate bucket is 409 / code 6', async () => {
    expectStatus(
      await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'codes' } }),
      409,
      6,
    );
  });

  it('a duplicate version fingerprint and a duplicate build component are 409 / code 6', async () => {
    const fp = fingerprint();
    ok(
      await registry.request('POST', `${registry.base}/buckets/codes/versions`, {
        body: { fingerprint: fp },
      }),
    );
    expectStatus(
      await registry.request('POST', `${registry.base}/buckets/codes/versions`, {
        body: { fingerprint: fp },
      }),
      409,
      6,
    );
    const builds = `${registry.base}/buckets/codes/versions/${fp}/builds`;
    ok(await registry.request('POST', builds, { body: { component_type: 'null.a' } }));
    expectStatus(
      await registry.request('POST', builds, { body: { component_type: 'null.a' } }),
      409,
      6,
    );
  });

  it('changing a set-once parent id is 400 / code 6, as on HCP (setting the same one again is fine)', async () => {
    const parent = await completeVersion(registry, 'codes', fingerprint());
    const other = await completeVersion(registry, 'codes', fingerprint());
    const fp = fingerprint();
    ok(
      await registry.request('POST', `${registry.base}/buckets/codes/versions`, {
        body: { fingerprint: fp },
      }),
    );
    const build = ok(
      await registry.request('POST', `${registry.base}/buckets/codes/versions/${fp}/builds`, {
        body: { component_type: 'null.child', parent_version_id: parent.id },
      }),
    ).build;
    const path = `${registry.base}/buckets/codes/versions/${fp}/builds/${build.id}`;
    ok(await registry.request('PATCH', path, { body: { parent_version_id: parent.id } }));
    const raw = await registry.request('PATCH', path, { body: { parent_version_id: other.id } });
    const body = expectStatus(raw, 400, 6);
    expect(body.details[0]).toMatchObject({
      reason: 'REGISTRY_ERR_BUILD_PARENT_IMMUTABLE',
      field: 'parent_version_id',
      build_id: build.id,
    });
    expect(raw.text).toMatch(/"code":6[,}]/);
  });

  it('updating the managed latest channel is 400 / code 9', async () => {
    const v = await completeVersion(registry, 'codes', fingerprint());
    expectStatus(
      await registry.request('PATCH', `${registry.base}/buckets/codes/channels/latest`, {
        body: { version_fingerprint: v.fingerprint, update_mask: 'versionFingerprint' },
      }),
      400,
      9,
    );
  });

  it('UpdateChannel of a missing channel is 404 / code 5 (Packer logs it and goes on)', async () => {
    expectStatus(
      await registry.request('PATCH', `${registry.base}/buckets/codes/channels/nope`, {
        body: { version_fingerprint: 'x', update_mask: 'versionFingerprint' },
      }),
      404,
      5,
    );
  });

  it('operations this registry does not serve are 404 / code 5 (GetEnforcedBlocksByBucket)', async () => {
    expectStatus(
      await registry.request('GET', `${registry.base}/enforced_blocks/bucket/codes`),
      404,
      5,
    );
  });
});
