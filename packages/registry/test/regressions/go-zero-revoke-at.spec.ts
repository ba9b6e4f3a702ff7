import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { ROLE_PRINCIPALS, completeVersion, expectStatus, ok, roleTokens } from '../helpers/http';

/**
 * Regression: hcp-sdk-go serialises the unset `revoke_at` of an UpdateVersion
 * body as Go's zero time, so a restore arrived as
 * `{"restore":true,"revoke_at":"0001-01-01T00:00:00.000Z"}` and a scheduled
 * revocation as `{"revoke_at":"0001-…","revoke_in":"48h"}`; both were refused
 * (400 / code 3, "not both"). The zero time now means "not set".
 */

const GO_ZERO = '0001-01-01T00:00:00.000Z';

describe.each(testEngines())('revoke_at of Go zero time (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS },
  );
  const bucket = 'go-zero';
  let admin: string;
  const version = (fp: string) => `${registry.base}/buckets/${bucket}/versions/${fp}`;
  const patch = (fp: string, body: unknown) =>
    registry.request('PATCH', version(fp), { token: admin, body });

  beforeAll(async () => {
    admin = (await roleTokens(registry)).admin;
    ok(
      await registry.request('PUT', `${registry.base}/buckets`, {
        token: admin,
        body: { name: bucket },
      }),
    );
    await completeVersion(registry, bucket, 'zero-1', { token: admin });
  });

  it('schedules with revoke_in when revoke_at is the zero time', async () => {
    const before = Date.now();
    const v = ok(await patch('zero-1', { revoke_at: GO_ZERO, revoke_in: '48h' })).version;
    const at = Date.parse(v.revoke_at);
    expect(at).toBeGreaterThanOrEqual(before + 48 * 3600_000 - 1000);
    expect(at).toBeLessThan(Date.now() + 48 * 3600_000 + 1000);
  });

  it('restores when revoke_at is the zero time', async () => {
    const v = ok(await patch('zero-1', { restore: true, revoke_at: GO_ZERO })).version;
    expect(v.status).toBe('VERSION_ACTIVE');
    expect(v.revoke_at ?? null).toBeNull();
  });

  it('still refuses a real revoke_at together with revoke_in', async () => {
    const res = await patch('zero-1', { revoke_at: '2999-01-01T00:00:00Z', revoke_in: '1h' });
    expectStatus(res, 400, 3);
  });

  it('answers the zero time alone as it answers an empty body: nothing to do', async () => {
    const zero = expectStatus(await patch('zero-1', { revoke_at: GO_ZERO }), 400, 3);
    const empty = expectStatus(await patch('zero-1', {}), 400, 3);
    expect(zero.message).toBe(empty.message);
  });
});
