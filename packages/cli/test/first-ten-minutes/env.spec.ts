import { useTestRegistry } from '@imprint/registry/testing';
import { runToEnd } from '../helpers/bin';

jest.setTimeout(60_000);

describe('credentials from the environment', () => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { principals: [{ name: 'ci', role: 'admin' }], clientAs: 'ci' },
  );

  beforeAll(async () => {
    await registry.client.upsertBucket('env-bucket', { description: 'for 12.9' });
  });

  it('12.9 HCP_CLIENT_ID / HCP_CLIENT_SECRET alone sign the CLI in', async () => {
    const { clientId, clientSecret } = registry.credentials.get('ci')!;
    const anonymous = await runToEnd(['buckets', 'list', '--registry', registry.url]);
    expect(anonymous.code).toBe(3);

    const hcp = await runToEnd(['buckets', 'list', '--registry', registry.url, '--json'], {
      HCP_CLIENT_ID: clientId,
      HCP_CLIENT_SECRET: clientSecret,
    });
    expect(hcp.stderr).toBe('');
    expect(hcp.code).toBe(0);
    expect(JSON.parse(hcp.stdout)).toEqual([expect.objectContaining({ name: 'env-bucket' })]);
  });

  it('12.9 IMPRINT_CLIENT_ID / IMPRINT_CLIENT_SECRET win over HCP_*', async () => {
    const { clientId, clientSecret } = registry.credentials.get('ci')!;
    const imprintWins = await runToEnd(['buckets', 'list', '--registry', registry.url], {
      IMPRINT_CLIENT_ID: clientId,
      IMPRINT_CLIENT_SECRET: clientSecret,
      HCP_CLIENT_ID: clientId,
      HCP_CLIENT_SECRET: 'not-the-secret',
    });
    expect(imprintWins.code).toBe(0);
    expect(imprintWins.stdout).toContain('env-bucket');

    const wrongImprint = await runToEnd(['buckets', 'list', '--registry', registry.url], {
      IMPRINT_CLIENT_ID: clientId,
      IMPRINT_CLIENT_SECRET: 'not-the-secret',
      HCP_CLIENT_ID: clientId,
      HCP_CLIENT_SECRET: clientSecret,
    });
    expect(wrongImprint.code).toBe(3);
  });
});
