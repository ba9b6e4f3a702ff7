import { setTimeout as sleep } from 'node:timers/promises';
import { startTestRegistry, testEngines } from '@imprint/registry/testing';
import { expectStatus, ok } from '../helpers/http';
import { fingerprint } from '../helpers/fixtures';

jest.setTimeout(20_000);

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe.each(testEngines())('server lifecycle (%s)', (engine) => {
  it('cancels builds whose heartbeats stop (sweeper)', async () => {
    const registry = await startTestRegistry({
      engine,
      storageOptions: { heartbeatTimeoutMs: 150 },
      server: { sweepIntervalMs: 50 },
    });
    try {
      const base = `${registry.base}/buckets/sweep`;
      ok(await registry.request('PUT', `${registry.base}/buckets`, { body: { name: 'sweep' } }));
      const fp = fingerprint();
      ok(await registry.request('POST', `${base}/versions`, { body: { fingerprint: fp } }));
      const build = ok(
        await registry.request('POST', `${base}/versions/${fp}/builds`, {
          body: { component_type: 'null.slow' },
        }),
      ).build;
      const path = `${base}/versions/${fp}/builds/${build.id}`;
      ok(await registry.request('PATCH', path, { body: { status: 'BUILD_RUNNING' } }));
      await eventually(
        async () => ok(await registry.request('GET', path)).build.status === 'BUILD_CANCELLED',
      );
      expect(registry.logs.some((line) => line.includes('heartbeats stopped'))).toBe(true);
    } finally {
      await registry.close();
    }
  });

  it('finishes in-flight requests when closed, then refuses connections', async () => {
    const registry = await startTestRegistry({ engine });
    try {
      let push: (chunk: string) => void = () => undefined;
      let end: () => void = () => undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const encoder = new TextEncoder();
          push = (chunk) => controller.enqueue(encoder.encode(chunk));
          end = () => controller.close();
        },
      });
      push('{"name": "in-fli');
      // Node emits 'request' once the headers are in: the request is in flight.
      const arrived = new Promise((resolve) => registry.server.app.server.once('request', resolve));
      const pending = fetch(`${registry.url}${registry.base}/buckets`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      await arrived;

      const closed = registry.close();
      await sleep(50);
      push('ght"}');
      end();
      const response = await pending;
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).bucket.name).toBe('in-flight');
      await closed;
      await expect(fetch(`${registry.url}/healthz`)).rejects.toThrow();
    } finally {
      await registry.close().catch(() => undefined);
    }
  });

  it('/readyz answers 503 / code 14 when the database is gone', async () => {
    const registry = await startTestRegistry({ engine });
    try {
      ok(await registry.request('GET', '/readyz'));
      await registry.storage.close();
      const res = await registry.request('GET', '/readyz');
      const body = expectStatus(res, 503, 14);
      expect(body.message).toContain(engine);
      expect((await registry.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await registry.close();
    }
  });

  it('answers internal errors with 500 / code 13 and no internals', async () => {
    const registry = await startTestRegistry({ engine });
    try {
      ok(await registry.request('GET', `${registry.base}/buckets`));
      await registry.storage.close();
      const res = await registry.request('GET', `${registry.base}/buckets`);
      const body = expectStatus(res, 500, 13);
      expect(body.message).toMatch(/request id/);
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
      expect(registry.logs.some((l) => l.includes('"level":50'))).toBe(true);
    } finally {
      await registry.close();
    }
  });
});
