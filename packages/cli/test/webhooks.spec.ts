import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXIT } from '@imprint/cli';
import { useTestRegistry } from '@imprint/registry/testing';
import { imprint } from './helpers/os-images';

/** `imprint webhooks`: against a real registry and a real receiver on 127.0.0.1. */
describe('imprint webhooks', () => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { server: { webhooks: { allowPrivateTargets: true, allowHttpTargets: true } } },
  );
  const reg = () => ['--registry', registry.server.url];
  const bodies: any[] = [];
  let status = 200;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(status).end();
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((resolve) => receiver.close(resolve)));

  it('creates, lists, tests, shows deliveries of and deletes a webhook', async () => {
    const created = await imprint([
      'webhooks',
      'create',
      'cli-hook',
      url,
      '--event',
      'version.revoke',
      ...reg(),
      '--json',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(EXIT.OK);
    const { webhook, secret } = JSON.parse(created.stdout);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(bodies.at(-1).event_source).toBe('hashicorp.webhook.verification');

    const listed = await imprint(['webhooks', 'list', ...reg()]);
    expect(listed.stdout).toContain('cli-hook');
    expect(listed.stdout).toContain('version.revoke');
    expect(listed.stdout).not.toContain(secret);

    expect(await imprint(['webhooks', 'test', webhook.id, ...reg()])).toMatchObject({
      code: EXIT.OK,
      stdout: 'ok: the target answered HTTP 200\n',
    });
    status = 503;
    const failing = await imprint(['webhooks', 'test', webhook.id, ...reg()]);
    status = 200;
    expect(failing).toMatchObject({ code: 1, stdout: 'failed: the target answered HTTP 503\n' });

    const deliveries = await imprint(['webhooks', 'deliveries', webhook.id, ...reg()]);
    expect(deliveries.stdout.split('\n')[0]).toMatch(/^ID\s+EVENT\s+STATE\s+ATTEMPTS/);

    const refused = await imprint(['webhooks', 'delete', webhook.id, ...reg()]);
    expect(refused.code).toBe(EXIT.USAGE);
    expect(await imprint(['webhooks', 'delete', webhook.id, '--yes', ...reg()])).toMatchObject({
      code: EXIT.OK,
    });
    const gone = await imprint(['webhooks', 'delete', webhook.id, '--yes', ...reg()]);
    expect(gone.code).toBe(EXIT.FAILED);
    expect(gone.stderr).toContain('does not exist');
  });

  it('disables and enables a webhook by name, and lists its deliveries by state', async () => {
    const created = await imprint(['webhooks', 'create', 'cli-switch', url, ...reg(), '--json']);
    expect(created.code).toBe(EXIT.OK);
    const { webhook } = JSON.parse(created.stdout);

    expect(await imprint(['webhooks', 'disable', 'cli-switch', ...reg()])).toMatchObject({
      code: EXIT.OK,
      stdout: `Disabled webhook cli-switch (${webhook.id})\n`,
    });
    const listed = await imprint(['webhooks', 'list', ...reg()]);
    expect(listed.stdout.split('\n')[0]).toMatch(/\bENABLED\b/);
    expect(listed.stdout.split('\n').find((l) => l.includes('cli-switch'))).toMatch(/\bno\b/);

    // Enabling sends the verification event first: a target answering 500 keeps it disabled.
    status = 500;
    const refused = await imprint(['webhooks', 'enable', webhook.id, ...reg()]);
    status = 200;
    expect(refused.code).toBe(EXIT.FAILED);
    expect(refused.stderr).toContain('did not accept the verification event');
    const sent = bodies.length;
    const enabled = await imprint(['webhooks', 'enable', 'cli-switch', ...reg(), '--json']);
    expect(enabled.code).toBe(EXIT.OK);
    expect(JSON.parse(enabled.stdout).webhook).toMatchObject({ id: webhook.id, enabled: true });
    expect(bodies.length).toBe(sent + 1);
    expect(bodies.at(-1).event_source).toBe('hashicorp.webhook.verification');

    const failed = await imprint([
      'webhooks',
      'deliveries',
      'cli-switch',
      '--state',
      'failed',
      '--page-size',
      '5',
      ...reg(),
      '--json',
    ]);
    expect(failed.code).toBe(EXIT.OK);
    expect(JSON.parse(failed.stdout)).toEqual({ deliveries: [], pagination: {} });
    const every = await imprint(['webhooks', 'deliveries', webhook.id, '--all', ...reg()]);
    expect(every.code).toBe(EXIT.OK);
    expect(every.stdout.split('\n')[0]).toMatch(/^ID\s+EVENT\s+STATE/);

    const unknown = await imprint(['webhooks', 'disable', 'no-such-hook', ...reg()]);
    expect(unknown.code).toBe(EXIT.FAILED);
    expect(unknown.stderr).toContain("No webhook has the id or name 'no-such-hook'");
    await imprint(['webhooks', 'delete', webhook.id, '--yes', ...reg()]);
  });

  it('refuses bad --state and --page-size values before any request (exit 2)', async () => {
    // An unreachable registry: a request would fail with another exit code.
    const nowhere = ['--registry', 'http://127.0.0.1:9'];
    const state = await imprint(['webhooks', 'deliveries', 'x', '--state', 'lost', ...nowhere]);
    expect(state.code).toBe(EXIT.USAGE);
    expect(state.stderr).toContain('--state');
    expect(state.stderr).toContain('pending, delivered, failed');
    for (const size of ['0', 'ten', '100000']) {
      const bad = await imprint(['webhooks', 'deliveries', 'x', '--page-size', size, ...nowhere]);
      expect(bad.code).toBe(EXIT.USAGE);
      expect(bad.stderr).toContain('--page-size');
      expect(bad.stderr).toContain('from 1 to 1000');
    }
  });

  it('refuses an unknown event before any request (exit 2)', async () => {
    const result = await imprint([
      'webhooks',
      'create',
      'x-hook',
      url,
      '--event',
      'nope',
      ...reg(),
    ]);
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.stderr).toContain("unknown event 'nope'");
  });

  it('shows why the registry refused a target', async () => {
    status = 404;
    const result = await imprint(['webhooks', 'create', 'bad-hook', url, ...reg()]);
    status = 200;
    expect(result.code).toBe(EXIT.FAILED);
    expect(result.stderr).toContain('did not accept the verification event');
  });
});
