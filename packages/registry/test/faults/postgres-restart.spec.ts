import { spawnServe, type RegistryProcess } from '../helpers/registry-process';
import {
  canRunThrowawayPostgres,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../helpers/throwaway-postgres';
import { type JsonResponse, requestJson } from '@imprint/registry/testing';

/*
 * Regression: the registry process died when PostgreSQL restarted — an
 * unhandled 'error' from a pooled connection the server closed — and it
 * exited at start when PostgreSQL was not up yet. A real registry process
 * on a PostgreSQL cluster of this test's own, stopped (fast and immediate)
 * and started under load.
 */
const describeIfPostgres = canRunThrowawayPostgres() ? describe : describe.skip;

jest.setTimeout(180_000);

interface Api {
  readonly url: string;
  readonly base: string;
}

async function apiOf(registry: RegistryProcess): Promise<Api> {
  const url = await registry.ready();
  const [, org, project] = await registry.waitFor(
    /HCP_ORGANIZATION_ID=([0-9a-f-]+) HCP_PROJECT_ID=([0-9a-f-]+)/,
  );
  return { url, base: `${url}/packer/2023-01-01/organizations/${org}/projects/${project}` };
}

/** Polls `/readyz` until 200; resolves with how long that took. */
async function untilReady(api: Api, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const response = await requestJson(`${api.url}/readyz`, 'GET').catch(() => undefined);
    if (response?.status === 200) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error('the registry did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writers creating versions and readers reading them back, until stopped. */
function startLoad(api: Api, bucket: string) {
  const statuses = new Map<number, number>();
  const acknowledged: string[] = [];
  const bodies500: string[] = [];
  let running = true;
  let counter = 0;
  const note = (response: JsonResponse) => {
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500 && response.status !== 503) bodies500.push(response.text);
  };
  const worker = async (): Promise<void> => {
    while (running) {
      counter += 1;
      const fingerprint = `load-${counter}`;
      const created = await requestJson(`${api.base}/buckets/${bucket}/versions`, 'POST', {
        body: { fingerprint, template_type: 'HCL2' },
      }).catch(() => undefined);
      if (created) {
        note(created);
        if (created.status === 200) acknowledged.push(fingerprint);
        if (created.status === 503) {
          expect(created.headers.get('retry-after')).toBe('1');
          expect(created.body).toMatchObject({
            code: 14,
            details: [{ reason: 'REGISTRY_ERR_DATABASE_UNAVAILABLE' }],
          });
        }
      }
      const read = await requestJson(`${api.base}/buckets/${bucket}/channels/latest`, 'GET').catch(
        () => undefined,
      );
      if (read) note(read);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const workers = Array.from({ length: 4 }, () => worker());
  return {
    statuses,
    acknowledged,
    bodies500,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

describeIfPostgres('the registry through PostgreSQL restarts', () => {
  let pg: ThrowawayPostgres;
  const processes: RegistryProcess[] = [];

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
  });
  afterAll(async () => {
    for (const p of processes) await p.stop();
    await pg?.remove();
  });

  it('stays up through fast and immediate stops under load, answers 503, serves within a second of the restart', async () => {
    const registry = spawnServe(pg.url, '--sweep-interval', '1s');
    processes.push(registry);
    const api = await apiOf(registry);
    expect(
      (await requestJson(`${api.base}/buckets`, 'PUT', { body: { name: 'restarts' } })).status,
    ).toBe(200);
    const load = startLoad(api, 'restarts');
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      for (const mode of ['fast', 'immediate'] as const) {
        await pg.down(mode);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(registry.child.exitCode).toBeNull();
        const ready = await requestJson(`${api.url}/readyz`, 'GET');
        expect(ready.status).toBe(503);
        expect(ready.headers.get('retry-after')).toBe('1');
        expect(ready.body.code).toBe(14);
        expect(ready.body.message).toMatch(/PostgreSQL database cannot serve .*ECONNREFUSED/);
        await pg.up();
        expect(await untilReady(api)).toBeLessThan(1_000);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    } finally {
      await load.stop();
    }

    // Idle pooled connections die with the next stop too; the process must outlive that.
    await pg.down('fast');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await pg.up();
    await untilReady(api);
    expect(registry.child.exitCode).toBeNull();

    expect(load.bodies500).toEqual([]);
    expect([...load.statuses.keys()].sort()).toEqual([200, 503]);
    // Every acknowledged write is there.
    for (const fingerprint of load.acknowledged) {
      const got = await requestJson(`${api.base}/buckets/restarts/versions/${fingerprint}`, 'GET');
      expect({ fingerprint, status: got.status }).toEqual({ fingerprint, status: 200 });
    }
    expect(load.acknowledged.length).toBeGreaterThan(20);
    expect(registry.stdout()).toMatch(/the postgres database is unavailable/);
    expect(registry.stdout()).toMatch(/the postgres database answers again/);
    expect(registry.stdout()).not.toMatch(/"level":50/);
    expect(await registry.stop()).toBe(0);
  });

  it('waits for PostgreSQL at start, logging why, and gives up after --database-wait', async () => {
    await pg.down('fast');
    try {
      const impatient = spawnServe(pg.url, '--database-wait', '1s');
      processes.push(impatient);
      expect(await impatient.exit).toBe(1);
      expect(impatient.stderr()).toMatch(
        /waiting for PostgreSQL at 127\.0\.0\.1:\d+\/imprint_test \(connect ECONNREFUSED/,
      );
      expect(impatient.stderr()).toMatch(
        /did not answer within 1s \(connect ECONNREFUSED[^)]*\); start it, check the database URL, or wait longer \(--database-wait\)/,
      );

      const patient = spawnServe(pg.url, '--database-wait', '60s');
      processes.push(patient);
      await patient.waitFor(
        /waiting for PostgreSQL at .*giving up in \d+(\.\d)?s \(--database-wait\)/,
      );
      expect(patient.child.exitCode).toBeNull();
      await pg.up();
      const api = await apiOf(patient);
      expect(await untilReady(api)).toBeLessThan(1_000);
      expect(await patient.stop()).toBe(0);
    } finally {
      await pg.up().catch(() => undefined);
    }
  });
});
