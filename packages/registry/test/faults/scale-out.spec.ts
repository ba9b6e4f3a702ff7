import { READ_STALENESS_BOUND_MS } from '@imprint/registry';
import { spawnServe, type RegistryProcess } from '../helpers/registry-process';
import {
  canRunThrowawayPostgres,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../helpers/throwaway-postgres';
import { type JsonResponse, requestJson } from '@imprint/registry/testing';

/*
 * Two registry processes on one PostgreSQL database, as behind a load
 * balancer: what one writes the other reads within the documented bound;
 * their sweepers never act twice; completions through both keep every
 * invariant; a database restart in the middle loses no acknowledged write.
 */
const describeIfPostgres = canRunThrowawayPostgres() ? describe : describe.skip;

jest.setTimeout(240_000);

interface Instance {
  readonly process: RegistryProcess;
  readonly url: string;
  /** `…/packer/2023-01-01/organizations/<org>/projects/<project>` */
  readonly base: string;
}

async function startInstance(pg: ThrowawayPostgres): Promise<Instance> {
  const registry = spawnServe(pg.url, '--sweep-interval', '500ms');
  const url = await registry.ready();
  const [, org, project] = await registry.waitFor(
    /HCP_ORGANIZATION_ID=([0-9a-f-]+) HCP_PROJECT_ID=([0-9a-f-]+)/,
  );
  return {
    process: registry,
    url,
    base: `${url}/packer/2023-01-01/organizations/${org}/projects/${project}`,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function body(response: JsonResponse, what: string): any {
  if (response.status !== 200) {
    throw new Error(`${what}: HTTP ${response.status}: ${response.text}`);
  }
  return response.body;
}

/** Sends through `instance`, retrying 503s (what hcp-sdk-go and @imprint/client do). */
async function call(
  instance: Instance,
  method: string,
  path: string,
  payload?: unknown,
): Promise<JsonResponse> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await requestJson(`${instance.base}${path}`, method, {
      ...(payload === undefined ? {} : { body: payload }),
    }).catch(() => undefined);
    if (response && response.status !== 503) return response;
    if (attempt > 100) throw new Error(`${method} ${path}: still unavailable`);
    await sleep(100);
  }
}

/** CreateVersion, CreateBuild, UpdateBuild DONE, each step through either instance. */
async function complete(
  via: readonly Instance[],
  bucket: string,
  fingerprint: string,
): Promise<void> {
  const pick = (i: number) => via[i % via.length];
  const created = await call(pick(0), 'POST', `/buckets/${bucket}/versions`, {
    fingerprint,
    template_type: 'HCL2',
  });
  // 409 / 6: a create whose answer was lost in a restart went through; carry on.
  if (created.status !== 200 && created.body?.code !== 6) body(created, 'CreateVersion');
  const builds = body(
    await call(pick(1), 'GET', `/buckets/${bucket}/versions/${fingerprint}/builds`),
    'ListBuilds',
  );
  let buildId: string | undefined = builds.builds[0]?.id;
  if (buildId === undefined) {
    const build = await call(pick(1), 'POST', `/buckets/${bucket}/versions/${fingerprint}/builds`, {
      component_type: 'amazon-ebs.scale',
    });
    if (build.status === 409) {
      // A create whose answer was lost went through.
      const again = body(
        await call(pick(1), 'GET', `/buckets/${bucket}/versions/${fingerprint}/builds`),
        'ListBuilds',
      );
      buildId = again.builds[0].id as string;
    } else {
      buildId = body(build, 'CreateBuild').build.id as string;
    }
  }
  body(
    await call(pick(2), 'PATCH', `/buckets/${bucket}/versions/${fingerprint}/builds/${buildId}`, {
      status: 'BUILD_DONE',
      platform: 'aws',
      artifacts: [{ external_identifier: `ami-${fingerprint}`, region: 'us-east-1' }],
    }),
    'UpdateBuild',
  );
}

describeIfPostgres('two registry instances on one PostgreSQL database', () => {
  let pg: ThrowawayPostgres;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    a = await startInstance(pg);
    b = await startInstance(pg);
  });
  afterAll(async () => {
    await a?.process.stop();
    await b?.process.stop();
    await pg?.remove();
  });

  it('reads through one what was written through the other, within the staleness bound', async () => {
    body(await call(a, 'PUT', '/buckets', { name: 'shared' }), 'CreateBucket');
    await complete([a], 'shared', 'v-one');
    await complete([a], 'shared', 'v-two');
    body(
      await call(a, 'POST', '/buckets/shared/channels', {
        name: 'prod',
        version_fingerprint: 'v-one',
      }),
      'CreateChannel',
    );
    // Cached on b now.
    const read = async () =>
      body(await call(b, 'GET', '/buckets/shared/channels/prod'), 'GetChannel').channel.version
        ?.fingerprint as string | undefined;
    expect(await read()).toBe('v-one');
    expect(await read()).toBe('v-one');
    for (let round = 0; round < 5; round += 1) {
      const target = round % 2 === 0 ? 'v-two' : 'v-one';
      body(
        await call(a, 'PATCH', '/buckets/shared/channels/prod', {
          update_mask: 'versionFingerprint',
          version_fingerprint: target,
        }),
        'UpdateChannel',
      );
      const written = Date.now();
      while ((await read()) !== target) {
        expect(Date.now() - written).toBeLessThanOrEqual(READ_STALENESS_BOUND_MS);
        await sleep(5);
      }
    }
  });

  it('never applies a scheduled revocation twice, with both instances sweeping', async () => {
    const buckets = Array.from({ length: 12 }, (_, i) => `sweep-${i}`);
    for (const [i, bucket] of buckets.entries()) {
      const via = i % 2 === 0 ? a : b;
      body(await call(via, 'PUT', '/buckets', { name: bucket }), 'CreateBucket');
      await complete([via], bucket, 'v-one');
      await complete([via], bucket, 'v-two');
      body(
        await call(via, 'POST', `/buckets/${bucket}/channels`, {
          name: 'prod',
          version_fingerprint: 'v-one',
        }),
        'CreateChannel',
      );
      body(
        await call(via, 'PATCH', `/buckets/${bucket}/channels/prod`, {
          update_mask: 'versionFingerprint',
          version_fingerprint: 'v-two',
        }),
        'UpdateChannel',
      );
    }
    for (const [i, bucket] of buckets.entries()) {
      body(
        await call(i % 2 === 0 ? b : a, 'PATCH', `/buckets/${bucket}/versions/v-two`, {
          revoke_in: '2s',
        }),
        'UpdateVersion',
      );
    }
    // Both sweep every 500 ms; the schedules come due within 2 s.
    await sleep(4_000);
    for (const bucket of buckets) {
      const history = body(
        await call(a, 'GET', `/buckets/${bucket}/channels/prod/history`),
        'History',
      ).history as { author_id: string; version: { fingerprint: string } | null }[];
      // Newest first: exactly one rollback to v-one by the registry, after v-one and v-two.
      expect(history.map((h) => [h.author_id, h.version?.fingerprint])).toEqual([
        ['Imprint', 'v-one'],
        ['anonymous', 'v-two'],
        ['anonymous', 'v-one'],
      ]);
      const latest = body(await call(b, 'GET', `/buckets/${bucket}/channels/latest`), 'latest');
      expect(latest.channel.version.fingerprint).toBe('v-one');
    }
  });

  it('keeps every invariant under completions through both, across a PostgreSQL restart', async () => {
    const buckets = ['load-a', 'load-b', 'load-c'];
    for (const bucket of buckets)
      body(await call(a, 'PUT', '/buckets', { name: bucket }), 'bucket');
    const acknowledged: [string, string][] = [];
    let counter = 0;
    let running = true;
    const worker = async (offset: number) => {
      while (running) {
        counter += 1;
        const fingerprint = `load-${counter}`;
        const bucket = buckets[counter % buckets.length];
        const order = offset % 2 === 0 ? [a, b] : [b, a];
        await complete(order, bucket, fingerprint);
        acknowledged.push([bucket, fingerprint]);
      }
    };
    const workers = [0, 1, 2, 3, 4, 5].map(worker);
    try {
      await sleep(2_000);
      await pg.down('fast');
      await sleep(1_000);
      await pg.up();
      await sleep(2_000);
    } finally {
      running = false;
      await Promise.all(workers);
    }
    expect(a.process.child.exitCode).toBeNull();
    expect(b.process.child.exitCode).toBeNull();
    expect(acknowledged.length).toBeGreaterThan(30);

    for (const bucket of buckets) {
      const versions: { fingerprint: string; name: string; status: string }[] = [];
      let token = '';
      do {
        const page = body(
          await call(
            b,
            'GET',
            `/buckets/${bucket}/versions?pagination.page_size=1000${token ? `&pagination.next_page_token=${token}` : ''}`,
          ),
          'ListVersions',
        );
        versions.push(...page.versions);
        token = page.pagination?.next_page_token ?? '';
      } while (token);
      // Every acknowledged completion is there and complete.
      const names = new Map(versions.map((v) => [v.fingerprint, v.name]));
      for (const [inBucket, fingerprint] of acknowledged.filter(([x]) => x === bucket)) {
        expect({ fingerprint, complete: names.get(fingerprint) !== 'v0' }).toEqual({
          fingerprint,
          complete: true,
        });
        expect(inBucket).toBe(bucket);
      }
      // vN gapless and unique.
      const numbers = versions
        .map((v) => Number(v.name.slice(1)))
        .filter((n) => n > 0)
        .sort((x, y) => x - y);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
      // latest on the newest complete version, and each channel at the head of its history.
      for (const via of [a, b]) {
        const latest = body(await call(via, 'GET', `/buckets/${bucket}/channels/latest`), 'latest');
        expect(latest.channel.version.name).toBe(`v${numbers.length}`);
        const history = body(
          await call(
            via,
            'GET',
            `/buckets/${bucket}/channels/latest/history?pagination.page_size=1`,
          ),
          'history',
        );
        expect(history.history[0].version.id).toBe(latest.channel.version.id);
      }
    }
    for (const instance of [a, b]) {
      expect((await requestJson(`${instance.url}/readyz`, 'GET')).status).toBe(200);
      expect(instance.process.stdout()).not.toMatch(/"level":50/);
    }
  });
});
