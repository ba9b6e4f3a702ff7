import { X509Certificate } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import * as https from 'node:https';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import {
  createTempDirs,
  createTestDatabase,
  requestJson,
  testEngines,
  type TestDatabase,
} from '@imprint/registry/testing';
import { spawnRegistry, type RegistryProcess } from '../helpers/registry-process';
import { createAdmin, runBin, runInProcess } from './cli-run';

jest.setTimeout(120_000);

const dirs = createTempDirs('imprint-serve-tls-');
afterAll(() => dirs.cleanup());

interface Answer {
  readonly status: number;
  readonly body: string;
  /** Serial number of the certificate the server presented on this connection. */
  readonly serial: string;
  /** Whether the request went over a kept-alive connection opened before. */
  readonly reused: boolean;
}

function request(
  url: string,
  agent: https.Agent,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { agent, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, serial, reused: req.reusedSocket }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** `tls create` into `dir` (replacing what is there); the serial of the new certificate. */
async function makePair(dir: string, ...hosts: string[]): Promise<string> {
  const run = await runInProcess([
    'tls',
    'create',
    '--out',
    dir,
    '--force',
    ...hosts.flatMap((h) => ['--host', h]),
  ]);
  expect(run.code).toBe(0);
  return new X509Certificate(await readFile(path.join(dir, 'cert.pem'))).serialNumber;
}

describe.each(testEngines())('imprint-registry serve over HTTPS (%s)', (engine) => {
  let db: TestDatabase;
  let server: RegistryProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(engine, { prefix: 'imprint-serve-tls' });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const storageArgs = (): string[] =>
    db.location.databaseUrl
      ? ['--data-dir', db.location.dataDir, '--database', db.location.databaseUrl]
      : ['--data-dir', db.location.dataDir];

  it('serves only HTTPS with the pair, issues tokens at /oauth2/token, and swaps pairs on SIGHUP without dropping connections', async () => {
    const tls = await dirs.make();
    const certFile = path.join(tls, 'cert.pem');
    const keyFile = path.join(tls, 'key.pem');
    const serialA = await makePair(tls);
    const certA = await readFile(certFile);
    const { client_id, client_secret } = await createAdmin(storageArgs());

    // The pair through the environment variables, as a service unit would give it.
    server = spawnRegistry(['serve', ...storageArgs(), '--listen', '127.0.0.1:0'], {
      IMPRINT_TLS_CERT: certFile,
      IMPRINT_TLS_KEY: keyFile,
    });
    const [, url] = await server.waitFor(/imprint registry ready at (https:\/\/127\.0\.0\.1:\d+)/);
    expect(server.stdout()).toContain(`"serial":"${serialA}"`);

    const agentA = new https.Agent({ ca: certA, keepAlive: true, maxSockets: 1 });
    const ready = await request(`${url}/readyz`, agentA);
    expect(ready).toMatchObject({ status: 200, serial: serialA, reused: false });

    // Where hcp-sdk-go asks: the host's root, whatever path HCP_AUTH_URL has.
    const token = await request(`${url}/oauth2/token`, agentA, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&audience=https%3A%2F%2Fapi.hashicorp.cloud',
    });
    expect(token.status).toBe(200);
    const { access_token } = JSON.parse(token.body) as { access_token: string };
    const orgs = await request(`${url}/resource-manager/2019-12-10/organizations`, agentA, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(orgs.status).toBe(200);

    // Nothing but TLS on that port, and only for clients that trust the certificate.
    await expect(requestJson(url.replace('https:', 'http:') + '/readyz', 'GET')).rejects.toThrow();
    await expect(request(`${url}/readyz`, new https.Agent())).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/),
    });

    // Requests on new connections all through the reload: none may fail.
    const trustBoth = { ca: [certA] as Buffer[] };
    const failures: unknown[] = [];
    let served = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        try {
          const answer = await request(`${url}/healthz`, new https.Agent({ ...trustBoth }));
          if (answer.status === 200) served++;
          else failures.push(answer);
        } catch (error) {
          failures.push(error);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // Hosts of its own, so that the log line of the reload can be told from the first.
    const serialB = await makePair(tls, '127.0.0.1', 'localhost');
    const certB = await readFile(certFile);
    trustBoth.ca = [certA, certB];
    server.child.kill('SIGHUP');
    await server.waitFor(
      new RegExp(`SIGHUP: reloaded the certificate; now serving .*serial ${serialB}`),
    );

    const fresh = await request(`${url}/healthz`, new https.Agent({ ca: certB }));
    expect(fresh).toMatchObject({ status: 200, serial: serialB });
    // The connection opened before the reload is still there, on its old certificate.
    const kept = await request(`${url}/readyz`, agentA);
    expect(kept).toMatchObject({ status: 200, serial: serialA, reused: true });

    polling = false;
    await poll;
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(0);

    // A bad pair (another certificate beside B's key) is refused; B stays.
    const other = await dirs.make();
    await makePair(other);
    await copyFile(path.join(other, 'cert.pem'), certFile);
    server.child.kill('SIGHUP');
    await server.waitFor(
      /SIGHUP: kept the certificate served so far .*does not belong to the certificate/,
    );
    expect(server.stdout()).toContain(`--tls-key ${keyFile} does not belong`);
    const still = await request(`${url}/healthz`, new https.Agent({ ca: certB }));
    expect(still).toMatchObject({ status: 200, serial: serialB });

    agentA.destroy();
    expect(await server.stop()).toBe(0);
    server = undefined;
  });
});

describe('imprint-registry serve: TLS flags and files', () => {
  // Checked before the storage opens: this data dir would fail otherwise.
  const noStorage = ['--data-dir', '/nonexistent/never-created', '--listen', '127.0.0.1:0'];
  let tls: string;
  let other: string;
  beforeAll(async () => {
    tls = await dirs.make();
    other = await dirs.make();
    await makePair(tls);
    await makePair(other);
  });

  it.each([
    [['--tls-cert', 'cert.pem'], {}, /--tls-key is missing: --tls-cert needs it/],
    [[], { IMPRINT_TLS_KEY: 'key.pem' }, /--tls-cert is missing: --tls-key needs it/],
  ])('exits 2 when only one of the pair is given: %j %j', async (flags, env, message) => {
    const run = await runBin(['serve', ...noStorage, ...(flags as string[])], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('exits 1 naming the file for a missing file, a file that is not PEM, and a key of another certificate', async () => {
    const cert = path.join(tls, 'cert.pem');
    const key = path.join(tls, 'key.pem');
    const garbage = path.join(tls, 'garbage.pem');
    await writeFile(garbage, 'not a certificate\n');
    const cases: [string[], string][] = [
      [
        ['--tls-cert', path.join(tls, 'missing.pem'), '--tls-key', key],
        `--tls-cert ${path.join(tls, 'missing.pem')}: cannot read it: no such file`,
      ],
      [['--tls-cert', garbage, '--tls-key', key], `--tls-cert ${garbage}: not a PEM certificate`],
      [['--tls-cert', key, '--tls-key', cert], `--tls-cert ${key}: not a PEM certificate`],
      [['--tls-cert', cert, '--tls-key', garbage], `--tls-key ${garbage}: not a PEM private key`],
      [
        ['--tls-cert', cert, '--tls-key', path.join(other, 'key.pem')],
        `--tls-key ${path.join(other, 'key.pem')} does not belong to the certificate in --tls-cert ${cert}`,
      ],
    ];
    for (const [flags, message] of cases) {
      const run = await runBin(['serve', ...noStorage, ...flags]);
      expect({ flags, code: run.code }).toEqual({ flags, code: 1 });
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
