import { buildRegistryServer, openRegistryStorage, startRegistryServer } from '@imprint/registry';
import {
  createTestDatabase,
  requestJson,
  startTestRegistry,
  testEngines,
  useTestRegistry,
  type TestRegistry,
} from '@imprint/registry/testing';
import { ROLE_PRINCIPALS, completeVersion, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';

jest.setTimeout(30_000);

/**
 * The value of one sample of the text exposition: `name` with exactly the
 * labels given (in any order), or `undefined` when there is none.
 * (compat/contract/metrics_test.go parses the same text with Prometheus's own parser.)
 */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = (match[2] ?? '')
      .split(/,(?=\w+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (got === wanted) return Number(match[3]);
  }
  return undefined;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

async function token(registry: TestRegistry, name: string): Promise<string> {
  const { clientId, clientSecret } = registry.credentials.get(name)!;
  const response = await registry.request('POST', '/oauth2/token', {
    raw: 'grant_type=client_credentials&audience=https%3A%2F%2Fapi.hashicorp.cloud',
    contentType: 'application/x-www-form-urlencoded',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
  });
  return ok(response).access_token;
}

/** The counters of what the domain committed, 0 where absent. */
function counts(text: string) {
  return {
    done: sample(text, 'imprint_builds_completed_total', { status: 'BUILD_DONE' }) ?? 0,
    failed: sample(text, 'imprint_builds_completed_total', { status: 'BUILD_FAILED' }) ?? 0,
    versions: sample(text, 'imprint_versions_completed_total') ?? 0,
    immediate: sample(text, 'imprint_revocations_total', { kind: 'immediate' }) ?? 0,
    scheduled: sample(text, 'imprint_revocations_total', { kind: 'scheduled' }) ?? 0,
    applied: sample(text, 'imprint_revocations_applied_total') ?? 0,
  };
}

describe.each(testEngines())('GET /metrics (%s)', (engine) => {
  const registry = useTestRegistry({ beforeAll, afterAll }, { engine });
  const metrics = () => scrape(`${registry.url}/metrics`);

  it('counts requests by operation, method and status, with durations and in-flight requests', async () => {
    const before = await metrics();
    const route = { route: 'GetRegistry', method: 'GET', status: '200' };
    const count = sample(before, 'imprint_http_requests_total', route) ?? 0;
    ok(await registry.request('GET', `${registry.base}/registry`));
    ok(await registry.request('GET', `${registry.base}/registry`));
    const missing = await registry.request('GET', `${registry.base}/buckets/no-such-bucket`);
    expect(missing.status).toBe(404);
    expect((await registry.request('GET', '/no/such/path')).status).toBe(404);

    const after = await metrics();
    expect(sample(after, 'imprint_http_requests_total', route)).toBe(count + 2);
    expect(
      sample(after, 'imprint_http_requests_total', {
        route: 'GetBucket',
        method: 'GET',
        status: '404',
      }),
    ).toBe(1);
    // Raw URLs never become label values: every unrouted path is one series.
    expect(after).not.toContain('no-such-bucket');
    expect(after).not.toContain('/no/such/path');
    expect(
      sample(after, 'imprint_http_requests_total', {
        route: 'unmatched',
        method: 'GET',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'imprint_http_request_duration_seconds_count', route)).toBe(count + 2);
    expect(
      sample(after, 'imprint_http_request_duration_seconds_bucket', { ...route, le: '+Inf' }),
    ).toBe(count + 2);
    // The scrape itself is the one request in flight while it renders.
    expect(sample(after, 'imprint_http_requests_in_flight')).toBe(1);
    expect(after).toMatch(/^# TYPE imprint_http_request_duration_seconds histogram$/m);
  });

  it('reports statement timings for the engine, and the pool on PostgreSQL', async () => {
    const text = await metrics();
    const ok_ = { engine, outcome: 'ok' };
    expect(sample(text, 'imprint_db_query_duration_seconds_count', ok_)).toBeGreaterThan(0);
    const pool = sample(text, 'imprint_db_pool_connections');
    if (engine === 'postgres') {
      expect(pool).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'imprint_db_pool_idle_connections')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'imprint_db_pool_waiting_requests')).toBe(0);
    } else {
      expect(pool).toBeUndefined();
    }
  });

  it('counts builds, version completions and revocations, and read-cache hits', async () => {
    const base = `${registry.base}/buckets/metrics-flow`;
    ok(
      await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'metrics-flow' } }),
    );
    const start = await metrics();
    const withHits = (text: string) => ({
      ...counts(text),
      hits: sample(text, 'imprint_read_cache_hits_total') ?? 0,
    });
    const before = withHits(start);

    const versions: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const fp = fingerprint();
      versions.push(fp);
      ok(await registry.request('POST', `${base}/versions`, { body: { fingerprint: fp } }));
      const builds = [];
      for (const component of ['a', 'b']) {
        builds.push(
          ok(
            await registry.request('POST', `${base}/versions/${fp}/builds`, {
              body: { component_type: `null.${component}` },
            }),
          ).build.id as string,
        );
      }
      for (const id of builds) {
        ok(
          await registry.request('PATCH', `${base}/versions/${fp}/builds/${id}`, {
            body: {
              status: 'BUILD_DONE',
              platform: 'aws',
              artifacts: [{ external_identifier: `ami-${id}` }],
            },
          }),
        );
      }
    }
    const failing = fingerprint();
    ok(await registry.request('POST', `${base}/versions`, { body: { fingerprint: failing } }));
    const failed = ok(
      await registry.request('POST', `${base}/versions/${failing}/builds`, {
        body: { component_type: 'null.x' },
      }),
    ).build.id;
    ok(
      await registry.request('PATCH', `${base}/versions/${failing}/builds/${failed}`, {
        body: { status: 'BUILD_FAILED' },
      }),
    );
    // Completing an already complete version changes nothing, and counts nothing.
    ok(
      await registry.request('PATCH', `${base}/versions/${versions[0]}`, {
        body: { complete: true },
      }),
    );
    ok(
      await registry.request('PATCH', `${base}/versions/${versions[0]}`, {
        body: { revoke_in: '0s' },
      }),
    );
    ok(
      await registry.request('PATCH', `${base}/versions/${versions[1]}`, {
        body: { revoke_at: '2999-01-01T00:00:00Z' },
      }),
    );
    for (let i = 0; i < 3; i += 1) ok(await registry.request('GET', `${base}/channels/latest`));

    // Counted at commit, before the response: no waiting.
    const after = withHits(await metrics());
    expect(after).toEqual({
      done: before.done + 4,
      failed: before.failed + 1,
      versions: before.versions + 2,
      immediate: before.immediate + 1,
      scheduled: before.scheduled + 1,
      applied: before.applied + 1,
      hits: expect.any(Number),
    });
    expect(after.hits).toBeGreaterThanOrEqual(before.hits + 2);
  });

  it('counts the revocations descendants inherit, and nothing for writes that fail', async () => {
    const parentBucket = `metrics-base-${engine}`;
    const childBucket = `metrics-app-${engine}`;
    for (const name of [parentBucket, childBucket]) {
      ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name } }));
    }
    const image = `ami-metrics-${engine}`;
    const parentFp = fingerprint('mparent');
    const parent = await completeVersion(registry, parentBucket, parentFp, {
      artifact: () => ({ external_identifier: image, region: 'us-east-1' }),
    });
    const child = { sourceExternalIdentifier: image, parentVersionId: parent.id };
    await completeVersion(registry, childBucket, fingerprint('mchild'), child);
    const before = counts(await metrics());

    const parentPath = `${registry.base}/buckets/${parentBucket}/versions/${parentFp}`;
    ok(await registry.request('PATCH', parentPath, { body: { revoke_in: '0s' } }));
    // One revoke request; two versions whose revocation took effect (the parent, the child).
    expect(counts(await metrics())).toEqual({
      ...before,
      immediate: before.immediate + 1,
      applied: before.applied + 2,
    });

    // A child completed under the revoked parent inherits it from the start.
    await completeVersion(registry, childBucket, fingerprint('mlate'), child);
    const revoked = counts(await metrics());
    expect(revoked).toEqual({
      ...before,
      done: before.done + 1,
      versions: before.versions + 1,
      immediate: before.immediate + 1,
      applied: before.applied + 3,
    });

    // Refused writes count nothing: revoking a revoked version, finishing a finished build.
    expect(
      (await registry.request('PATCH', parentPath, { body: { revoke_in: '0s' } })).status,
    ).toBe(400);
    const { builds } = ok(await registry.request('GET', `${parentPath}/builds`));
    const finished = await registry.request('PATCH', `${parentPath}/builds/${builds[0].id}`, {
      body: { status: 'BUILD_FAILED' },
    });
    expect(finished.status).toBeGreaterThanOrEqual(400);
    expect(counts(await metrics())).toEqual(revoked);
  });

  it('counts the builds the stale-build sweep cancels', async () => {
    const base = `${registry.base}/buckets/metrics-stale`;
    ok(
      await registry.request('PUT', `${registry.base}/buckets`, {
        body: { name: 'metrics-stale' },
      }),
    );
    const fp = fingerprint('stale');
    ok(await registry.request('POST', `${base}/versions`, { body: { fingerprint: fp } }));
    ok(
      await registry.request('POST', `${base}/versions/${fp}/builds`, {
        body: { component_type: 'null.a', status: 'BUILD_RUNNING' },
      }),
    );
    const before = sample(await metrics(), 'imprint_builds_cancelled_total') ?? 0;
    // Swept as if an hour had passed: every running build's heartbeat has stopped.
    const cancelled = await registry.storage.service.cancelStaleBuilds(
      new Date(Date.now() + 3_600_000),
    );
    expect(cancelled).toBeGreaterThanOrEqual(1);
    expect(sample(await metrics(), 'imprint_builds_cancelled_total')).toBe(before + cancelled);
  });

  it('counts the 2021-04-30 API (Packer v1.9.4) alike', async () => {
    const v2021 = registry.base.replace('/2023-01-01/', '/2021-04-30/');
    const call = async (method: string, path: string, body: object) =>
      ok(await registry.request(method, `${v2021}${path}`, { body }));
    const done = { status: 'BUILD_DONE' };
    const before = sample(await metrics(), 'imprint_builds_completed_total', done) ?? 0;
    const versionsBefore = sample(await metrics(), 'imprint_versions_completed_total') ?? 0;
    const revokedBefore =
      sample(await metrics(), 'imprint_revocations_total', { kind: 'immediate' }) ?? 0;
    const appliedBefore = sample(await metrics(), 'imprint_revocations_applied_total') ?? 0;
    await call('PUT', '/images', { bucket_slug: 'metrics-21' });
    const { iteration } = await call('POST', '/images/metrics-21/iterations', {
      fingerprint: fingerprint('metrics-21'),
    });
    const { build } = await call('POST', `/images/metrics-21/iterations/${iteration.id}`, {
      build: { component_type: 'null.a', status: 'UNSET', images: null },
    });
    await call('PATCH', `/builds/${build.id}`, {
      updates: { status: 'DONE', cloud_provider: 'null', images: [{ image_id: 'Null' }] },
    });
    // Go's "unset" revoke_at beside revoke_in, as Packer v1.9.4's SDK sends it.
    await call('PATCH', `/iterations/${iteration.id}`, {
      revoke_in: '0s',
      revoke_at: '0001-01-01T00:00:00Z',
    });
    const text = await metrics();
    expect(sample(text, 'imprint_builds_completed_total', done)).toBe(before + 1);
    expect(sample(text, 'imprint_versions_completed_total')).toBe(versionsBefore + 1);
    expect(sample(text, 'imprint_revocations_total', { kind: 'immediate' })).toBe(
      revokedBefore + 1,
    );
    expect(sample(text, 'imprint_revocations_applied_total')).toBe(appliedBefore + 1);
    expect(
      sample(text, 'imprint_http_requests_total', {
        route: 'V2021_UpdateBuild',
        method: 'PATCH',
        status: '200',
      }),
    ).toBe(1);
  });

  it('includes the process metrics, prefixed imprint_', async () => {
    const text = await metrics();
    expect(text).toMatch(/^# TYPE imprint_process_cpu_seconds_total counter$/m);
    expect(sample(text, 'imprint_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^imprint_nodejs_eventloop_lag_seconds /m);
  });
});

const describeOnPostgres = testEngines().includes('postgres') ? describe : describe.skip;

describeOnPostgres('two instances over one PostgreSQL database', () => {
  it('count each change once between them, however the requests are spread', async () => {
    const db = await createTestDatabase('postgres');
    const storages = await Promise.all(
      [0, 1].map(() => openRegistryStorage({ databaseUrl: db.location.databaseUrl })),
    );
    const servers = await Promise.all(
      storages.map((storage) => startRegistryServer({ storage, port: 0, logger: false })),
    );
    try {
      const { organization_id: org, project_id: project } = storages[0].location;
      const prefix = `/packer/2023-01-01/organizations/${org}/projects/${project}`;
      const call = async (i: number, method: string, path: string, body?: unknown) => {
        const response = await requestJson(`${servers[i].url}${prefix}${path}`, method, { body });
        if (response.status !== 200) {
          throw new Error(`${method} ${path}: HTTP ${response.status} ${response.text}`);
        }
        return response.body;
      };
      await call(0, 'PUT', '/buckets', { name: 'metrics-two' });
      const versions = 12;
      // Each version's two builds finish at once, one through each instance:
      // both may see the version complete, only one commit completes it.
      await Promise.all(
        Array.from({ length: versions }, async (_, v) => {
          const fp = fingerprint(`two${v}`);
          const path = `/buckets/metrics-two/versions/${fp}`;
          await call(v % 2, 'POST', '/buckets/metrics-two/versions', { fingerprint: fp });
          const ids: string[] = [];
          for (const component of ['a', 'b']) {
            const { build } = await call(v % 2, 'POST', `${path}/builds`, {
              component_type: `null.${component}`,
              status: 'BUILD_RUNNING',
            });
            ids.push(build.id);
          }
          await Promise.all(
            ids.map((id, i) =>
              call(i, 'PATCH', `${path}/builds/${id}`, {
                status: 'BUILD_DONE',
                artifacts: [{ external_identifier: `ami-${id}`, region: 'r' }],
              }),
            ),
          );
          if (v === 0) await call(1, 'PATCH', path, { revoke_in: '0s' });
        }),
      );
      const both = await Promise.all(servers.map((s) => scrape(`${s.url}/metrics`)));
      const total = both.map(counts).reduce((sum, c) => ({
        done: sum.done + c.done,
        failed: sum.failed + c.failed,
        versions: sum.versions + c.versions,
        immediate: sum.immediate + c.immediate,
        scheduled: sum.scheduled + c.scheduled,
        applied: sum.applied + c.applied,
      }));
      expect(total).toEqual({
        done: versions * 2,
        failed: 0,
        versions,
        immediate: 1,
        scheduled: 0,
        applied: 1,
      });
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await Promise.all(storages.map((s) => s.close()));
      await db.drop();
    }
  });
});

describe('who may read /metrics', () => {
  it('on a non-loopback listener: a viewer token or more, 401 without one', async () => {
    const registry = await startTestRegistry({ principals: ROLE_PRINCIPALS });
    // Built, not listening: the host decides the rule; inject() sends the requests.
    const app = await buildRegistryServer({
      storage: registry.storage,
      host: '0.0.0.0',
      logger: false,
    });
    try {
      const anonymous = await app.inject({ method: 'GET', url: '/metrics' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe(16);
      const viewer = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${await token(registry, 'viewer-sp')}` },
      });
      expect(viewer.statusCode).toBe(200);
      expect(viewer.body).toMatch(/^# TYPE imprint_http_requests_total counter$/m);
    } finally {
      await app.close();
      await registry.close();
    }
  });

  it('on loopback: anyone, even when the registry has principals', async () => {
    const registry = await startTestRegistry({ principals: ROLE_PRINCIPALS });
    try {
      expect((await registry.request('GET', `${registry.base}/registry`)).status).toBe(401);
      await scrape(`${registry.url}/metrics`);
    } finally {
      await registry.close();
    }
  });

  it('is not served with metrics off, and nothing is counted', async () => {
    const registry = await startTestRegistry({ server: { metrics: false } });
    try {
      expect((await fetch(`${registry.url}/metrics`)).status).toBe(404);
      expect(await registry.server.app.metrics.render()).not.toMatch(
        /^imprint_http_requests_total\{/m,
      );
    } finally {
      await registry.close();
    }
  });
});

describe('a separate metrics listener', () => {
  it('serves /metrics there without auth, and not on the main listener', async () => {
    const registry = await startTestRegistry({
      principals: ROLE_PRINCIPALS,
      server: { metrics: { listen: { host: '127.0.0.1', port: 0 } } },
    });
    try {
      const url = registry.server.metricsUrl!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(`${registry.url}/metrics`)).status).toBe(404);
      await registry.request('GET', `${registry.base}/registry`);
      const text = await scrape(url);
      expect(
        sample(text, 'imprint_http_requests_total', {
          route: 'GetRegistry',
          method: 'GET',
          status: '401',
        }),
      ).toBe(1);
      expect((await fetch(url.replace('/metrics', '/healthz'))).status).toBe(404);
      expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    } finally {
      await registry.close();
    }
    await expect(fetch(registry.server.metricsUrl!)).rejects.toThrow();
  });

  it.each([
    [{ host: '0.0.0.0', port: 0 }, /without authentication.*metrics\.public/],
    [{ host: '127.0.0.1', port: 70000 }, /metrics\.listen must be/],
  ])('refuses metrics.listen %o, saying why', async (listen, message) => {
    const registry = await startTestRegistry();
    try {
      const options = { storage: registry.storage, port: 0, logger: false as const };
      await expect(startRegistryServer({ ...options, metrics: { listen } })).rejects.toThrow(
        message,
      );
    } finally {
      await registry.close();
    }
  });

  it('gives webhooks (and any part of the server) a way to add counters', async () => {
    const registry = await startTestRegistry();
    try {
      const { metrics } = registry.server.app;
      const deliveries = metrics.counter({
        name: 'imprint_test_deliveries_total',
        help: 'Test deliveries.',
        labelNames: ['outcome'],
      });
      deliveries.inc({ outcome: 'delivered' });
      const text = await scrape(`${registry.url}/metrics`);
      expect(sample(text, 'imprint_test_deliveries_total', { outcome: 'delivered' })).toBe(1);
      expect(() => metrics.counter({ name: 'deliveries_total', help: 'x' })).toThrow(/imprint_/);
    } finally {
      await registry.close();
    }
  });
});
