import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryClient, type SbomFormat } from '@imprint/client';
import type { RunEvent } from '@imprint/core';
import { decompressSbom, downloadSbom, pushSpool, runBuild } from '@imprint/core';
import { closedPort, testEngines, useTestRegistry } from '@imprint/registry/testing';
import { REPO_ROOT, tempDirs, writeTemplate } from '../helpers/fixtures';
import { FROM_PLUGINS, useFromPlugin } from '../helpers/from-plugin';

jest.setTimeout(60_000);

/*
 * The SBOMs artifacts state (`imprint.sbom`), uploaded by the runner with
 * their build before it is done, against a real registry: docker-like's
 * CycloneDX documents through a tag and a push, names made to fit the
 * registry, a malformed or too large SBOM failing its build, and the spool.
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());
const plugin = useFromPlugin(dirs);

/** A docker-like image, tagged, then pushed as `team/app:1.0` into a directory registry. */
function dockerTemplate(bucket: string, out: string, registryDir: string) {
  return {
    required_plugins: {
      'docker-like': '@imprint/example-docker-like',
      'docker-like-tag': '@imprint/example-docker-like',
      'docker-like-push': '@imprint/example-docker-like',
    },
    sources: {
      'docker-like.app': {
        base: 'scratch',
        tag: 'app',
        output_dir: out,
        created: '2024-01-01T00:00:00Z',
        files: [{ content: '{"app":1}\n', destination: '/srv/app/app.json' }],
      },
    },
    build: {
      sources: ['docker-like.app'],
      post_processors: [
        [
          { type: 'docker-like-tag', tags: ['stable'] },
          {
            type: 'docker-like-push',
            registry_dir: registryDir,
            repository: 'team/app',
            tag: '1.0',
          },
        ],
      ],
    },
    registry: { bucket_name: bucket, channels: ['production'] },
  };
}

const SPDX = { spdxVersion: 'SPDX-2.3', name: 'app', packages: [{ name: 'zlib' }] };

/** A client of a registry that is down. */
async function downClient(): Promise<RegistryClient> {
  return new RegistryClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, retries: false });
}

describe.each(testEngines())('SBOMs on %s', (engine) => {
  const registry = useTestRegistry(
    { beforeAll, afterAll },
    { engine, database: { prefix: 'imprint-core-sbom' } },
  );

  /**
   * Runs a template of the from plugin whose artifact states `sbom` under
   * `imprint.sbom`, publishing to `client` (default: the test registry).
   */
  async function runFrom(
    bucket: string,
    sbom: unknown,
    options: { client?: RegistryClient; onEvent?: (e: RunEvent) => void } = {},
  ) {
    const work = await dirs.make();
    return runBuild({
      template: await writeTemplate(work, 't.pkr.json', {
        required_plugins: FROM_PLUGINS,
        sources: { 'from.img': { id: `${bucket}-image`, sbom } },
        build: { sources: ['from.img'] },
        registry: { bucket_name: bucket },
      }),
      env: {},
      pluginDir: plugin.dir,
      registry: options.client ?? registry.client,
      runDir: join(work, 'run'),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  /** The stored document of a build's SBOM, downloaded and decompressed. */
  async function stored(bucket: string, fp: string, buildId: string, name: string) {
    const ref = { bucket, fingerprint: fp, buildId };
    return (await decompressSbom(await downloadSbom(registry.client, ref, name))).toString('utf8');
  }

  /** The spool file of a run, parsed. */
  async function spoolOf(result: Awaited<ReturnType<typeof runBuild>>) {
    const file = result.registry!.spoolFile!;
    return { file, spool: JSON.parse(await readFile(file, 'utf8')) };
  }

  it('uploads the distinct SBOMs of a docker-like build (builder = tag, push retargeted) before it is done', async () => {
    const work = await dirs.make();
    const events: RunEvent[] = [];
    const template = dockerTemplate('sbom-app', join(work, 'app-layout'), join(work, 'oci'));
    const result = await runBuild({
      template: await writeTemplate(work, 'app.pkr.json', template),
      env: {},
      pluginDir: REPO_ROOT,
      registry: registry.client,
      runDir: join(work, 'run'),
      onEvent: (e) => events.push(e),
    });
    expect(result.status).toBe('done');
    expect(result.registry?.versionComplete).toBe(true);
    const [build] = result.builds;
    // Kept: the builder's artifact (the tag kept its input), the tag's (same SBOM), the push's.
    const stated = build.artifacts.map((a) => a.state('imprint.sbom') as { document: object });
    expect(new Set(stated.map((s) => JSON.stringify(s.document))).size).toBe(2);
    expect(build.sboms.map((s) => [s.name, s.format, s.outcome])).toEqual([
      // Stated as `app-layout:app` (the layout and its tag), then `team/app:1.0` once pushed.
      ['app-layout-app', 'cyclonedx', 'uploaded'],
      ['team-app-1-0', 'cyclonedx', 'uploaded'],
    ]);
    const says = events.filter((e) => e.kind === 'say' && e.message.startsWith('SBOM '));
    expect(says.map((e) => e.line)).toEqual([
      expect.stringMatching(
        /^docker-like\.app: SBOM app-layout-app \(cyclonedx, [\d.]+ (B|KiB), [\d.]+ (B|KiB) zstd\) uploaded$/,
      ),
      expect.stringMatching(/^docker-like\.app: SBOM team-app-1-0 \(cyclonedx, .* uploaded$/),
    ]);
    expect(build.sboms[0].message).toBe(says[0].message);

    const fp = result.registry!.fingerprint;
    const buildId = result.registry!.buildIds['docker-like.app'];
    const { sboms } = await registry.client.listSboms('sbom-app', fp, buildId);
    expect(sboms.map((s) => [s.name, s.format]).sort()).toEqual([
      ['app-layout-app', 'CYCLONEDX'],
      ['team-app-1-0', 'CYCLONEDX'],
    ]);
    // Byte for byte what the artifacts stated, as JSON.
    const builderDoc = await stored('sbom-app', fp, buildId, 'app-layout-app');
    expect(builderDoc).toBe(JSON.stringify(stated[0].document));
    expect(JSON.parse(builderDoc)).toEqual(stated[0].document);
    const pushedDoc = await stored('sbom-app', fp, buildId, 'team-app-1-0');
    expect(pushedDoc).toBe(JSON.stringify(stated[stated.length - 1].document));
    expect(build.sboms[0].documentBytes).toBe(Buffer.byteLength(builderDoc));
  });

  it('names an SBOM after what it describes, made to fit the registry, with its format', async () => {
    const name = 'registry.example.com/team/app:1.0';
    const result = await runFrom('sbom-spdx', { format: 'spdx', name, document: SPDX });
    expect(result.status).toBe('done');
    const fp = result.registry!.fingerprint;
    const buildId = result.registry!.buildIds['from.img'];
    const { sboms } = await registry.client.listSboms('sbom-spdx', fp, buildId);
    expect(sboms.map((s) => [s.name, s.format])).toEqual([
      ['registry-example-com-team-app-1-0', 'SPDX' satisfies SbomFormat],
    ]);
    expect(JSON.parse(await stored('sbom-spdx', fp, buildId, sboms[0].name))).toEqual(SPDX);
  });

  it('fails the build whose artifact states a malformed SBOM, with the SDK message, and uploads nothing', async () => {
    const result = await runFrom('sbom-bad', { format: 'xml', name: 'app', document: SPDX });
    expect(result.status).toBe('failed');
    const [build] = result.builds;
    expect(build).toMatchObject({ status: 'failed', registryStatus: 'BUILD_FAILED' });
    expect(build.error).toMatch(
      /^builder from stated an invalid SBOM \('imprint\.sbom'\): .*state\.format.*"xml".*"cyclonedx", "spdx"/,
    );
    const fp = result.registry!.fingerprint;
    const buildId = result.registry!.buildIds['from.img'];
    const inRegistry = await registry.client.getBuild('sbom-bad', fp, buildId);
    expect(inRegistry.metadata?.error).toBe(build.error);
    expect((await registry.client.listSboms('sbom-bad', fp, buildId)).sboms).toEqual([]);
  });

  it('fails the build whose SBOM is over the compressed limit, naming the limit', async () => {
    // Random base64 compresses to 6 bits a character at best: 6 MiB of it is about 4.5 MiB compressed.
    const comment = randomBytes(6 * 1024 * 1024 * 0.75).toString('base64');
    const document = { ...SPDX, comment };
    const result = await runFrom('sbom-big', { format: 'spdx', name: 'big', document });
    expect(result.builds[0]).toMatchObject({ status: 'failed', registryStatus: 'BUILD_FAILED' });
    expect(result.builds[0].error).toMatch(
      /^the SBOM 'big' stated by builder from is [\d.]+ MiB compressed with zstd; the registry takes at most 4\.0 MiB compressed \(LIMITS\.sbomCompressedBytes\)$/,
    );
  });

  it('spools the SBOM when the registry is down; pushSpool uploads it before completing the version', async () => {
    const events: RunEvent[] = [];
    const sbom = { format: 'spdx', name: 'app', document: SPDX };
    const result = await runFrom('sbom-spool', sbom, {
      client: await downClient(),
      onEvent: (e) => events.push(e),
    });
    expect(result.status).toBe('done');
    expect(result.builds[0].sboms).toMatchObject([
      { name: 'app', format: 'spdx', outcome: 'spooled' },
    ]);
    expect(events.map((e) => e.line)).toContainEqual(
      expect.stringMatching(/^from\.img: SBOM app \(spdx, .*\) spooled$/),
    );
    const { file, spool } = await spoolOf(result);
    expect(spool.builds[0].sboms).toEqual([
      { name: 'app', format: 'SPDX', compressed_sbom: expect.any(String) },
    ]);
    const frame = Buffer.from(spool.builds[0].sboms[0].compressed_sbom, 'base64');
    expect((await decompressSbom(frame)).toString('utf8')).toBe(JSON.stringify(SPDX));

    const pushed = await pushSpool(file, registry.client);
    expect(pushed).toMatchObject({
      pushed: ['from.img'],
      sboms: ['from.img: app'],
      versionComplete: true,
    });
    const fp = result.registry!.fingerprint;
    const { builds } = await registry.client.listBuilds('sbom-spool', fp);
    expect(builds[0].status).toBe('BUILD_DONE');
    expect(JSON.parse(await stored('sbom-spool', fp, builds[0].id, 'app'))).toEqual(SPDX);
  });

  it('pushSpool finds an SBOM a cut-short push uploaded, and refuses a different one of that name', async () => {
    const sbom = { format: 'spdx', name: 'app', document: SPDX };
    const result = await runFrom('sbom-again', sbom, { client: await downClient() });
    const { file, spool } = await spoolOf(result);
    const fp = result.registry!.fingerprint;
    /** A version of the bucket whose one build holds `upload` already, as a push cut short left it. */
    const seed = async (fingerprint: string, upload: unknown) => {
      await registry.client.upsertBucket('sbom-again', {});
      await registry.client.ensureVersion('sbom-again', fingerprint, 'JSON');
      const build = await registry.client.createBuild('sbom-again', fingerprint, {
        component_type: 'from.img',
        status: 'BUILD_UNSET',
      });
      await registry.client.uploadSbom('sbom-again', fingerprint, build.id, upload as never);
    };
    await seed(fp, spool.builds[0].sboms[0]);
    expect(await pushSpool(file, registry.client)).toMatchObject({
      pushed: ['from.img'],
      sboms: ['from.img: app'],
      versionComplete: true,
    });

    // Another version whose build holds a different document under the spooled name.
    const other = await runFrom(
      'sbom-other',
      { ...sbom, document: { ...SPDX, name: 'other' } },
      {
        client: await downClient(),
      },
    );
    const otherUpload = (await spoolOf(other)).spool.builds[0].sboms[0];
    const otherFile = join(await dirs.make(), 'spool.json');
    await writeFile(otherFile, JSON.stringify({ ...spool, fingerprint: `${fp}-2` }));
    await seed(`${fp}-2`, otherUpload);
    await expect(pushSpool(otherFile, registry.client)).rejects.toMatchObject({
      reason: 'REGISTRY_ERR_SBOM_EXISTS',
    });
  });

  it('refuses a spool file whose SBOM entries are not upload bodies', async () => {
    const result = await runFrom(
      'sbom-badspool',
      { format: 'spdx', name: 'app', document: SPDX },
      {
        client: await downClient(),
      },
    );
    const { file, spool } = await spoolOf(result);
    spool.builds[0].sboms = [{ name: 'app', format: 'SPDX' }];
    await writeFile(file, JSON.stringify(spool));
    await expect(pushSpool(file, registry.client)).rejects.toMatchObject({
      code: 'IMPRINT_ERR_SPOOL_INVALID',
      message: expect.stringContaining(
        'builds[0].sboms is not a list of { name, format, compressed_sbom }',
      ),
    });
  });
});
