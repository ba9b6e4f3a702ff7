import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { AuditEvent } from '@imprint/client';
import { SQLITE_FILE_NAME } from '@imprint/registry';
import {
  rawQuery,
  startTestRegistry,
  testEngines,
  useTestRegistry,
  type TestRegistry,
} from '@imprint/registry/testing';
import { ROLE_PRINCIPALS, expectStatus, ok, roleTokens, type PrincipalRole } from '../helpers/http';
import { cycloneDx, uploadBody, zstd, zstdReady } from '../helpers/sboms';

jest.setTimeout(30_000);

/** Runs a statement that changes the database, bypassing the registry (rawQuery reads SQLite read-only). */
async function alterDatabase(registry: TestRegistry, statement: string): Promise<void> {
  const location = registry.location!;
  if (location.databaseUrl) {
    await rawQuery(location, statement);
    return;
  }
  const db = new BetterSqlite3(join(location.dataDir!, SQLITE_FILE_NAME));
  try {
    db.pragma('busy_timeout = 5000');
    db.exec(statement);
  } catch (error) {
    // better-sqlite3 builds its SqliteError with the Error of the first test
    // file that loaded it in this jest worker; in any later file it is not an
    // Error of this one, and `rejects.toThrow` reads it as "did not throw".
    throw new Error((error as { message?: string }).message ?? String(error), { cause: error });
  } finally {
    db.close();
  }
}

/** Every entry the audit API lists for `query`, following the page tokens. */
async function allEvents(
  registry: TestRegistry,
  token: string,
  query: Record<string, string> = {},
): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let next = '';
  for (let page = 0; page < 100; page++) {
    const params = new URLSearchParams({ ...query, 'pagination.page_size': '100' });
    if (next) params.set('pagination.next_page_token', next);
    const body = ok(await registry.request('GET', `/imprint/v1/audit?${params}`, { token }));
    events.push(...(body.events as AuditEvent[]));
    next = body.pagination?.next_page_token ?? '';
    if (!next) return events;
  }
  throw new Error('the audit log never ended');
}

/** The entry of the request that answered with `x-request-id: requestId`, once its outcome is recorded. */
async function eventOf(
  registry: TestRegistry,
  token: string,
  requestId: string,
): Promise<AuditEvent> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = (await allEvents(registry, token)).find((e) => e.request_id === requestId);
    if (found && found.outcome !== 'unknown') return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no finished audit entry for request ${requestId}`);
}

/** A value for each path param of the OpenAPI document's routes. */
function fillPath(path: string, registry: TestRegistry): string {
  const values: Record<string, string> = {
    organization_id: registry.organizationId,
    project_id: registry.projectId,
    bucket_name: 'audited',
    bucket_slug: 'audited',
    fingerprint: 'fp-audit',
    iteration_id: '01JAUD1T000000000000000000',
    build_id: '01JAUD1T000000000000000001',
    channel_name: 'audit-chan',
    slug: 'audit-chan',
    principal_id: '01JAUD1T000000000000000002',
    sbom_name: 'sbom',
    webhook_id: '01JAUD1T000000000000000003',
  };
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`no test value for path param ${name} (${path})`);
    return values[name];
  });
}

describe.each(testEngines())('audit log (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS, server: { tokenTtlSeconds: 600 } },
  );
  let tokens: Record<PrincipalRole, string>;

  beforeAll(async () => {
    tokens = await roleTokens(registry);
  });

  it('records every mutating operation of the OpenAPI document, on both API versions', async () => {
    const doc = ok(await registry.request('GET', '/openapi.json'));
    const mutating: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths as Record<string, object>)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
        const { operationId } = operation as { operationId: string };
        mutating.push(operationId);
        const res = await registry.request(method.toUpperCase(), fillPath(path, registry), {
          // The token endpoint records failures only: send wrong credentials.
          ...(operationId === 'Token'
            ? {
                raw: 'grant_type=client_credentials&client_id=nobody&client_secret=wrong',
                contentType: 'application/x-www-form-urlencoded',
              }
            : { token: tokens.admin, body: {} }),
        });
        expect(res.headers.get('x-request-id')).toBeTruthy();
      }
    }
    expect(mutating).toEqual(
      expect.arrayContaining(['CreateBucket', 'V2021_CreateBucket', 'CreatePrincipal', 'Token']),
    );
    let missing: string[] = mutating;
    for (let attempt = 0; attempt < 50 && missing.length > 0; attempt++) {
      const events = await allEvents(registry, tokens.admin);
      const recorded = new Set(
        events.filter((e) => e.outcome !== 'unknown').map((e) => e.operation),
      );
      missing = mutating.filter((op) => !recorded.has(op));
      if (missing.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(missing).toEqual([]);
  });

  it('records who did what, how it ended and where from, and never a token or secret', async () => {
    const created = await registry.request('PUT', `${registry.base}/buckets`, {
      token: tokens.admin,
      body: { name: 'audit-who', description: 'x' },
      headers: { 'user-agent': `imprint-test/1 ${'u'.repeat(400)}` },
    });
    ok(created);
    const event = await eventOf(registry, tokens.admin, created.headers.get('x-request-id')!);
    expect(event).toMatchObject({
      principal_id: registry.credentials.get('admin-sp')!.clientId,
      principal_name: 'admin-sp',
      role: 'admin',
      method: 'PUT',
      route: '/packer/2023-01-01/organizations/:organization_id/projects/:project_id/buckets',
      operation: 'CreateBucket',
      status: 200,
      outcome: 'ok',
      client_address: '127.0.0.1',
    });
    expect(event.user_agent).toHaveLength(256);
    expect(event.user_agent.startsWith('imprint-test/1 ')).toBe(true);
    expect(Date.parse(event.at)).toBeGreaterThan(Date.now() - 60_000);

    const refused = await registry.request('DELETE', `${registry.base}/buckets/audit-who`, {
      token: tokens.contributor,
    });
    expectStatus(refused, 403, 7);
    expect(
      await eventOf(registry, tokens.admin, refused.headers.get('x-request-id')!),
    ).toMatchObject({
      principal_name: 'contributor-sp',
      role: 'contributor',
      operation: 'DeleteBucket',
      resource: 'bucket/audit-who',
      status: 403,
      outcome: 'denied',
      error_reason: 'REGISTRY_ERR_PERMISSION_DENIED',
    });
    ok(
      await registry.request('GET', `${registry.base}/buckets/audit-who`, { token: tokens.admin }),
    );

    const bogus = 'bogus-token-Zq8xLk2Pw9';
    const unauthenticated = await registry.request('GET', `${registry.base}/buckets`, {
      token: bogus,
    });
    expectStatus(unauthenticated, 401, 16);
    const failedAuth = await eventOf(
      registry,
      tokens.admin,
      unauthenticated.headers.get('x-request-id')!,
    );
    expect(failedAuth).toMatchObject({
      method: 'GET',
      operation: 'ListBuckets',
      status: 401,
      outcome: 'denied',
      error_reason: 'REGISTRY_ERR_UNAUTHENTICATED',
    });
    expect(failedAuth.principal_name).toBeUndefined();

    const { clientId } = registry.credentials.get('viewer-sp')!;
    const wrongSecret = 'wrong-secret-Hy7Vb3Qa';
    const badSecret = await registry.request('POST', '/oauth2/token?client_secret=query-secret', {
      raw: `grant_type=client_credentials&client_id=${clientId}&client_secret=${wrongSecret}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(badSecret.status).toBe(401);
    expect(
      await eventOf(registry, tokens.admin, badSecret.headers.get('x-request-id')!),
    ).toMatchObject({ operation: 'Token', route: '/oauth2/token', status: 401, outcome: 'denied' });

    // Every stored column of every entry, as text: no token or secret anywhere.
    const rows = await rawQuery(registry.location!, 'select * from audit_events');
    expect(rows.length).toBeGreaterThan(4);
    const stored = JSON.stringify(rows);
    for (const secret of [
      ...Object.values(tokens),
      bogus,
      wrongSecret,
      'query-secret',
      ...[...registry.credentials.values()].map((c) => c.clientSecret),
    ]) {
      expect(stored).not.toContain(secret);
    }
  });

  it('names what a create request creates in resource, from its body, on both API versions', async () => {
    await zstdReady();
    const v2021 = registry.base.replace('/2023-01-01/', '/2021-04-30/');
    const bucket = `${registry.base}/buckets/audit-made`;
    /** Sends `body` as admin; answers the response body and the finished entry's resource. */
    const created = async (method: string, url: string, body: object) => {
      const res = await registry.request(method, url, { token: tokens.admin, body });
      const answer = ok(res);
      const event = await eventOf(registry, tokens.admin, res.headers.get('x-request-id')!);
      expect(event).toMatchObject({ status: 200, outcome: 'ok' });
      return { answer, resource: event.resource, operation: event.operation };
    };

    expect(await created('PUT', `${registry.base}/buckets`, { name: 'audit-made' })).toMatchObject({
      operation: 'CreateBucket',
      resource: 'bucket/audit-made',
    });
    expect(
      await created('POST', `${bucket}/versions`, { fingerprint: 'audit-made-fp' }),
    ).toMatchObject({
      operation: 'CreateVersion',
      resource: 'bucket/audit-made/version/audit-made-fp',
    });
    expect(await created('POST', `${bucket}/channels`, { name: 'audit-made-ch' })).toMatchObject({
      operation: 'CreateChannel',
      resource: 'bucket/audit-made/channel/audit-made-ch',
    });
    // The server names a build (a ULID): its entry names the version it is in.
    const build = await created('POST', `${bucket}/versions/audit-made-fp/builds`, {
      component_type: 'audit.src',
    });
    expect(build).toMatchObject({
      operation: 'CreateBuild',
      resource: 'bucket/audit-made/version/audit-made-fp',
    });
    const buildId = build.answer.build.id as string;
    expect(
      await created(
        'PUT',
        `${bucket}/versions/audit-made-fp/builds/${buildId}/sboms`,
        uploadBody(zstd(cycloneDx('audit')), 'CYCLONEDX', 'audit-sbom'),
      ),
    ).toMatchObject({
      operation: 'UploadSbom',
      resource: `bucket/audit-made/version/audit-made-fp/build/${buildId}/sbom/audit-sbom`,
    });

    expect(await created('PUT', `${v2021}/images`, { bucket_slug: 'audit-made21' })).toMatchObject({
      operation: 'V2021_CreateBucket',
      resource: 'bucket/audit-made21',
    });
    expect(
      await created('POST', `${v2021}/images/audit-made21/iterations`, {
        fingerprint: 'audit-made-fp21',
      }),
    ).toMatchObject({
      operation: 'V2021_CreateIteration',
      resource: 'bucket/audit-made21/version/audit-made-fp21',
    });
    expect(
      await created('POST', `${v2021}/images/audit-made21/channels`, { slug: 'audit-made-ch21' }),
    ).toMatchObject({
      operation: 'V2021_CreateChannel',
      resource: 'bucket/audit-made21/channel/audit-made-ch21',
    });

    const principal = await created('POST', '/imprint/v1/principals', {
      name: 'audit-made-sp',
      role: 'viewer',
    });
    expect(principal).toMatchObject({
      operation: 'CreatePrincipal',
      resource: 'principal/audit-made-sp',
    });
    const stored = JSON.stringify(await rawQuery(registry.location!, 'select * from audit_events'));
    expect(stored).not.toContain(principal.answer.client_secret);
  });

  it('records a body its schema refuses (400, error) from the path alone, and never another body field', async () => {
    const url = 'https://audit.example/hook?token=Audit-Url-Zq8x';
    const refused = await registry.request('POST', `${registry.base}/buckets/audit-nb/channels`, {
      token: tokens.admin,
      body: { name: url },
    });
    const invalid = expectStatus(refused, 400, 3);
    expect(
      await eventOf(registry, tokens.admin, refused.headers.get('x-request-id')!),
    ).toMatchObject({
      operation: 'CreateChannel',
      resource: 'bucket/audit-nb',
      status: 400,
      outcome: 'error',
      // The reason the caller was answered, not the web framework's own code.
      error_reason: invalid.details[0].reason,
    });
    // Past the body limit (1 MiB): never parsed, recorded all the same.
    const tooLarge = await registry.request('PUT', `${registry.base}/buckets`, {
      token: tokens.admin,
      body: { name: 'audit-too-large', description: 'x'.repeat(1024 * 1024) },
    });
    expectStatus(tooLarge, 413, 3);
    expect(
      await eventOf(registry, tokens.admin, tooLarge.headers.get('x-request-id')!),
    ).toMatchObject({
      operation: 'CreateBucket',
      resource: '',
      status: 413,
      outcome: 'error',
      error_reason: 'REGISTRY_ERR_BODY_TOO_LARGE',
    });

    const described = await registry.request('PUT', `${registry.base}/buckets`, {
      token: tokens.admin,
      body: { name: 'audit-described', description: 'client_secret=Audit-Desc-Hy7Vb3' },
    });
    ok(described);
    expect(
      await eventOf(registry, tokens.admin, described.headers.get('x-request-id')!),
    ).toMatchObject({ resource: 'bucket/audit-described', outcome: 'ok' });

    // Refused by the handler (a loopback target), after its entry named the webhook.
    const secret = 'whsec-Audit-Secret-Pw9Lk2';
    const hook = await registry.request('POST', '/imprint/v1/webhooks', {
      token: tokens.admin,
      body: { name: 'audit-hook', url: 'http://127.0.0.1:9/audit-hook-url', secret },
    });
    expect(hook.status).toBe(400);
    expect(await eventOf(registry, tokens.admin, hook.headers.get('x-request-id')!)).toMatchObject({
      operation: 'CreateWebhook',
      resource: 'webhook/audit-hook',
      status: 400,
      outcome: 'error',
    });

    const stored = JSON.stringify(await rawQuery(registry.location!, 'select * from audit_events'));
    for (const value of ['audit.example', 'Audit-Url-Zq8x', 'Audit-Desc-Hy7Vb3', secret]) {
      expect(stored).not.toContain(value);
    }
    expect(stored).not.toContain('audit-hook-url');
  });

  it('is admin only: viewers and contributors get 403, no token 401', async () => {
    expectStatus(
      await registry.request('GET', '/imprint/v1/audit', { token: tokens.viewer }),
      403,
      7,
    );
    expectStatus(
      await registry.request('GET', '/imprint/v1/audit', { token: tokens.contributor }),
      403,
      7,
    );
    expectStatus(await registry.request('GET', '/imprint/v1/audit'), 401, 16);
  });

  it('filters by principal, operation, outcome, resource and time, newest first, page by page', async () => {
    const before = new Date(Date.now() - 1).toISOString();
    for (const name of ['audit-f1', 'audit-f2', 'audit-f3']) {
      ok(
        await registry.request('PUT', `${registry.base}/buckets`, {
          token: tokens.contributor,
          body: { name },
        }),
      );
    }
    ok(
      await registry.request('PATCH', `${registry.base}/buckets/audit-f2`, {
        token: tokens.contributor,
        body: { description: 'two' },
      }),
    );
    const mine = { principal: 'contributor-sp', since: before };
    let events: AuditEvent[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      events = await allEvents(registry, tokens.admin, { ...mine, outcome: 'ok' });
      if (events.length === 4) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(events.map((e) => [e.operation, e.resource])).toEqual([
      ['UpdateBucket', 'bucket/audit-f2'],
      ['CreateBucket', 'bucket/audit-f3'],
      ['CreateBucket', 'bucket/audit-f2'],
      ['CreateBucket', 'bucket/audit-f1'],
    ]);
    const byId = await allEvents(registry, tokens.admin, {
      principal: registry.credentials.get('contributor-sp')!.clientId,
      since: before,
      outcome: 'ok',
    });
    expect(byId.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(
      (await allEvents(registry, tokens.admin, { ...mine, operation: 'CreateBucket' })).length,
    ).toBe(3);
    expect(
      (await allEvents(registry, tokens.admin, { resource: 'bucket/audit-f2' })).map(
        (e) => e.operation,
      ),
    ).toEqual(['UpdateBucket', 'CreateBucket']);
    expect(await allEvents(registry, tokens.admin, { resource: 'bucket/audit-f' })).toEqual([]);
    expect(await allEvents(registry, tokens.admin, { ...mine, until: before })).toEqual([]);
    expect(await allEvents(registry, tokens.admin, { ...mine, outcome: 'denied' })).toEqual([]);

    // Pages of one: the same entries, in the same order, each once.
    const paged: string[] = [];
    let next = '';
    do {
      const params = new URLSearchParams({ ...mine, outcome: 'ok', 'pagination.page_size': '1' });
      if (next) params.set('pagination.next_page_token', next);
      const body = ok(
        await registry.request('GET', `/imprint/v1/audit?${params}`, { token: tokens.admin }),
      );
      expect(body.events.length).toBeLessThanOrEqual(1);
      paged.push(...body.events.map((e: AuditEvent) => e.id));
      next = body.pagination?.next_page_token ?? '';
    } while (next && paged.length < 10);
    expect(paged).toEqual(events.map((e) => e.id));
  });

  it('refuses bad filters with 400 naming the parameter', async () => {
    const bad = ['outcome=maybe', 'since=yesterday', 'pagination.page_size=-1'];
    for (const query of [...bad, 'pagination.next_page_token=not-a-token!']) {
      const res = await registry.request('GET', `/imprint/v1/audit?${query}`, {
        token: tokens.admin,
      });
      expect(expectStatus(res, 400, 3).message).toMatch(/outcome|since|page/);
    }
  });

  it('is append-only in the database: deletes and rewrites are refused', async () => {
    const [row] = await rawQuery(
      registry.location!,
      "select id from audit_events where outcome <> 'unknown' limit 1",
    );
    expect(row).toBeDefined();
    await expect(alterDatabase(registry, 'delete from audit_events')).rejects.toThrow(
      /append-only/,
    );
    await expect(
      alterDatabase(
        registry,
        `update audit_events set outcome = 'ok' where id = '${String(row.id)}'`,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      alterDatabase(registry, "update audit_events set principal_name = 'someone-else'"),
    ).rejects.toThrow(/append-only/);
  });
});

describe.each(testEngines())('audit log, failing closed and the file sink (%s)', (engine) => {
  it('answers 503 REGISTRY_ERR_AUDIT_UNAVAILABLE and changes nothing when the entry cannot be written', async () => {
    const registry = await startTestRegistry({ engine });
    try {
      ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'kept' } }));
      // The table is gone (prepared statements included: both engines re-check names).
      const off = 'alter table audit_events rename to audit_events_off';
      const on = 'alter table audit_events_off rename to audit_events';
      await alterDatabase(registry, off);
      const refused = await registry.request('PUT', `${registry.base}/buckets`, {
        body: { name: 'never-made' },
      });
      const status = expectStatus(refused, 503, 14);
      expect(status.details[0].reason).toBe('REGISTRY_ERR_AUDIT_UNAVAILABLE');
      expect(status.message).toContain('CreateBucket was not run');
      expect(refused.headers.get('retry-after')).toBe('1');
      expectStatus(await registry.request('DELETE', `${registry.base}/buckets/kept`), 503, 14);
      // Reads do not need the audit log.
      ok(await registry.request('GET', `${registry.base}/buckets/kept`));
      await alterDatabase(registry, on);

      expectStatus(await registry.request('GET', `${registry.base}/buckets/never-made`), 404, 5);
      ok(await registry.request('GET', `${registry.base}/buckets/kept`));
      ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'made' } }));
    } finally {
      await registry.close();
    }
  });

  it('appends each finished entry to --audit-log as a JSON line; a write error is only logged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-audit-'));
    const file = join(dir, 'audit.jsonl');
    const registry = await startTestRegistry({ engine, server: { auditLog: file } });
    const broken = await startTestRegistry({
      engine,
      server: { auditLog: join(dir, 'no-such-dir', 'audit.jsonl') },
    });
    try {
      const res = await registry.request('PUT', `${registry.base}/buckets`, {
        body: { name: 'sunk' },
      });
      ok(res);
      expectStatus(
        await registry.request('PATCH', `${registry.base}/buckets/missing`, { body: {} }),
        404,
        5,
      );
      let lines: AuditEvent[] = [];
      for (let attempt = 0; attempt < 50 && lines.length < 2; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        lines = readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as AuditEvent);
      }
      expect(lines.map((l) => [l.operation, l.outcome, l.status])).toEqual([
        ['CreateBucket', 'ok', 200],
        ['UpdateBucket', 'error', 404],
      ]);
      expect(lines[0]).toMatchObject({
        request_id: res.headers.get('x-request-id'),
        principal_id: 'anonymous',
      });

      ok(await broken.request('PUT', `${broken.base}/buckets`, { body: { name: 'still-made' } }));
      ok(await broken.request('GET', `${broken.base}/buckets/still-made`));
      for (let attempt = 0; attempt < 50; attempt++) {
        if (broken.logs.some((l) => l.includes('cannot write to the audit log file'))) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(broken.logs.some((l) => l.includes('cannot write to the audit log file'))).toBe(true);
    } finally {
      await registry.close();
      await broken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
