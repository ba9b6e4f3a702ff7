import { openTestStorage, startTestRegistry, type TestRegistry } from '@imprint/registry/testing';
import { completeVersion, expectStatus, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Safe targets (SSRF): with the defaults a webhook must be https and reach a
 * public address — checked at create, and again after DNS at every delivery.
 */
describe('webhook targets', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(() => registry.close());

  const createWith = (url: string) =>
    registry.request('POST', '/imprint/v1/webhooks', { body: { name: 'target', url } });

  it('refuses plain http unless the operator allows it', async () => {
    const refused = expectStatus(await createWith('http://hooks.example.com/imprint'), 400, 3);
    expect(refused.details[0].reason).toBe('REGISTRY_ERR_WEBHOOK_URL_INVALID');
    expect(refused.message).toContain('--webhooks-allow-http');
  });

  it('refuses URLs with credentials, and what is not an absolute URL', async () => {
    for (const url of [
      'https://user:pw@hooks.example.com/',
      '/relative',
      'ftp://hooks.example.com/',
    ]) {
      const refused = expectStatus(await createWith(url), 400, 3);
      expect(refused.details[0].reason).toBe('REGISTRY_ERR_WEBHOOK_URL_INVALID');
    }
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://127.1.2.3:8443/hook',
    'https://10.0.0.5/hook',
    'https://172.16.4.4/hook',
    'https://192.168.1.10/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:a9fe:a9fe]/hook',
  ])('refuses the internal address in %s at create (400 / code 3)', async (url) => {
    const refused = expectStatus(await createWith(url), 400, 3);
    expect(refused.details[0].reason).toBe('REGISTRY_ERR_WEBHOOK_TARGET_REFUSED');
    expect(refused.message).toContain('--webhooks-allow-private');
  });

  it('refuses a host name that resolves to an internal address, before connecting', async () => {
    const refused = expectStatus(await createWith('https://localhost:9/hook'), 400, 9);
    expect(refused.details[0].reason).toBe('REGISTRY_ERR_WEBHOOK_VERIFICATION_FAILED');
    expect(refused.message).toMatch(
      /localhost resolves to (127\.0\.0\.1|::1), an internal address/,
    );
    const listed = ok(await registry.request('GET', '/imprint/v1/webhooks'));
    expect(listed.webhooks).toEqual([]);
  });

  it('checks again at delivery: a target allowed once is refused after the operator withdraws it', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    const opened = await openTestStorage('sqlite');
    const viaName = receiver.url.replace('127.0.0.1', 'localhost');
    try {
      const permissive = await startTestRegistry({
        storage: opened.storage,
        server: { webhooks: { allowPrivateTargets: true, allowHttpTargets: true } },
      });
      const created = ok(
        await permissive.request('POST', '/imprint/v1/webhooks', {
          body: { name: 'was-allowed', url: viaName },
        }),
      );
      await permissive.close();
      const verifications = receiver.received.length;

      const strict = await startTestRegistry({
        storage: opened.storage,
        server: { webhooks: { allowHttpTargets: true, pollIntervalMs: 20, retryDelaysMs: [50] } },
      });
      try {
        ok(await strict.request('PUT', `${strict.base}/buckets`, { body: { name: 'ssrf' } }));
        await completeVersion(strict, 'ssrf', fingerprint('ssrf'));
        const path = `/imprint/v1/webhooks/${created.webhook.id}/deliveries`;
        const deadline = Date.now() + 10_000;
        let delivery: any;
        while (Date.now() < deadline) {
          delivery = ok(await strict.request('GET', path)).deliveries[0];
          if (delivery?.state === 'failed') break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(delivery).toMatchObject({ state: 'failed', attempts: 2, last_status: null });
        expect(delivery.last_error).toContain('an internal address');
        expect(receiver.received).toHaveLength(verifications);
      } finally {
        await strict.close();
      }
    } finally {
      await opened.dispose();
      await receiver.stop();
    }
  });
});
