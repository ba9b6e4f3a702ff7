import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { createTempDirs } from '@imprint/registry/testing';
import { runBin, runInProcess } from '../bin/cli-run';

jest.setTimeout(60_000);

const dirs = createTempDirs('imprint-tls-create-');
afterAll(() => dirs.cleanup());

async function certificateIn(dir: string): Promise<X509Certificate> {
  return new X509Certificate(await readFile(path.join(dir, 'cert.pem')));
}

describe('imprint-registry tls create', () => {
  it('writes a self-signed root for localhost, 127.0.0.1 and ::1 into <data dir>/tls, the key 0600', async () => {
    const data = await dirs.make();
    const run = await runInProcess(['tls', 'create', '--data-dir', data]);
    expect(run.code).toBe(0);
    const out = path.join(data, 'tls');
    const certFile = path.join(out, 'cert.pem');
    const keyFile = path.join(out, 'key.pem');
    expect(run.stdout).toContain(`certificate: ${certFile}`);
    expect(run.stdout).toContain(`private key: ${keyFile} (mode 0600)`);
    expect(run.stdout).toContain(
      `imprint-registry serve --tls-cert ${certFile} --tls-key ${keyFile}`,
    );
    expect(run.stdout).toContain(`imprint-registry env --tls-cert ${certFile}`);

    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const cert = await certificateIn(out);
    // Names as DNS entries, addresses as IP entries (Go matches an IP only against IP SANs).
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    // Its own root: CA, self-issued, signed by its own key (what `openssl verify -CAfile cert.pem cert.pem` checks).
    expect(cert.ca).toBe(true);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extKeyUsage serverAuth
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(cert.checkPrivateKey(createPrivateKey(await readFile(keyFile)))).toBe(true);
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364.9);
    expect(days).toBeLessThanOrEqual(365);
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(Date.now());
  });

  it('names the hosts given with --host (names and addresses), for --days, into --out', async () => {
    const out = path.join(await dirs.make(), 'nested', 'tls');
    const run = await runInProcess([
      'tls',
      'create',
      '--host',
      'Registry.LAN',
      '--host',
      '10.0.0.5',
      '--host',
      '[fd00::5]',
      '--host',
      '*.build.example.com',
      '--days',
      '30',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    const cert = await certificateIn(out);
    expect(cert.subjectAltName).toBe(
      'DNS:registry.lan, IP Address:10.0.0.5, IP Address:FD00:0:0:0:0:0:0:5, DNS:*.build.example.com',
    );
    expect(cert.checkHost('localhost')).toBeUndefined();
    expect(cert.checkHost('ci.build.example.com')).toBe('*.build.example.com');
    expect(cert.checkIP('fd00::5')).toBe('fd00::5');
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    expect((await stat(out)).mode & 0o777).toBe(0o700);
  });

  it('refuses to replace a pair without --force (exit 2), and replaces it with --force', async () => {
    const out = await dirs.make();
    expect((await runInProcess(['tls', 'create', '--out', out])).code).toBe(0);
    const first = await certificateIn(out);
    const keyBefore = await readFile(path.join(out, 'key.pem'), 'utf8');

    const refused = await runBin(['tls', 'create', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${path.join(out, 'cert.pem')} and ${path.join(out, 'key.pem')} already exist`,
    );
    expect(refused.stderr).toContain('--force');
    expect((await certificateIn(out)).serialNumber).toBe(first.serialNumber);
    expect(await readFile(path.join(out, 'key.pem'), 'utf8')).toBe(keyBefore);

    const forced = await runInProcess(['tls', 'create', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    const second = await certificateIn(out);
    expect(second.serialNumber).not.toBe(first.serialNumber);
    expect((await stat(path.join(out, 'key.pem'))).mode & 0o777).toBe(0o600);
    expect(
      second.checkPrivateKey(createPrivateKey(await readFile(path.join(out, 'key.pem')))),
    ).toBe(true);
  });

  it.each([
    [['--host', 'bad_host!'], /--host.*'bad_host!' is neither an IP address nor a DNS name/],
    [['--host', 'fe80::1%eth0'], /--host/],
    [['--days', '0'], /--days.*from 1 to 825/],
    [['--days', '900'], /--days.*from 1 to 825/],
    [['--days', 'soon'], /--days/],
  ])('exits 2 naming the flag for %j', async (flags, message) => {
    const out = await dirs.make();
    const run = await runBin(['tls', 'create', '--out', out, ...(flags as string[])]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message as RegExp);
    await expect(stat(path.join(out, 'cert.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
