import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CliIo } from '@imprint/cli';
import { EXIT, run } from '@imprint/cli';
import { decompressSbom } from '@imprint/core';
import { closedPort, testEngines, useTestRegistry } from '@imprint/registry/testing';
import { quickTemplate } from './first-ten-minutes/build-templates';
import { REPO_ROOT, tempDirs, writeJson } from './helpers/bin';

jest.setTimeout(60_000);

/*
 * `imprint build` uploading a docker-like image's SBOM, then `imprint sbom
 * list|get|download` reading it back, in-process against a real registry on
 * 127.0.0.1 (each engine).
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

/** `imprint ...args` in-process; `binary` gives it a byte stdout (as a pipe has). */
async function imprint(args: readonly string[], binary = false): Promise<Result> {
  const out = { stdout: '', stderr: '', bytes: [] as Buffer[] };
  const io: CliIo = {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    env: {},
    ...(binary ? { stdoutBytes: (b: Uint8Array) => out.bytes.push(Buffer.from(b)) } : {}),
  };
  const code = await run(args, io);
  return { code, stdout: out.stdout, stderr: out.stderr, bytes: Buffer.concat(out.bytes) };
}

describe.each(testEngines())('imprint sbom (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, database: { prefix: 'imprint-cli-sbom' } },
  );
  let fp: string;
  let buildId: string;
  let layout: string;
  const reg = () => ['--registry', registry.server.url];
  /** `imprint sbom VERB cli-sbom FP BUILD_ID ...rest --registry URL`. */
  const sbom = (verb: string, ...rest: string[]) => [
    'sbom',
    verb,
    'cli-sbom',
    fp,
    buildId,
    ...rest,
    ...reg(),
  ];

  beforeAll(async () => {
    const work = await dirs.make();
    layout = join(work, 'app');
    const file = await writeJson(work, 'app.pkr.json', quickTemplate('cli-sbom', layout));
    const built = await imprint(['build', file, '--plugin-dir', REPO_ROOT, '--json', ...reg()]);
    expect({ code: built.code, stderr: built.code === 0 ? '' : built.stderr }).toEqual({
      code: EXIT.OK,
      stderr: '',
    });
    const doc = JSON.parse(built.stdout);
    fp = doc.registry.fingerprint;
    buildId = doc.registry.buildIds['docker-like.base'];
    expect(doc.builds[0].sboms).toEqual([
      {
        name: 'app-base',
        format: 'cyclonedx',
        documentBytes: expect.any(Number),
        compressedBytes: expect.any(Number),
        outcome: 'uploaded',
      },
    ]);
    // With --json the run's lines go to stderr: the SBOM's among them.
    expect(built.stderr).toMatch(
      /\[docker-like\.base\] SBOM app-base \(cyclonedx, [\d.]+ (B|KiB), [\d.]+ (B|KiB) zstd\) uploaded\n/,
    );
  });

  it('prints one line per uploaded SBOM in the plain build output', async () => {
    const work = await dirs.make();
    const file = await writeJson(
      work,
      'app.pkr.json',
      quickTemplate('cli-sbom-plain', join(work, 'app')),
    );
    const built = await imprint(['build', file, '--plugin-dir', REPO_ROOT, ...reg()]);
    expect(built.code).toBe(EXIT.OK);
    const lines = built.stdout.split('\n').filter((l) => l.includes(' SBOM '));
    expect(lines).toEqual([
      expect.stringMatching(
        /^\S+ \[docker-like\.base\] SBOM app-base \(cyclonedx, [\d.]+ (B|KiB), [\d.]+ (B|KiB) zstd\) uploaded$/,
      ),
    ]);
  });

  it('spools the SBOM when the registry is down, and imprint push uploads it', async () => {
    const work = await dirs.make();
    const file = await writeJson(
      work,
      'app.pkr.json',
      quickTemplate('cli-sbom-push', join(work, 'app')),
    );
    const down = `http://127.0.0.1:${await closedPort()}`;
    const built = await imprint(['build', file, '--plugin-dir', REPO_ROOT, '--registry', down]);
    expect(built.code).toBe(EXIT.REGISTRY);
    expect(built.stdout).toMatch(/\[docker-like\.base\] SBOM app-base \(cyclonedx, .*\) spooled\n/);
    const spool = /Push it with: imprint push (\S+)/.exec(built.stdout)![1];
    const pushed = await imprint(['push', spool, ...reg()]);
    await rm(dirname(spool), { recursive: true, force: true });
    expect({ code: pushed.code, stderr: pushed.stderr }).toEqual({ code: EXIT.OK, stderr: '' });
    expect(pushed.stdout).toMatch(
      /^Pushed 1 build\(s\) to cli-sbom-push \S+; 1 SBOM\(s\); version complete/,
    );
  });

  it('lists the build SBOMs as a table and as JSON', async () => {
    const list = await imprint(sbom('list'));
    expect(list.code).toBe(EXIT.OK);
    expect(list.stdout).toMatch(/^NAME +FORMAT +ID\napp-base +CYCLONEDX +\S+\n$/);
    const json = await imprint(sbom('list', '--json'));
    expect(JSON.parse(json.stdout)).toEqual({
      sboms: [{ id: expect.any(String), name: 'app-base', format: 'CYCLONEDX' }],
    });
  });

  it('shows one: name, format, sizes and a download URL that needs no token', async () => {
    const got = await imprint(sbom('get', 'app-base'));
    expect(got.code).toBe(EXIT.OK);
    expect(got.stdout).toMatch(
      /^Name: +app-base\nFormat: +CYCLONEDX\nSize: +\d+ bytes \(\d+ bytes zstd-compressed\)\nDownload URL: +http:\/\/127\.0\.0\.1:\d+\/\S+\n$/,
    );
    const json = JSON.parse((await imprint(sbom('get', 'app-base', '--json'))).stdout);
    expect(json).toMatchObject({ name: 'app-base', format: 'CYCLONEDX' });
    const response = await fetch(json.download_url);
    expect(response.status).toBe(200);
    const compressed = Buffer.from(await response.arrayBuffer());
    expect(compressed.length).toBe(json.compressed_bytes);
    expect((await decompressSbom(compressed)).length).toBe(json.document_bytes);
  });

  it('downloads the document: decompressed to stdout or --output, compressed with --compressed', async () => {
    const plain = await imprint(sbom('download', 'app-base'));
    expect(plain.code).toBe(EXIT.OK);
    const document = JSON.parse(plain.stdout);
    expect(document).toMatchObject({ bomFormat: 'CycloneDX', specVersion: expect.any(String) });
    // The image's own SBOM: its metadata component is the image, with the file the build added.
    expect(JSON.stringify(document)).toContain('/etc/base');

    const work = await dirs.make();
    const file = join(work, 'sbom.cdx.json');
    const saved = await imprint(sbom('download', 'app-base', '--output', file));
    expect(saved).toMatchObject({ code: EXIT.OK, stdout: '' });
    expect(saved.stderr).toBe(
      `Wrote SBOM app-base (${Buffer.byteLength(plain.stdout)} bytes) to ${file}\n`,
    );
    expect(await readFile(file, 'utf8')).toBe(plain.stdout);

    const zst = join(work, 'sbom.cdx.json.zst');
    const compressed = await imprint(sbom('download', 'app-base', '--compressed', '-o', zst));
    expect(compressed.code).toBe(EXIT.OK);
    const frame = await readFile(zst);
    expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect((await decompressSbom(frame)).toString('utf8')).toBe(plain.stdout);

    const piped = await imprint(sbom('download', 'app-base', '--compressed'), true);
    expect(piped.code).toBe(EXIT.OK);
    expect(piped.bytes.equals(frame)).toBe(true);
  });

  it('says what is wrong with bad arguments, in its own words', async () => {
    const badName = await imprint(sbom('get', 'no/such'));
    expect(badName.code).toBe(EXIT.USAGE);
    expect(badName.stderr).toMatch(
      /^imprint: 'no\/such' is not an SBOM name: expected .*imprint sbom list/,
    );

    const unknown = await imprint(sbom('download', 'nope'));
    expect(unknown.code).toBe(EXIT.FAILED);
    expect(unknown.stderr).toBe(
      `imprint: build ${buildId} of version ${fp} in bucket 'cli-sbom' has no SBOM named 'nope'; list its SBOMs with: imprint sbom list cli-sbom ${fp} ${buildId}\n`,
    );

    const other = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const noBuild = await imprint(['sbom', 'list', 'cli-sbom', fp, other, ...reg()]);
    expect(noBuild.code).toBe(EXIT.FAILED);
    expect(noBuild.stderr).toMatch(
      new RegExp(`^imprint: build ${other} not found .*imprint builds list cli-sbom`),
    );

    const binary = await imprint(sbom('download', 'app-base', '--compressed'));
    expect(binary.code).toBe(EXIT.USAGE);
    expect(binary.stderr).toMatch(/--compressed writes zstd bytes.*add --output FILE/);

    const missing = await imprint(['sbom', 'get', 'cli-sbom', fp, ...reg()]);
    expect(missing.code).toBe(EXIT.USAGE);
    expect(missing.stderr).toMatch(/missing required argument 'build-id'/);
  });
});
