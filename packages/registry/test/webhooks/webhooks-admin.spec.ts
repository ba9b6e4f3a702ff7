import { testEngines, useTestRegistry } from '@imprint/registry/testing';
import {
  ROLE_PRINCIPALS,
  completeVersion,
  expectStatus,
  ok,
  roleTokens,
  type PrincipalRole,
} from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';
import { WebhookReceiver } from '../helpers/webhook-receiver';

jest.setTimeout(30_000);

/** Enough short retries that a delivery stays pending for the length of a test. */
const RETRY_DELAYS_MS = Array.from({ length: 50 }, () => 200);
const HOOKS = '/imprint/v1/webhooks';
const VERIFICATION = 'hashicorp.webhook.verification';

/**
 * The webhooks admin API beyond create/delete: paging and filtering
 * deliveries, enabling and disabling. A real receiver on 127.0.0.1, the
 * registry's deliverer, both engines.
 */
describe.each(testEngines())('webhooks admin (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    {
      engine,
      principals: ROLE_PRINCIPALS,
      clientAs: 'admin-sp',
      server: {
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
  let tokens: Record<PrincipalRole, string>;
  beforeAll(async () => {
    await receiver.start();
    tokens = await roleTokens(registry);
  });
  afterAll(() => receiver.stop());

  /** A request as the admin principal. */
  const req = (method: string, path: string, body?: unknown) =>
    registry.request(method, path, {
      token: tokens.admin,
      ...(body === undefined ? {} : { body }),
    });

  const create = async (name: string): Promise<{ id: string; secret: string }> => {
    const { webhook, secret } = ok(await req('POST', HOOKS, { name, url: receiver.url }));
    return { id: webhook.id, secret };
  };
  const setEnabled = (id: string, enabled: boolean) => req('PATCH', `${HOOKS}/${id}`, { enabled });
  const deliveries = async (id: string, query = ''): Promise<any[]> =>
    ok(await req('GET', `${HOOKS}/${id}/deliveries?pagination.page_size=1000${query}`)).deliveries;

  /** A completed version of a new bucket, whose revocation can be flipped to make events. */
  const newVersion = async (bucket: string) => {
    ok(await req('PUT', `${registry.base}/buckets`, { name: bucket }));
    const fp = fingerprint(bucket);
    await completeVersion(registry, bucket, fp, { token: tokens.admin });
    const path = `${registry.base}/buckets/${bucket}/versions/${fp}`;
    let revoked = false;
    /** One event: revokes the version, or restores it. */
    const flip = async () => {
      ok(
        await req(
          'PATCH',
          path,
          revoked ? { restore: true } : { revoke_at: new Date().toISOString() },
        ),
      );
      revoked = !revoked;
    };
    return { fp, flip };
  };
  /** Events (not verification) the receiver got for `fp`, signed by `secret` (one webhook's). */
  const eventsFor = (fp: string, secret: string) =>
    receiver
      .events()
      .filter((r) => r.json.event_payload?.version?.fingerprint === fp && r.signedBy(secret));

  it('pages through deliveries newest first, with no duplicates or gaps, and filters by state', async () => {
    const hook = await create('paged');
    const { fp, flip } = await newVersion(`wp-${engine}`);
    for (let i = 0; i < 6; i++) await flip();
    // The version's own events and the six flips, all sent.
    await waitUntil(async () => (await deliveries(hook.id, '&state=delivered')).length >= 8);
    await waitUntil(async () => (await deliveries(hook.id, '&state=pending')).length === 0);

    const everything = await deliveries(hook.id);
    const n = everything.length;
    expect(n).toBeGreaterThanOrEqual(8);
    const created = everything.map((d) => d.created_at);
    expect([...created].sort().reverse()).toEqual(created);

    const paged: any[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ 'pagination.page_size': '3' });
      if (token) query.set('pagination.next_page_token', token);
      const page = ok(await req('GET', `${HOOKS}/${hook.id}/deliveries?${query.toString()}`));
      expect(page.deliveries.length).toBeLessThanOrEqual(3);
      paged.push(...page.deliveries);
      token = page.pagination.next_page_token || undefined;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(n / 3));
    expect(paged.map((d) => d.id)).toEqual(everything.map((d) => d.id));
    expect(new Set(paged.map((d) => d.id)).size).toBe(n);

    // Without a page size: the registry's default page (50), with no next page here.
    const first = ok(await req('GET', `${HOOKS}/${hook.id}/deliveries`));
    expect(first.deliveries).toHaveLength(n);
    expect(first.pagination.next_page_token ?? '').toBe('');

    expect(await deliveries(hook.id, '&state=failed')).toEqual([]);
    expect(await deliveries(hook.id, '&state=delivered')).toHaveLength(n);
    expect(eventsFor(fp, hook.secret)).toHaveLength(n);

    // The client walks the pages the same way.
    const { webhooks } = registry.client;
    const viaClient: string[] = [];
    for await (const d of webhooks.paginateDeliveries(hook.id, { pageSize: 2 })) {
      viaClient.push(d.id);
    }
    expect(viaClient).toEqual(everything.map((d) => d.id));
    const page = await webhooks.deliveries(hook.id, { pageSize: 4, state: 'delivered' });
    expect(page.deliveries.map((d) => d.id)).toEqual(viaClient.slice(0, 4));
    const rest = await webhooks.deliveries(hook.id, {
      pageSize: 4,
      state: 'delivered',
      nextPageToken: page.pagination.next_page_token,
    });
    expect(rest.deliveries.map((d) => d.id)).toEqual(viaClient.slice(4, 8));
    expect((await webhooks.update(hook.id, { enabled: false })).webhook.enabled).toBe(false);
    ok(await req('DELETE', `${HOOKS}/${hook.id}`));
  });

  it('holds pending deliveries and records no events while disabled; enabling delivers what waited', async () => {
    const hook = await create('switched');
    const { fp, flip } = await newVersion(`ws-${engine}`);
    await waitUntil(async () => (await deliveries(hook.id, '&state=pending')).length === 0);
    const initial = (await deliveries(hook.id)).length;

    // Events fail (500) and stay pending; the webhook is disabled while they wait.
    receiver.status = (n) =>
      receiver.received[n - 1]?.json.event_source === VERIFICATION ? 200 : 500;
    try {
      await flip();
      await waitUntil(async () =>
        (await deliveries(hook.id, '&state=pending')).some((d) => d.attempts >= 1),
      );
      const disabled = ok(await setEnabled(hook.id, false));
      expect(disabled.webhook).toMatchObject({ id: hook.id, enabled: false });
      receiver.status = 200;
      // A send already under way when it was disabled may still land; wait it out.
      await sleep(300);
      const sentBefore = eventsFor(fp, hook.secret).length;

      // Nothing is recorded for a disabled webhook.
      await flip();
      await sleep(600);
      expect(eventsFor(fp, hook.secret)).toHaveLength(sentBefore);
      const held = await deliveries(hook.id, '&state=pending');
      expect(held).toHaveLength(1);
      expect(await deliveries(hook.id)).toHaveLength(initial + 1);
      const listed = ok(await req('GET', HOOKS)).webhooks.find((w: any) => w.id === hook.id);
      expect(listed.enabled).toBe(false);

      // Disabling again changes nothing.
      expect(ok(await setEnabled(hook.id, false)).webhook.enabled).toBe(false);

      const verifications = receiver.received.filter((r) => r.json.event_source === VERIFICATION);
      const enabled = ok(await setEnabled(hook.id, true));
      expect(enabled.webhook.enabled).toBe(true);
      const sent = receiver.received.filter((r) => r.json.event_source === VERIFICATION);
      expect(sent).toHaveLength(verifications.length + 1);
      expect(sent.at(-1)!.signedBy(hook.secret)).toBe(true);

      await waitUntil(async () => (await deliveries(hook.id, '&state=pending')).length === 0);
      const done = (await deliveries(hook.id, '&state=delivered')).map((d) => d.id);
      expect(done).toEqual(expect.arrayContaining([held[0].id]));
      expect(done).toHaveLength(initial + 1);
      await receiver.waitFor(() =>
        eventsFor(fp, hook.secret).some((r) => r.deliveryId === held[0].id),
      );
    } finally {
      receiver.status = 200;
    }
    ok(await req('DELETE', `${HOOKS}/${hook.id}`));
  });

  it('refuses to enable a webhook whose target does not answer 2xx, and keeps it disabled', async () => {
    const hook = await create('refused-enable');
    ok(await setEnabled(hook.id, false));
    receiver.status = 500;
    try {
      const refused = expectStatus(await setEnabled(hook.id, true), 400, 9);
      expect(refused.message).toContain('HTTP 500');
      expect(refused.message).toMatch(
        /^The webhook was not enabled: .* then enable the webhook again\.$/,
      );
      expect(refused.details[0].reason).toBe('REGISTRY_ERR_WEBHOOK_VERIFICATION_FAILED');
    } finally {
      receiver.status = 200;
    }
    const listed = ok(await req('GET', HOOKS)).webhooks.find((w: any) => w.id === hook.id);
    expect(listed.enabled).toBe(false);
    expect(ok(await setEnabled(hook.id, true)).webhook.enabled).toBe(true);
    ok(await req('DELETE', `${HOOKS}/${hook.id}`));
  });

  it('answers bad input with 400 naming the field, and an unknown webhook with 404', async () => {
    const hook = await create('bad-input');
    const path = `${HOOKS}/${hook.id}`;
    const badState = expectStatus(await req('GET', `${path}/deliveries?state=lost`), 400, 3);
    expect(badState.message).toContain('state');
    expect(badState.message).toMatch(/pending.*delivered.*failed/);
    for (const size of ['-1', 'ten', '100000']) {
      const bad = expectStatus(
        await req('GET', `${path}/deliveries?pagination.page_size=${size}`),
        400,
        3,
      );
      expect(bad.message).toContain('page_size');
    }
    expectStatus(
      await req('GET', `${path}/deliveries?pagination.next_page_token=bm90LWEtdG9rZW4`),
      400,
      3,
    );

    const badBodies: [unknown, string][] = [
      [{}, 'body.enabled is required'],
      [{ enabled: 'yes' }, 'body.enabled must be boolean'],
      // Unknown fields are refused, not dropped: a misspelt field must not read as "no change".
      [{ enabled: true, url: receiver.url }, 'body has an invalid key "url"'],
      [{ enable: false }, 'body.enabled is required'],
      [[], 'body'],
    ];
    for (const [body, message] of badBodies) {
      const bad = expectStatus(await req('PATCH', path, body), 400, 3);
      expect(bad.message).toContain(message);
    }
    expect(ok(await req('GET', HOOKS)).webhooks.find((w: any) => w.id === hook.id).enabled).toBe(
      true,
    );
    expectStatus(await setEnabled('01J9ZKW0000000000000000000', true), 404, 5);
    expectStatus(await req('GET', `${HOOKS}/01J9ZKW0000000000000000000/deliveries`), 404, 5);
    expectStatus(await setEnabled('nope', true), 400, 3);
    ok(await req('DELETE', path));
  });

  it('is for admins only', async () => {
    const hook = await create('admins-only');
    for (const role of ['contributor', 'viewer'] as const) {
      const token = tokens[role];
      expectStatus(
        await registry.request('PATCH', `${HOOKS}/${hook.id}`, { token, body: { enabled: false } }),
        403,
        7,
      );
      expectStatus(
        await registry.request('GET', `${HOOKS}/${hook.id}/deliveries?state=failed`, { token }),
        403,
        7,
      );
    }
    const listed = ok(await req('GET', HOOKS)).webhooks.find((w: any) => w.id === hook.id);
    expect(listed.enabled).toBe(true);
    ok(await req('DELETE', `${HOOKS}/${hook.id}`));
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}
