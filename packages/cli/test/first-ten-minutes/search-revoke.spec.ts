import { runToEnd, tempDirs, useRegistry } from '../helpers/bin';
import { publishVersion } from './registry-versions';

jest.setTimeout(60_000);

/** `imprint search` and `imprint revoke` (built bin, real registry on 127.0.0.1). */
const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-search-revoke-');

const imprint = (...args: string[]) => runToEnd([...args, '--registry', registry.server.url]);

describe('imprint search', () => {
  it('12.11 an unknown id says "no artifact … in this registry" and exits 1 (not found)', async () => {
    const res = await imprint('search', 'ami-0123456789abcdef0');
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      "imprint: no artifact 'ami-0123456789abcdef0' in this registry: no build of any bucket recorded it (check the id, or that --registry points at the registry the build published to)\n",
    );
    expect(res.code).toBe(1);
  });

  it('12.11 a known id still prints its table and exits 0', async () => {
    await publishVersion(registry.client, 'sr-found', 'sr-found-1');
    const res = await imprint('search', 'sha256:sr-found-1');
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout).toContain('sr-found');
  });
});

describe('imprint revoke', () => {
  it('12.11 prints the descendants that inherited the revocation and where each channel went', async () => {
    const client = registry.client;
    const b1 = await publishVersion(client, 'rv-base', 'rv-base-1');
    const production = await client.createChannel('rv-base', {
      name: 'production',
      version_fingerprint: b1.fingerprint,
    });
    const b2 = await publishVersion(client, 'rv-base', 'rv-base-2');
    await client.updateChannel('rv-base', 'production', {
      version_fingerprint: b2.fingerprint,
      update_mask: 'versionFingerprint',
    });
    await publishVersion(client, 'rv-app', 'rv-app-1', { version: b2, channelId: production.id });
    await client.createChannel('rv-app', { name: 'stable', version_fingerprint: 'rv-app-1' });

    const res = await imprint('revoke', 'rv-base', 'rv-base-2', '--message', 'CVE-2026-0001');
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout.split('\n')).toEqual([
      'rv-base v2 (rv-base-2): VERSION_REVOKED',
      'Descendants revoked (inherited): 1',
      '  rv-app v1 (rv-app-1), from rv-base v2',
      'Channels:',
      '  rv-base/latest rolled back: v2 (rv-base-2) → v1 (rv-base-1)',
      '  rv-base/production rolled back: v2 (rv-base-2) → v1 (rv-base-1)',
      '  rv-app/latest stays on v1 (rv-app-1): no earlier valid version to roll back to',
      '  rv-app/stable stays on v1 (rv-app-1): no earlier valid version to roll back to',
      '',
    ]);
    // What it printed is what the registry holds.
    expect((await client.getChannel('rv-base', 'production')).version?.fingerprint).toBe(
      'rv-base-1',
    );
    expect((await client.getVersion('rv-app', 'rv-app-1')).status).toBe('VERSION_REVOKED');
  });

  it('12.11 a scheduled revocation prints the status only (nothing changed yet)', async () => {
    await publishVersion(registry.client, 'rv-later', 'rv-later-1');
    const res = await imprint('revoke', 'rv-later', 'rv-later-1', '--in', '7d');
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout).toBe('rv-later v1 (rv-later-1): VERSION_REVOCATION_SCHEDULED\n');
  });
});
