import { createHash, randomBytes } from 'node:crypto';
import { LIMITS } from '@imprint/client';
import { rawQuery, testEngines, useTestRegistry } from '@imprint/registry/testing';
import { fingerprint } from '../helpers/fixtures';
import { ROLE_PRINCIPALS, expectStatus, ok, roleTokens, type PrincipalRole } from '../helpers/http';
import {
  blobFileExists,
  blobRows,
  compressedCycloneDxOfAbout,
  cycloneDx,
  spdx,
  uploadBody,
  withoutContentSize,
  zstd,
  zstdReady,
  newBuilds as createBuilds,
} from '../helpers/sboms';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** UploadSbom, ListSboms, GetSbom and the download URL, over HTTP on both engines. */
describe.each(testEngines())('SBOMs (%s)', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, principals: ROLE_PRINCIPALS },
  );
  let tokens: Record<PrincipalRole, string>;
  const bucket = 'sbom-bucket';
  const fp = fingerprint('sbom');
  let builds: string[];

  const buildPath = (build: string, b = bucket, f = fp) =>
    `${registry.base}/buckets/${b}/versions/${f}/builds/${build}`;
  const upload = (build: string, body: unknown, token = tokens.contributor) =>
    registry.request('PUT', `${buildPath(build)}/sboms`, { body, token });
  const download = async (url: string) => {
    const response = await fetch(url);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  };

  const newBuilds = (b: string, f: string, count: number) =>
    createBuilds(registry, tokens, b, f, count);

  beforeAll(async () => {
    await zstdReady();
    tokens = await roleTokens(registry);
    builds = await newBuilds(bucket, fp, 2);
  });

  it('uploads, lists and gets an SBOM; the download URL answers the bytes sent', async () => {
    const compressed = zstd(cycloneDx('round-trip', 3), 19);
    const { sbom } = ok(await upload(builds[0], uploadBody(compressed, 'CYCLONEDX', 'sbom-os')));
    expect(sbom).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name: 'sbom-os',
      format: 'CYCLONEDX',
    });

    const list = ok(
      await registry.request('GET', `${buildPath(builds[0])}/sboms`, { token: tokens.viewer }),
    );
    expect(list).toEqual({ sboms: [sbom] });

    const got = ok(
      await registry.request('GET', `${buildPath(builds[0])}/sboms/sbom-os`, {
        token: tokens.viewer,
      }),
    );
    expect(Object.keys(got)).toEqual(['download_url']);
    expect(got.download_url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/sbom-downloads\/\w+\?expires=\d+&signature=[0-9a-f]{64}$/,
    );
    // Like a presigned URL: no bearer token needed.
    const fetched = await download(got.download_url);
    expect(fetched.status).toBe(200);
    expect(fetched.type).toBe('application/zstd');
    expect(fetched.bytes.equals(compressed)).toBe(true);

    // A changed URL is refused with the registry's error shape.
    const forged = await registry.request(
      'GET',
      got.download_url.replace(/expires=\d+/, 'expires=99999999999').slice(registry.url.length),
    );
    expect(expectStatus(forged, 403, 7).message).toContain('Ask GetSbom for a new one');
  });

  it('stores and answers a ~1 MiB compressed SBOM byte for byte', async () => {
    const compressed = compressedCycloneDxOfAbout(1024 * 1024);
    expect(compressed.length).toBeGreaterThan(0.9 * 1024 * 1024);
    expect(compressed.length).toBeLessThan(LIMITS.sbomCompressedBytes);
    ok(await upload(builds[1], uploadBody(compressed, 'CYCLONEDX', 'big-sbom')));
    const got = ok(
      await registry.request('GET', `${buildPath(builds[1])}/sboms/big-sbom`, {
        token: tokens.viewer,
      }),
    );
    const fetched = await download(got.download_url);
    expect(fetched.bytes.length).toBe(compressed.length);
    expect(fetched.bytes.equals(compressed)).toBe(true);
  });

  it('stores identical SBOMs of two builds once, and names an unnamed SBOM after the fingerprint', async () => {
    const compressed = zstd(spdx('shared'));
    ok(await upload(builds[0], uploadBody(compressed, 'SPDX', 'shared-a')));
    const second = ok(await upload(builds[1], uploadBody(compressed, 'SPDX')));
    expect(second.sbom.name).toBe(fp);
    expect(await blobRows(registry.location!, sha256(compressed))).toBe(1);
    if (engine === 'sqlite')
      expect(blobFileExists(registry.location!, sha256(compressed))).toBe(true);
  });

  describe('refuses bad input with 4xx naming the field and the fix', () => {
    const document = () => zstd(cycloneDx('bad-input'));
    const cases: [string, () => unknown, RegExp][] = [
      [
        'not base64',
        () => ({ compressed_sbom: 'not base64!', format: 'CYCLONEDX' }),
        /compressed_sbom is not valid base64/,
      ],
      [
        'not zstd',
        () => uploadBody(cycloneDx('plain'), 'CYCLONEDX'),
        /compressed_sbom is not zstd-compressed.*Compress the JSON document with zstd/,
      ],
      [
        'a truncated zstd frame',
        () => uploadBody(document().subarray(0, 20), 'CYCLONEDX'),
        /not a valid zstd frame/,
      ],
      [
        'a zstd bomb that declares its size',
        () => uploadBody(zstd(Buffer.alloc(LIMITS.sbomDecompressedBytes + 1, 0x20)), 'CYCLONEDX'),
        /decompresses to more than 67108864 bytes \(LIMITS.sbomDecompressedBytes\)/,
      ],
      [
        'a zstd bomb that does not',
        () =>
          uploadBody(
            withoutContentSize(zstd(Buffer.alloc(LIMITS.sbomDecompressedBytes + 1, 0x20))),
            'CYCLONEDX',
          ),
        /decompresses to more than 67108864 bytes/,
      ],
      [
        'not JSON',
        () => uploadBody(zstd(Buffer.from('<bom/>')), 'CYCLONEDX'),
        /not JSON. Only JSON SBOMs/,
      ],
      [
        'the wrong format',
        () => uploadBody(document(), 'SPDX'),
        /is not an SPDX document.*set format/,
      ],
      [
        'the other wrong format',
        () => uploadBody(zstd(spdx('x')), 'CYCLONEDX'),
        /is not a CycloneDX document/,
      ],
      [
        'an unknown format',
        () => ({ ...uploadBody(document(), 'SPDX'), format: 'SWID' }),
        /format/,
      ],
      [
        'a bad name',
        () => uploadBody(document(), 'CYCLONEDX', 'a b'),
        /name.*3-36 letters, digits, "-" or "_"/,
      ],
      ['a missing document', () => ({ format: 'CYCLONEDX' }), /compressed_sbom/],
      [
        'a document over the compressed limit',
        () =>
          uploadBody(
            Buffer.concat([document(), randomBytes(LIMITS.sbomCompressedBytes)]),
            'CYCLONEDX',
          ),
        /larger than 4194304 bytes \(LIMITS.sbomCompressedBytes\)/,
      ],
    ];
    it.each(cases)('%s → 400 / code 3', async (_name, body, message) => {
      const answer = expectStatus(await upload(builds[0], body()), 400, 3);
      expect(answer.message).toMatch(message);
    });

    it("a body past the route limit → 400 / code 3 naming the SBOM limit, not fastify's 413", async () => {
      const raw = JSON.stringify({
        compressed_sbom: 'A'.repeat(6 * 1024 * 1024),
        format: 'CYCLONEDX',
      });
      const answer = expectStatus(
        await registry.request('PUT', `${buildPath(builds[0])}/sboms`, {
          raw,
          token: tokens.contributor,
        }),
        400,
        3,
      );
      expect(answer.message).toContain('LIMITS.sbomCompressedBytes');
    });

    it('a duplicate name → 409 / code 6; an unknown build → 404 / code 5; a viewer → 403 / code 7', async () => {
      const body = uploadBody(document(), 'CYCLONEDX', 'dup-name');
      ok(await upload(builds[0], body));
      expect(expectStatus(await upload(builds[0], body), 409, 6).message).toContain(
        'already has an SBOM named "dup-name"',
      );
      expectStatus(await upload('01J9ZKB0000000000000000000', body), 404, 5);
      expectStatus(await upload(builds[0], { ...body, name: 'by-viewer' }, tokens.viewer), 403, 7);
      const missing = await registry.request('GET', `${buildPath(builds[0])}/sboms/nope-nope`, {
        token: tokens.viewer,
      });
      expect(expectStatus(missing, 404, 5).message).toContain('ListSboms');
    });
  });

  describe('deleting a build, version or bucket removes its SBOMs and unused blobs', () => {
    it.each(['build', 'version', 'bucket'] as const)('%s', async (what) => {
      const b = `del-${what}`;
      const f = fingerprint('del');
      const [first, second] = await newBuilds(b, f, 2);
      const own = zstd(cycloneDx(`own-${what}`));
      const shared = zstd(cycloneDx(`shared-${what}`));
      const put = (build: string, bytes: Buffer, name: string) =>
        registry.request('PUT', `${buildPath(build, b, f)}/sboms`, {
          token: tokens.contributor,
          body: uploadBody(bytes, 'CYCLONEDX', name),
        });
      ok(await put(first, own, 'own'));
      ok(await put(first, shared, 'shared'));
      ok(await put(second, shared, 'shared'));
      // The same document on a build elsewhere keeps its blob alive whatever is deleted.
      ok(await upload(builds[0], uploadBody(shared, 'CYCLONEDX', `keep-${what}`)));

      const target =
        what === 'build'
          ? buildPath(first, b, f)
          : what === 'version'
            ? `${registry.base}/buckets/${b}/versions/${f}`
            : `${registry.base}/buckets/${b}`;
      const link = ok(
        await registry.request('GET', `${buildPath(first, b, f)}/sboms/own`, {
          token: tokens.viewer,
        }),
      ).download_url as string;
      ok(await registry.request('DELETE', target, { token: tokens.admin }));
      const gone = await registry.request('GET', link.slice(registry.url.length));
      expect(expectStatus(gone, 404, 5).message).toContain('no longer exists');

      const location = registry.location!;
      expect(await blobRows(location, sha256(own))).toBe(0);
      expect(await blobRows(location, sha256(shared))).toBe(1);
      if (engine === 'sqlite') {
        expect(blobFileExists(location, sha256(own))).toBe(false);
        expect(blobFileExists(location, sha256(shared))).toBe(true);
      }
      const left = await rawQuery(
        location,
        `select name from sboms where build_id in ('${first}', '${second}') order by name`,
      );
      expect(left.map((r) => r.name)).toEqual(what === 'build' ? ['shared'] : []);
    });
  });
});
