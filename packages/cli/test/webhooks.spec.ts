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
