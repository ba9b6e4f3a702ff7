import { createTestDatabase, testEngines, type TestDatabase } from '@imprint/registry/testing';
import { spawnRegistry, type RegistryProcess } from '../helpers/registry-process';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/*
 * The outbox across processes: the real `imprint-registry serve` in child
 * processes. A change committed by a process killed with SIGKILL before it
 * delivered is delivered once after a restart; two processes over one
 * PostgreSQL database deliver every event exactly once between them.
 */

jest.setTimeout(120_000);

function serve(db: TestDatabase, ...extra: string[]): RegistryProcess {
  const { dataDir, databaseUrl } = db.location;
  const storage = databaseUrl ? ['--database', databaseUrl] : ['--data-dir', dataDir];
  return spawnRegistry(
    [
      'serve',
      ...storage,
      '--listen',
      '127.0.0.1:0',
      '--webhooks-allow-private',
      '--webhooks-allow-http',
      '--sweep-interval',
      '0s',
      ...extra,
    ],
    {},
    { sources: true },
  );
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text);
}

/** The Packer API prefix of the registry at `base`. */
async function packerBase(base: string): Promise<string> {
  const orgs = await call(base, 'GET', '/resource-manager/2019-12-10/organizations');
  const org = orgs.organizations[0].id as string;
  const projects = await call(
    base,
    'GET',
    `/resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=${org}`,
  );
  return `/packer/2023-01-01/organizations/${org}/projects/${projects.projects[0].id as string}`;
}

/** Creates `fp` in `bucket` with one build and completes it: one `version.complete` event. */
async function publish(base: string, prefix: string, bucket: string, fp: string): Promise<void> {
  const versions = `${prefix}/buckets/${bucket}/versions`;
  await call(base, 'POST', versions, { fingerprint: fp, template_type: 'HCL2' });
  const { build } = await call(base, 'POST', `${versions}/${fp}/builds`, {
    component_type: 'amazon-ebs.ubuntu',
    status: 'BUILD_RUNNING',
    packer_run_uuid: 'run-1',
  });
  await call(base, 'PATCH', `${versions}/${fp}/builds/${build.id as string}`, {
    status: 'BUILD_DONE',
    platform: 'aws',
    artifacts: [{ external_identifier: `ami-${fp}`, region: 'us-east-1' }],
  });
}

describe.each(testEngines())('webhook outbox across processes (%s)', (engine) => {
  let db: TestDatabase;
  const receiver = new WebhookReceiver();
  const running: RegistryProcess[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await receiver.start();
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await receiver.stop();
    await db.drop();
  });

  it('delivers, once, an event whose process was killed (SIGKILL) before delivering it', async () => {
    // This process never delivers: the event can only reach the receiver through the outbox.
    const first = serve(db, '--webhooks-poll-interval', '0s');
    running.push(first);
    const base = await first.ready();
    const prefix = await packerBase(base);
    // Completions only: each publish is also a create and, for latest, an assign.
    await call(base, 'POST', '/imprint/v1/webhooks', {
      name: 'crash',
      url: receiver.url,
      events: ['version.complete'],
    });
    await call(base, 'PUT', `${prefix}/buckets`, { name: 'crash' });
    await publish(base, prefix, 'crash', 'before-kill');
    first.child.kill('SIGKILL');
    await first.exit;
    expect(receiver.events()).toHaveLength(0);

    const second = serve(db, '--webhooks-poll-interval', '50ms');
    running.push(second);
    const restarted = await second.ready();
    await receiver.waitFor(() => receiver.events().length >= 1);
    // Give a duplicate the time to show up, were there one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = receiver.events();
    expect(events).toHaveLength(1);
    expect(events[0]!.json).toMatchObject({
      event_action: 'complete',
      event_payload: {
        bucket: { name: 'crash' },
        version: { fingerprint: 'before-kill', name: 'v1' },
      },
    });
    const { webhooks } = await call(restarted, 'GET', '/imprint/v1/webhooks');
    const { deliveries } = await call(
      restarted,
      'GET',
      `/imprint/v1/webhooks/${webhooks[0].id as string}/deliveries`,
    );
    expect(deliveries).toEqual([
      expect.objectContaining({ state: 'delivered', attempts: 1, event: 'version.complete' }),
    ]);
    await second.stop();
  });

  const postgresOnly = engine === 'postgres' ? it : it.skip;
  postgresOnly('two processes over one database deliver each event exactly once', async () => {
    receiver.received.length = 0;
    const a = serve(db, '--webhooks-poll-interval', '10ms');
    const b = serve(db, '--webhooks-poll-interval', '10ms');
    running.push(a, b);
    const [baseA, baseB] = await Promise.all([a.ready(), b.ready()]);
    const prefix = await packerBase(baseA!);
    await call(baseA!, 'PUT', `${prefix}/buckets`, { name: 'pair' });
    const EVENTS = 40;
    // Both processes take writes; both poll the one outbox.
    await Promise.all(
      Array.from({ length: EVENTS }, (_, i) =>
        publish(
          i % 2 === 0 ? baseA! : baseB!,
          prefix,
          'pair',
          `pair-${String(i).padStart(2, '0')}`,
        ),
      ),
    );
    await receiver.waitFor(
      () =>
        receiver.events().filter((r) => r.json.event_payload.bucket.name === 'pair').length >=
        EVENTS,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pair = receiver.events().filter((r) => r.json.event_payload.bucket.name === 'pair');
    expect(pair).toHaveLength(EVENTS);
    expect(new Set(pair.map((r) => r.deliveryId)).size).toBe(EVENTS);
    expect(new Set(pair.map((r) => r.json.event_payload.version.fingerprint)).size).toBe(EVENTS);
    await Promise.all([a.stop(), b.stop()]);
  });
});
