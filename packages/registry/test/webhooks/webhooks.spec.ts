import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import { completeVersion, expectStatus, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/** Short retries for the tests: 9 attempts within about a second. */
const RETRY_DELAYS_MS = [100, 100, 100, 100, 100, 100, 100, 100];

/** Webhooks end to end: a real receiver on 127.0.0.1, the registry's deliverer, both engines. */
describe.each(testEngines())('webhooks (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    {
      engine,
      server: {
        // Tests allow loopback and http explicitly; the defaults refuse both (see ssrf spec).
        webhooks: {
          allowPrivateTargets: true,
          allowHttpTargets: true,
          pollIntervalMs: 25,
          retryDelaysMs: RETRY_DELAYS_MS,
        },
      },
    },
  );
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  const newBucket = async (name: string) => {
    ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name } }));
    return name;
  };

  const create = async (name: string, extra: Record<string, unknown> = {}) => {
    const created = ok(
      await registry.request('POST', '/imprint/v1/webhooks', {
        body: { name, url: receiver.url, ...extra },
      }),
    );
    return created;
  };

  /** `imprint_webhook_deliveries_total{outcome}` from /metrics (loopback: no token needed). */
  async function deliveryCount(outcome: string): Promise<number> {
    const text = await (await fetch(`${registry.url}/metrics`)).text();
    const line = new RegExp(
      `^imprint_webhook_deliveries_total\\{outcome="${outcome}"\\} (\\d+)$`,
      'm',
    ).exec(text);
    return Number(line?.[1] ?? 0);
  }

  it('verifies the target at create with a signed verification event; the secret is shown once', async () => {
    const before = receiver.received.length;
    const created = await create('verified');
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.webhook).toMatchObject({ name: 'verified', url: receiver.url, events: [] });
    const verification = receiver.received[before]!;
    expect(verification.json).toMatchObject({
      event_source: 'hashicorp.webhook.verification',
      event_action: 'test',
      event_version: '1',
    });
    expect(verification.signedBy(created.secret)).toBe(true);
    expect(verification.timestampSignedBy(created.secret)).toBe(true);
    expect(verification.signedBy('another secret')).toBe(false);

    const listed = ok(await registry.request('GET', '/imprint/v1/webhooks'));
    const shown = listed.webhooks.find((w: any) => w.id === created.webhook.id);
    expect(shown).toEqual(created.webhook);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    ok(await registry.request('DELETE', `/imprint/v1/webhooks/${created.webhook.id}`));
  });

  it('refuses to create a webhook whose target does not answer 2xx (400 / code 9)', async () => {
    receiver.status = 404;
    try {
      const refused = expectStatus(
        await registry.request('POST', '/imprint/v1/webhooks', {
          body: { name: 'refused', url: receiver.url },
        }),
        400,
        9,
      );
      expect(refused.message).toContain('HTTP 404');
      expect(refused.details[0].reason).toBe('REGISTRY_ERR_WEBHOOK_VERIFICATION_FAILED');
    } finally {
      receiver.status = 200;
    }
    const listed = ok(await registry.request('GET', '/imprint/v1/webhooks'));
    expect(listed.webhooks.map((w: any) => w.name)).not.toContain('refused');
  });

  it('answers bad input with 4xx naming the problem', async () => {
    expectStatus(
      await registry.request('POST', '/imprint/v1/webhooks', {
        body: { name: 'x', url: receiver.url },
      }),
      400,
      3,
    );
    expectStatus(
      await registry.request('POST', '/imprint/v1/webhooks', {
        body: { name: 'bad-events', url: receiver.url, events: ['version.explode'] },
      }),
      400,
      3,
    );
    const notUrl = expectStatus(
      await registry.request('POST', '/imprint/v1/webhooks', {
        body: { name: 'not-a-url', url: 'hooks.example.com' },
      }),
      400,
      3,
    );
    expect(notUrl.details[0].reason).toBe('REGISTRY_ERR_WEBHOOK_URL_INVALID');
    expectStatus(
      await registry.request('DELETE', '/imprint/v1/webhooks/01J9ZKW0000000000000000000'),
      404,
      5,
    );
    expectStatus(await registry.request('DELETE', '/imprint/v1/webhooks/nope'), 400, 3);
  });

  it('delivers signed events for the changes it reports, filtered per webhook', async () => {
    const all = await create('all-events');
    const secretAll = all.secret as string;
    const revokesOnly = ok(
      await registry.request('POST', '/imprint/v1/webhooks', {
        body: {
          name: 'revokes-only',
          url: `${receiver.url}?only=revoke`,
          events: ['version.revoke'],
          secret: secretAll,
        },
      }),
    );
    const bucket = await newBucket(`wh-${engine}`);
    const fp = fingerprint('wh');
    await completeVersion(registry, bucket, fp);
    await receiver.waitFor(() =>
      receiver
        .events()
        .some(
          (r) =>
            r.json.event_action === 'complete' && r.json.event_payload.version.fingerprint === fp,
        ),
    );
    const versionPath = `${registry.base}/buckets/${bucket}/versions/${fp}`;
    ok(
      await registry.request('PATCH', versionPath, {
        body: { revoke_at: new Date().toISOString() },
      }),
    );
    ok(await registry.request('PATCH', versionPath, { body: { restore: true } }));
    ok(await registry.request('PATCH', versionPath, { body: { revoke_in: '24h' } }));
    await receiver.waitFor(() =>
      ['revoke', 'restore', 'schedule-revocation'].every((a) =>
        receiver
          .events()
          .some(
            (r) => r.json.event_action === a && r.json.event_payload.version?.fingerprint === fp,
          ),
      ),
    );
    const mine = receiver.events().filter((r) => r.json.event_payload.version?.fingerprint === fp);
    for (const r of mine) {
      expect(r.signedBy(secretAll)).toBe(true);
      expect(r.timestampSignedBy(secretAll)).toBe(true);
      expect(r.deliveryId).toMatch(/^[0-9A-Z]{26}$/);
      expect(r.json.event_id).toMatch(/^packer\.event:/);
      expect(r.json.resource_id).toBeTruthy();
      expect(r.json.event_payload).toMatchObject({
        bucket: { name: bucket },
        registry: { id: r.json.resource_id },
      });
    }
    const complete = mine.find((r) => r.json.event_action === 'complete')!;
    expect(complete.json).toMatchObject({
      event_source: 'hashicorp.packer.version',
      event_description: 'Completed version',
      event_payload: { version: { name: 'v1', fingerprint: fp } },
    });
    // Its builds and their images: what a receiver tags, deprecates or deletes.
    expect(complete.json.event_payload.builds).toEqual([
      expect.objectContaining({
        component_type: 'amazon-ebs.ubuntu',
        platform: 'aws',
        status: 'BUILD_DONE',
        artifacts: [{ external_identifier: expect.stringMatching(/^ami-/), region: 'us-east-1' }],
      }),
    ]);
    // The filtered webhook got the revocation and nothing else.
    const filtered = receiver.received.filter(
      (r) =>
        r.headers['x-imprint-delivery'] &&
        r.json &&
        r.deliveryId &&
        r.body &&
        r.json.event_source !== 'hashicorp.webhook.verification' &&
        r.json.event_payload.version?.fingerprint === fp,
    );
    const viaFilter = await registry.request(
      'GET',
      `/imprint/v1/webhooks/${revokesOnly.webhook.id}/deliveries`,
    );
    const deliveries = ok(viaFilter).deliveries;
    expect(deliveries.map((d: any) => d.event)).toEqual(['version.revoke']);
    expect(deliveries[0]).toMatchObject({ state: 'delivered', attempts: 1, last_status: 200 });
    expect(filtered.length).toBe(mine.length);

    const allDeliveries = ok(
      await registry.request('GET', `/imprint/v1/webhooks/${all.webhook.id}/deliveries`),
    ).deliveries;
    expect(allDeliveries.map((d: any) => d.event).sort()).toEqual(
      [
        'version.create',
        'version.complete',
        // The completion moved latest.
        'version.assign',
        'version.revoke',
        'version.restore',
        'version.schedule-revocation',
      ].sort(),
    );
    ok(await registry.request('DELETE', `/imprint/v1/webhooks/${all.webhook.id}`));
    ok(await registry.request('DELETE', `/imprint/v1/webhooks/${revokesOnly.webhook.id}`));
  });

  it('reports channel assignments, failed builds and deletions', async () => {
    const hook = await create('lifecycle');
    const bucket = await newBucket(`wl-${engine}`);
    const fp = fingerprint('wl');
    await completeVersion(registry, bucket, fp);
    const bucketPath = `${registry.base}/buckets/${bucket}`;
    ok(
      await registry.request('POST', `${bucketPath}/channels`, {
        body: { name: 'prod', version_fingerprint: fp },
      }),
    );
    ok(
      await registry.request('PATCH', `${bucketPath}/channels/prod`, {
        body: { version_fingerprint: '', update_mask: 'versionFingerprint' },
      }),
    );
    const failing = fingerprint('wf');
    ok(
      await registry.request('POST', `${bucketPath}/versions`, {
        body: { fingerprint: failing, template_type: 'HCL2' },
      }),
    );
    const build = ok(
      await registry.request('POST', `${bucketPath}/versions/${failing}/builds`, {
        body: { component_type: 'amazon-ebs.x', status: 'BUILD_RUNNING', packer_run_uuid: 'run-2' },
      }),
    ).build;
    ok(
      await registry.request('PATCH', `${bucketPath}/versions/${failing}/builds/${build.id}`, {
        body: { status: 'BUILD_FAILED' },
      }),
    );
    ok(await registry.request('DELETE', `${bucketPath}/versions/${fp}`));
    await receiver.waitFor(() => {
      const got = ok_events(receiver, bucket);
      return ['version:assign', 'version:unassign', 'build:fail', 'version:delete'].every((e) =>
        got.includes(e),
      );
    });
    const assigned = receiver
      .events()
      .find(
        (r) =>
          r.json.event_action === 'assign' &&
          r.json.event_payload.bucket.name === bucket &&
          r.json.event_payload.channel.name === 'prod',
      )!;
    expect(assigned.json).toMatchObject({
      event_source: 'hashicorp.packer.version',
      event_description: 'Assigned version to channel',
      event_payload: {
        channel: { name: 'prod', author: 'anonymous' },
        version: { fingerprint: fp },
      },
    });
    const unassigned = receiver
      .events()
      .find(
        (r) => r.json.event_action === 'unassign' && r.json.event_payload.bucket.name === bucket,
      )!;
    expect(unassigned.json.event_payload).toMatchObject({ channel: { name: 'prod' } });
    expect(unassigned.json.event_payload.version).toBeUndefined();
    const failed = receiver
      .events()
      .find((r) => r.json.event_action === 'fail' && r.json.event_payload.bucket.name === bucket)!;
    expect(failed.json.event_payload).toMatchObject({
      build: { id: build.id, component_type: 'amazon-ebs.x' },
      version: { fingerprint: failing },
    });
    ok(await registry.request('DELETE', `/imprint/v1/webhooks/${hook.webhook.id}`));
  });

  it('is managed through RegistryClient.webhooks', async () => {
    const { client } = registry;
    const { webhook, secret } = await client.webhooks.create({
      name: 'via-client',
      url: receiver.url,
      events: ['version.delete'],
    });
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(webhook.events).toEqual(['version.delete']);
    expect((await client.webhooks.list()).webhooks.map((w) => w.name)).toContain('via-client');
    expect(await client.webhooks.test(webhook.id)).toEqual({ ok: true, status: 200, error: null });
    expect((await client.webhooks.deliveries(webhook.id)).deliveries).toEqual([]);
    await client.webhooks.delete(webhook.id);
    await expect(client.webhooks.delete(webhook.id)).rejects.toMatchObject({
      grpcCode: 5,
      reason: 'REGISTRY_ERR_WEBHOOK_NOT_FOUND',
    });
  });

  it('retries while the receiver is down and delivers once it is back', async () => {
    const hook = await create('flaky', { events: ['version.complete'] });
    await receiver.stop();
    const bucket = await newBucket(`wr-${engine}`);
    const fp = fingerprint('wr');
    try {
      await completeVersion(registry, bucket, fp);
      // Two attempts fail (connection refused) before it comes back.
      const deliveriesPath = `/imprint/v1/webhooks/${hook.webhook.id}/deliveries`;
      await waitUntil(async () =>
        ok(await registry.request('GET', deliveriesPath)).deliveries.some(
          (d: any) => d.event === 'version.complete' && d.attempts >= 2,
        ),
      );
      const pending = ok(await registry.request('GET', deliveriesPath)).deliveries.find(
        (d: any) => d.event === 'version.complete',
      );
      expect(pending).toMatchObject({ state: 'pending', delivered_at: null });
      expect(pending.last_error).toMatch(/ECONNREFUSED|connect/);
    } finally {
      await receiver.start();
    }
    await receiver.waitFor(() =>
      receiver.events().some((r) => r.json.event_payload.version?.fingerprint === fp),
    );
    const deliveries = ok(
      await registry.request('GET', `/imprint/v1/webhooks/${hook.webhook.id}/deliveries`),
    ).deliveries;
    const done = deliveries.find((d: any) => d.event === 'version.complete');
    expect(done.state).toBe('delivered');
    expect(
      receiver.events().filter((r) => r.json.event_payload.version?.fingerprint === fp),
    ).toHaveLength(1);
    expect(await deliveryCount('retry')).toBeGreaterThanOrEqual(2);
    expect(await deliveryCount('delivered')).toBeGreaterThanOrEqual(1);
    ok(await registry.request('DELETE', `/imprint/v1/webhooks/${hook.webhook.id}`));
  });

  it('marks a delivery failed after the last retry, visible in its deliveries', async () => {
    const hook = await create('always-500');
    receiver.status = (n) =>
      receiver.received[n - 1]?.json.event_source === 'hashicorp.webhook.verification' ? 200 : 500;
    try {
      const bucket = await newBucket(`wx-${engine}`);
      await completeVersion(registry, bucket, fingerprint('wx'));
      const path = `/imprint/v1/webhooks/${hook.webhook.id}/deliveries`;
      await waitUntil(async () =>
        ok(await registry.request('GET', path)).deliveries.some((d: any) => d.state === 'failed'),
      );
      const failed = ok(await registry.request('GET', path)).deliveries.find(
        (d: any) => d.state === 'failed',
      );
      // The first attempt and one per retry delay.
      expect(failed).toMatchObject({
        attempts: RETRY_DELAYS_MS.length + 1,
        last_status: 500,
        next_attempt_at: null,
      });
      expect(failed.failed_at).not.toBeNull();
      expect(failed.last_error).toContain('HTTP 500');
    } finally {
      receiver.status = 200;
    }
    const tested = ok(
      await registry.request('POST', `/imprint/v1/webhooks/${hook.webhook.id}/test`),
    );
    expect(tested).toEqual({ ok: true, status: 200, error: null });
    ok(await registry.request('DELETE', `/imprint/v1/webhooks/${hook.webhook.id}`));

    // Every attempt is counted in /metrics, by outcome.
    expect(await deliveryCount('failed')).toBeGreaterThanOrEqual(1);
    expect(await deliveryCount('retry')).toBeGreaterThanOrEqual(RETRY_DELAYS_MS.length);
  });
});

function ok_events(receiver: WebhookReceiver, bucket: string): string[] {
  return receiver
    .events()
    .filter((r) => r.json.event_payload.bucket?.name === bucket)
    .map(
      (r) =>
        `${String(r.json.event_source).replace('hashicorp.packer.', '')}:${r.json.event_action}`,
    );
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
