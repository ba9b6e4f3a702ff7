import { GrpcCode, RegistryErrorReason } from '@imprint/registry';
import { rawQuery, testEngines } from '@imprint/registry/testing';
import { useStorage } from '../helpers/storage';
import { HOUR, TestClock, expectRegistryError, uniqueName } from '../helpers/fixtures';

describe.each(testEngines())('principals (%s)', (engine) => {
  const clock = new TestClock();
  const h = useStorage(engine, { now: clock.now });

  it('creates a principal and returns its secret once', async () => {
    const before = await h.principals.countPrincipals();
    const name = uniqueName('ci');
    const { principal, clientSecret } = await h.principals.createPrincipal(name, 'contributor');
    expect(principal).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name,
      role: 'contributor',
      createdAt: clock.iso(),
    });
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await h.principals.countPrincipals()).toBe(before + 1);
    const listed = await h.principals.listPrincipals();
    expect(listed).toContainEqual(principal);
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
  });

  it('validates names and roles, refuses duplicates (6)', async () => {
    const name = uniqueName('dup');
    await h.principals.createPrincipal(name, 'viewer');
    await expectRegistryError(
      h.principals.createPrincipal(name, 'admin'),
      GrpcCode.ALREADY_EXISTS,
      RegistryErrorReason.PRINCIPAL_EXISTS,
      /already exists/,
    );
    await expectRegistryError(
      h.principals.createPrincipal('', 'admin'),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /Principal name/,
    );
    await expectRegistryError(
      h.principals.createPrincipal('has space', 'admin'),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
    );
    await expectRegistryError(
      h.principals.createPrincipal(uniqueName('r'), 'root' as never),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /role must be one of viewer, contributor, admin/,
    );
    expect(
      (await h.principals.createPrincipal(`svc.${uniqueName('x')}@example.com`, 'admin')).principal
        .role,
    ).toBe('admin');
  });

  it('verifies client credentials', async () => {
    const { principal, clientSecret } = await h.principals.createPrincipal(
      uniqueName('creds'),
      'contributor',
    );
    expect(await h.principals.verifyClientCredentials(principal.id, clientSecret)).toEqual(
      principal,
    );
    expect(
      await h.principals.verifyClientCredentials(principal.id, `${clientSecret}x`),
    ).toBeUndefined();
    expect(await h.principals.verifyClientCredentials(principal.id, '')).toBeUndefined();
    expect(
      await h.principals.verifyClientCredentials('01HUNKNOWNPRINCIPAL0000000', clientSecret),
    ).toBeUndefined();
    expect(await h.principals.verifyClientCredentials(42 as never, clientSecret)).toBeUndefined();
  });

  it('issues opaque tokens that expire', async () => {
    const { principal } = await h.principals.createPrincipal(uniqueName('tok'), 'viewer');
    const token = await h.principals.issueToken(principal, 3600);
    expect(token).toEqual({
      accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresIn: 3600,
    });
    expect(await h.principals.verifyToken(token.accessToken)).toEqual(principal);
    expect(await h.principals.verifyToken(`${token.accessToken}x`)).toBeUndefined();
    expect(await h.principals.verifyToken('')).toBeUndefined();
    expect(await h.principals.verifyToken(undefined as never)).toBeUndefined();
    clock.advance(HOUR);
    expect(await h.principals.verifyToken(token.accessToken)).toBeUndefined();
    await expectRegistryError(
      h.principals.issueToken(principal, 0),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
      /ttlSeconds/,
    );
    await expectRegistryError(
      h.principals.issueToken(principal, 1.5),
      GrpcCode.INVALID_ARGUMENT,
      RegistryErrorReason.INVALID_ARGUMENT,
    );
  });

  it('deletes a principal with its tokens; unknown ids are 5', async () => {
    const { principal, clientSecret } = await h.principals.createPrincipal(
      uniqueName('gone'),
      'admin',
    );
    const { accessToken } = await h.principals.issueToken(principal, 600);
    await h.principals.deletePrincipal(principal.id);
    expect(await h.principals.verifyToken(accessToken)).toBeUndefined();
    expect(await h.principals.verifyClientCredentials(principal.id, clientSecret)).toBeUndefined();
    await expectRegistryError(
      h.principals.deletePrincipal(principal.id),
      GrpcCode.NOT_FOUND,
      RegistryErrorReason.PRINCIPAL_NOT_FOUND,
    );
    await expectRegistryError(
      h.principals.issueToken(principal, 600),
      GrpcCode.NOT_FOUND,
      RegistryErrorReason.PRINCIPAL_NOT_FOUND,
    );
  });

  it('stores only hashes of secrets and tokens', async () => {
    const { principal, clientSecret } = await h.principals.createPrincipal(
      uniqueName('hash'),
      'viewer',
    );
    const { accessToken } = await h.principals.issueToken(principal, 600);
    const dump = JSON.stringify([
      await rawQuery(h.options, 'select * from principals'),
      await rawQuery(h.options, 'select * from tokens'),
    ]);
    expect(dump).not.toContain(clientSecret);
    expect(dump).not.toContain(accessToken);
    expect(dump).toContain('scrypt$');
  });
});

describe.each(testEngines())('deleting the last admin (%s)', (engine) => {
  const h = useStorage(engine);

  afterEach(async () => {
    for (const p of await h.principals.listPrincipals()) {
      await h.principals.deletePrincipal(p.id, { allowLastAdmin: true });
    }
  });

  it('refuses the last admin (9) unless allowLastAdmin, and says what is left', async () => {
    const admin = (await h.principals.createPrincipal('only-admin', 'admin')).principal;
    const viewer = (await h.principals.createPrincipal('a-viewer', 'viewer')).principal;
    await expectRegistryError(
      h.principals.deletePrincipal(admin.id),
      GrpcCode.FAILED_PRECONDITION,
      RegistryErrorReason.LAST_ADMIN,
      /last admin.*Create another admin first/,
    );
    expect(await h.principals.countPrincipals()).toBe(2);
    expect(await h.principals.deletePrincipal(viewer.id)).toEqual({
      principal: viewer,
      adminsLeft: 1,
      principalsLeft: 1,
    });
    expect(await h.principals.deletePrincipal(admin.id, { allowLastAdmin: true })).toEqual({
      principal: admin,
      adminsLeft: 0,
      principalsLeft: 0,
    });
  });

  it('concurrent deletes of the last two admins leave one of them', async () => {
    for (let round = 0; round < 5; round += 1) {
      const a = (await h.principals.createPrincipal(`admin-a-${round}`, 'admin')).principal;
      const b = (await h.principals.createPrincipal(`admin-b-${round}`, 'admin')).principal;
      const outcomes = await Promise.allSettled([
        h.principals.deletePrincipal(a.id),
        h.principals.deletePrincipal(b.id),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ reason: RegistryErrorReason.LAST_ADMIN });
      expect((await h.principals.listPrincipals()).map((p) => p.role)).toEqual(['admin']);
      for (const p of await h.principals.listPrincipals()) {
        await h.principals.deletePrincipal(p.id, { allowLastAdmin: true });
      }
    }
  });
});
