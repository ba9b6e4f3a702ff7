import { closedPort, useTestRegistry } from '@imprint/registry/testing';
import { runToEnd, tempDirs, useRegistry } from '../helpers/bin';
import { publishVersion } from './registry-versions';

jest.setTimeout(60_000);

/**
 * The registry's answers in the CLI's words (built bin, real registries on
 * 127.0.0.1): its commands and flags, never the HTTP API's paths, RPC names,
 * query parameters or library calls.
 */
const dirs = tempDirs();
const open = useRegistry(dirs, 'imprint-cli-errors-');
// A registry with principals: requests need credentials.
const guarded = useTestRegistry(
  { beforeAll, afterAll },
  {
    database: { prefix: 'imprint-cli-errors-auth-' },
    principals: [
      { name: 'admin', role: 'admin' },
      { name: 'viewer', role: 'viewer' },
    ],
  },
);

const API_WORDING =
  /\/packer\/|\/buckets|CreateBucket|CreateVersion|CreateChannel|ListChannels|UpdateChannel|rollback_channels|pushSpool|baseUrl|Authorization|clientId|code \d+ \(|HTTP 40[49]/;

/** One `imprint: …` line on stderr, in the CLI's words; returns it without the prefix. */
function cliError(res: { stdout: string; stderr: string }): string {
  expect(res.stdout).toBe('');
  const lines = res.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^imprint: /);
  expect(lines[0]).not.toMatch(API_WORDING);
  return lines[0].slice('imprint: '.length);
}

const imprint = (...args: string[]) => runToEnd([...args, '--registry', open.server.url]);

describe('not found, in the CLI’s words', () => {
  beforeAll(async () => {
    await publishVersion(open.client, 'err-base', 'err-base-1');
    await open.client.createChannel('err-base', {
      name: 'production',
      version_fingerprint: 'err-base-1',
    });
  });

  it('12.10 versions get and revoke of an unknown fingerprint both say "version … not found in bucket …" (exit 1)', async () => {
    const get = await imprint('versions', 'get', 'err-base', 'no-such-fp');
    const revoke = await imprint('revoke', 'err-base', 'no-such-fp');
    const expected =
      "version no-such-fp not found in bucket 'err-base'; list its versions with: imprint versions list err-base";
    expect({ code: get.code, message: cliError(get) }).toEqual({ code: 1, message: expected });
    expect({ code: revoke.code, message: cliError(revoke) }).toEqual({
      code: 1,
      message: expected,
    });
  });

  it('12.8 bucket, channel and build not found name the imprint commands to list or create them', async () => {
    const bucket = await imprint('buckets', 'get', 'no-such-bucket');
    expect(bucket.code).toBe(1);
    expect(cliError(bucket)).toBe(
      "bucket 'no-such-bucket' not found in this registry; list buckets with: imprint buckets list, or create it with: imprint buckets create no-such-bucket",
    );
    const channel = await imprint('channels', 'get', 'err-base', 'staging');
    expect(channel.code).toBe(1);
    expect(cliError(channel)).toBe(
      "channel 'staging' not found in bucket 'err-base'; list its channels with: imprint channels list err-base, or create it with: imprint channels create err-base staging",
    );
    const build = await imprint(
      'builds',
      'get',
      'err-base',
      'err-base-1',
      '01JD3K2M5Q8W1T4Y7B0E3H6N9R',
    );
    expect(build.code).toBe(1);
    expect(cliError(build)).toBe(
      "build 01JD3K2M5Q8W1T4Y7B0E3H6N9R not found in version err-base-1 of bucket 'err-base'; list its builds with: imprint builds list err-base err-base-1",
    );
  });

  it('12.8 deleting a version on a channel names --rollback-channels, not rollback_channels=true', async () => {
    const res = await imprint('versions', 'delete', 'err-base', 'err-base-1', '--yes');
    expect(res.code).toBe(1);
    expect(cliError(res)).toBe(
      'version err-base-1 is assigned to channel(s) production; nothing was deleted. Add --rollback-channels to move those channels back to their previous valid version, or assign them elsewhere first with: imprint channels assign',
    );
  });

  it('12.8 other refusals keep the registry’s reason without its API advice', async () => {
    const res = await imprint('channels', 'delete', 'err-base', 'latest', '--yes');
    expect(res.code).toBe(1);
    expect(cliError(res)).toBe(
      'Channel "latest" of bucket "err-base" is managed by the registry and cannot be deleted. Delete the bucket to remove it (HTTP 400)',
    );
  });
});

describe('credentials and reachability, in the CLI’s words', () => {
  const hint =
    'set IMPRINT_CLIENT_ID and IMPRINT_CLIENT_SECRET (or HCP_CLIENT_ID / HCP_CLIENT_SECRET) to a principal of that registry';

  it('12.8 401 without credentials says which environment variables to set (exit 3)', async () => {
    const res = await runToEnd(['buckets', 'list', '--registry', guarded.server.url]);
    expect(res.code).toBe(3);
    expect(cliError(res)).toBe(
      `the registry refused the request: not authenticated (HTTP 401); ${hint}`,
    );
  });

  it('12.8 a wrong secret says the same, without the client library’s option names (exit 3)', async () => {
    const { clientId } = guarded.credentials.get('admin')!;
    const res = await runToEnd(['buckets', 'list', '--registry', guarded.server.url], {
      IMPRINT_CLIENT_ID: clientId,
      IMPRINT_CLIENT_SECRET: 'wrong',
    });
    expect(res.code).toBe(3);
    expect(cliError(res)).toBe(
      `the registry at ${guarded.server.url} gave no access token (invalid_client); ${hint}`,
    );
  });

  it('12.8 403 for a viewer says to use credentials whose role allows it (exit 3)', async () => {
    const { clientId, clientSecret } = guarded.credentials.get('viewer')!;
    const res = await runToEnd(
      ['buckets', 'create', 'viewer-made', '--registry', guarded.server.url],
      {
        IMPRINT_CLIENT_ID: clientId,
        IMPRINT_CLIENT_SECRET: clientSecret,
      },
    );
    expect(res.code).toBe(3);
    expect(cliError(res)).toBe(
      `the registry refused the request: this needs role contributor and the credentials lack it (they are viewer) (HTTP 403); ${hint} with that role (an admin creates one with: imprint registry principals create --name NAME --role contributor)`,
    );
  });

  it('12.8 an unreachable registry names --registry and IMPRINT_REGISTRY_URL, not baseUrl (exit 3)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const res = await runToEnd(['versions', 'list', 'err-base', '--registry', url]);
    expect(res.code).toBe(3);
    expect(cliError(res)).toBe(
      `Cannot reach the registry at ${url} (ECONNREFUSED). Check that it is running and that --registry (or IMPRINT_REGISTRY_URL) is right.`,
    );
  });
});
