import { createTestDatabase } from '@imprint/registry/testing';
import { spawnRegistry } from '../helpers/registry-process';

jest.setTimeout(60_000);

/*
 * The metrics flags of `imprint-registry serve`, through the real bin.
 * (Listening on a non-loopback address is only ever refused here: tests
 * listen on 127.0.0.1.)
 */
describe('imprint-registry serve: metrics flags', () => {
  it.each([
    [
      'a non-loopback --metrics-listen without --metrics-public',
      ['--metrics-listen', '0.0.0.0:0'],
      /--metrics-listen 0\.0\.0\.0:0 would serve \/metrics without authentication.*add --metrics-public/,
    ],
    [
      '--no-metrics with --metrics-listen',
      ['--no-metrics', '--metrics-listen', '127.0.0.1:0'],
      /--no-metrics turns metrics off: drop it, or drop --metrics-listen/,
    ],
    [
      '--metrics-public alone',
      ['--metrics-public'],
      /--metrics-public applies to --metrics-listen/,
    ],
  ])('refuses %s, naming the flags', async (_case, flags, message) => {
    const registry = spawnRegistry(['serve', '--data-dir', ':memory:', ...flags]);
    expect(await registry.exit).not.toBe(0);
    expect(registry.stderr()).toMatch(message);
  });

  it('serves /metrics on IMPRINT_METRICS_LISTEN, and says where', async () => {
    const database = await createTestDatabase('sqlite');
    const registry = spawnRegistry(
      ['serve', '--data-dir', database.location.dataDir, '--listen', '127.0.0.1:0'],
      { IMPRINT_METRICS_LISTEN: '127.0.0.1:0' },
      { sources: true },
    );
    try {
      const url = await registry.ready();
      const [, metricsUrl] = await registry.waitFor(/"metrics_url":"([^"]+)"/);
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      const text = await (await fetch(metricsUrl)).text();
      expect(text).toMatch(/^# TYPE imprint_http_requests_total counter$/m);
    } finally {
      const code = await registry.stop();
      // The output says why, when it did not stop cleanly.
      expect({ code, stderr: code === 0 ? '' : registry.stderr() }).toEqual({
        code: 0,
        stderr: '',
      });
      await database.drop();
    }
  });
});
