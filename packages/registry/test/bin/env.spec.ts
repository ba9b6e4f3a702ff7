import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openRegistryStorage } from '@imprint/registry';
import {
  createTempDirs,
  createTestDatabase,
  testEngines,
  type TestDatabase,
} from '@imprint/registry/testing';
import { runBin, runInProcess } from './cli-run';

jest.setTimeout(60_000);

const dirs = createTempDirs('imprint-env-');
afterAll(() => dirs.cleanup());

const PLACEHOLDER_ID = '<client id from imprint-registry principals create>';

/** A directory whose name needs quoting in every shell: a space, a single quote, a backslash. */
async function awkwardDir(): Promise<string> {
  const dir = path.join(await dirs.make(), `it's a \\dir`);
  await mkdir(dir);
  return dir;
}

/** Runs `sh` code, then reports the environment it left (as JSON from node). */
async function evalInSh(code: string): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)(
    'sh',
    ['-c', `${code}\nexec "${process.execPath}" -e 'console.log(JSON.stringify(process.env))'`],
    { env: { PATH: process.env.PATH ?? '' } },
  );
  return JSON.parse(stdout) as Record<string, string>;
}

async function registryIds(location: TestDatabase['location']): Promise<[string, string]> {
  const storage = await openRegistryStorage(location);
  try {
    const { location: ids } = await storage.service.getRegistry();
    return [ids.organization_id, ids.project_id];
  } finally {
    await storage.close();
  }
}

describe.each(testEngines())('imprint-registry env (%s)', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine, { prefix: 'imprint-env' });
  });
  afterAll(() => db?.drop());

  const storageArgs = (): string[] =>
    db.location.databaseUrl
      ? ['--data-dir', db.location.dataDir, '--database', db.location.databaseUrl]
      : ['--data-dir', db.location.dataDir];

  it('prints sh code that sets what Packer, OpenTofu and imprint read, with this database ids', async () => {
    const out = await awkwardDir();
    expect((await runInProcess(['tls', 'create', '--out', out])).code).toBe(0);
    const cert = path.join(out, 'cert.pem');

    const run = await runInProcess(['env', ...storageArgs(), '--tls-cert', cert]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [organizationId, projectId] = await registryIds(db.location);
    const env = await evalInSh(run.stdout);
    expect(env).toMatchObject({
      HCP_API_ADDRESS: '127.0.0.1:8080',
      HCP_AUTH_URL: 'https://127.0.0.1:8080',
      HCP_ORGANIZATION_ID: organizationId,
      HCP_PROJECT_ID: projectId,
      HCP_SKIP_STATUS_CHECK: 'true',
      SSL_CERT_FILE: cert,
      HCP_CLIENT_ID: PLACEHOLDER_ID,
      HCP_CLIENT_SECRET: '<client secret from imprint-registry principals create>',
      IMPRINT_REGISTRY_URL: 'https://127.0.0.1:8080',
      NODE_EXTRA_CA_CERTS: cert,
    });
    expect(env.HCP_API_TLS).toBeUndefined();
    expect(env.HCP_AUTH_TLS).toBeUndefined();
    expect(run.stdout).toMatch(
      /^# hcp-sdk-go caches tokens in ~\/\.config\/hcp\/creds-cache\.json keyed by client id, not by URL:$/m,
    );
    expect(run.stdout).toMatch(/^# never use a client id of real HCP here/m);
  });
});

describe('imprint-registry env', () => {
  let data: string;
  beforeAll(async () => {
    data = await dirs.make();
  });

  it('quotes for fish and PowerShell', async () => {
    const out = await awkwardDir();
    expect((await runInProcess(['tls', 'create', '--out', out])).code).toBe(0);
    const cert = path.join(out, 'cert.pem');
    const printed = async (shell: string): Promise<string> => {
      const run = await runInProcess([
        'env',
        '--data-dir',
        data,
        '--tls-cert',
        cert,
        '--shell',
        shell,
      ]);
      expect(run.code).toBe(0);
      return run.stdout;
    };
    const fish = await printed('fish');
    const fishCert = cert.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    expect(fish).toContain(`\nset -gx SSL_CERT_FILE '${fishCert}'\n`);
    expect(fish).toContain(`\nset -gx HCP_API_ADDRESS '127.0.0.1:8080'\n`);
    expect(fish).toContain(`\nset -gx HCP_CLIENT_ID '${PLACEHOLDER_ID}'\n`);

    const powershell = await printed('powershell');
    expect(powershell).toContain(`\n$Env:SSL_CERT_FILE = '${cert.replace(/'/g, "''")}'\n`);
    expect(powershell).toContain(`\n$Env:HCP_AUTH_URL = 'https://127.0.0.1:8080'\n`);
    for (const text of [fish, powershell]) {
      for (const line of text.trimEnd().split('\n')) {
        expect(line).toMatch(/^(# |set -gx [A-Z_]+ '|\$Env:[A-Z_]+ = ')/);
      }
    }
  });

  it('finds the pair `tls create` made in the data dir, and takes --url and $IMPRINT_LISTEN', async () => {
    const withPair = await dirs.make();
    expect((await runInProcess(['tls', 'create', '--data-dir', withPair])).code).toBe(0);
    const found = await evalInSh((await runInProcess(['env', '--data-dir', withPair])).stdout);
    expect(found.SSL_CERT_FILE).toBe(path.join(withPair, 'tls', 'cert.pem'));

    const listen = await runInProcess(['env', '--data-dir', withPair], {
      IMPRINT_LISTEN: '0.0.0.0:9443',
    });
    expect(await evalInSh(listen.stdout)).toMatchObject({
      HCP_API_ADDRESS: '127.0.0.1:9443',
      HCP_AUTH_URL: 'https://127.0.0.1:9443',
    });

    // A name the certificate does not carry: the environment, and a warning saying how to fix it.
    const remote = await runInProcess([
      'env',
      '--data-dir',
      withPair,
      '--url',
      'https://registry.example.com',
    ]);
    expect(remote.code).toBe(0);
    expect(await evalInSh(remote.stdout)).toMatchObject({
      HCP_API_ADDRESS: 'registry.example.com:443',
      HCP_AUTH_URL: 'https://registry.example.com',
      IMPRINT_REGISTRY_URL: 'https://registry.example.com',
    });
    expect(remote.stderr).toContain('not registry.example.com: clients will refuse it');
    expect(remote.stderr).toContain('tls create --host registry.example.com --force');
  });

  it('prints what Packer v1.9.4 (hcp-sdk-go v0.36.0) reads with --client packer-1.9', async () => {
    const out = await awkwardDir();
    expect((await runInProcess(['tls', 'create', '--out', out])).code).toBe(0);
    const cert = path.join(out, 'cert.pem');
    const run = await runInProcess([
      'env',
      '--data-dir',
      data,
      '--client',
      'packer-1.9',
      '--tls-cert',
      cert,
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const env = await evalInSh(run.stdout);
    expect(env).toMatchObject({
      HCP_API_ADDRESS: '127.0.0.1:8080',
      HCP_AUTH_URL: 'https://127.0.0.1:8080',
      SSL_CERT_FILE: cert,
      CHECKPOINT_DISABLE: '1',
      HCP_CLIENT_ID: PLACEHOLDER_ID,
      HCP_CLIENT_SECRET: '<client secret from imprint-registry principals create>',
      IMPRINT_REGISTRY_URL: 'https://127.0.0.1:8080',
    });
    expect(env.HCP_ORGANIZATION_ID).toMatch(/\S/);
    expect(env.HCP_PROJECT_ID).toMatch(/\S/);
    // v0.36.0 reads neither: printing them would suggest they help.
    expect(env.HCP_AUTH_TLS).toBeUndefined();
    expect(env.HCP_SKIP_STATUS_CHECK).toBeUndefined();
    expect(run.stdout).toMatch(/^# .*HCP_PACKER_BUCKET_NAME=<bucket> per template/m);
    expect(run.stdout).not.toContain('creds-cache.json');
    // The default is today's output.
    const current = await evalInSh(
      (await runInProcess(['env', '--data-dir', data, '--client', 'current', '--tls-cert', cert]))
        .stdout,
    );
    expect(current).toMatchObject({ HCP_SKIP_STATUS_CHECK: 'true', SSL_CERT_FILE: cert });
    expect(current.CHECKPOINT_DISABLE).toBeUndefined();
  });

  it('refuses --insecure with --client packer-1.9 (exit 2): v0.36.0 cannot skip verification', async () => {
    const run = await runBin(['env', '--data-dir', data, '--client', 'packer-1.9', '--insecure']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--insecure cannot serve --client packer-1.9');
    expect(run.stderr).toContain('SSL_CERT_FILE');
    expect(run.stdout).toBe('');
  });

  it('prints insecure TLS settings with --insecure, and no trust settings without a certificate', async () => {
    const insecure = await evalInSh(
      (await runInProcess(['env', '--data-dir', data, '--insecure'])).stdout,
    );
    expect(insecure).toMatchObject({ HCP_API_TLS: 'insecure', HCP_AUTH_TLS: 'insecure' });
    expect(insecure.SSL_CERT_FILE).toBeUndefined();
    expect(insecure.NODE_EXTRA_CA_CERTS).toBeUndefined();

    const plain = await runInProcess(['env', '--data-dir', data]);
    const env = await evalInSh(plain.stdout);
    expect(env.SSL_CERT_FILE).toBeUndefined();
    expect(env.HCP_API_TLS).toBeUndefined();
    expect(plain.stdout).toContain('# No certificate given (--tls-cert');
  });

  it.each([
    [['--shell', 'zsh'], /--shell.*Allowed choices are sh, fish, powershell/],
    [['--url', 'http://127.0.0.1:8080'], /--url.*not https/],
    [['--url', 'https://registry.example.com/api'], /--url.*bare https:\/\/HOST\[:PORT\]/],
    [['--url', 'not a url'], /--url.*not a URL/],
    [['--client', 'packer-1.8'], /--client.*Allowed choices are current, packer-1\.9/],
  ])('exits 2 naming the flag for %j', async (flags, message) => {
    const run = await runBin(['env', '--data-dir', data, ...(flags as string[])]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message as RegExp);
    expect(run.stdout).toBe('');
  });

  it('exits 1 naming the file when --tls-cert is not a certificate', async () => {
    const run = await runBin([
      'env',
      '--data-dir',
      data,
      '--tls-cert',
      path.join(data, 'nope.pem'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `--tls-cert ${path.join(data, 'nope.pem')}: cannot read it: no such file`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
