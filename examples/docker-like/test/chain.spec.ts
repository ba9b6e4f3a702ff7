import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spec } from '@cyclonedx/cyclonedx-library';
import type { Image } from '@imprint/sdk';
import { expectRegistryMetadata } from '@imprint/sdk/testing';
import type { DockerLikeImageArtifact, PushedImageArtifact } from '@imprint/example-docker-like';
import { build, postProcess } from './helpers/build';
import { cycloneDxSchemaErrors } from './helpers/cyclonedx-schema';
import { checkOciLayout } from './helpers/oci-check';
import { sbomOf } from './helpers/sbom';
import { findTool, itWithTool, run } from './helpers/oci-tools';
import { tempDirs } from './helpers/temp-dirs';

/**
 * The full chain a template would run: a base image from scratch, an app
 * image built FROM the base's layout, then tag and push. Checked three ways:
 * our own structural checker, the real OCI tools (skopeo, umoci), and the
 * committed golden registry metadata.
 */

jest.setTimeout(60_000);

const fixtures = join(__dirname, 'fixtures');
const goldenFile = join(__dirname, 'expected-metadata.json');
const skopeo = findTool('skopeo');
const umoci = findTool('umoci');
const dirs = tempDirs();

let work: string;
let registry: string;
let base: DockerLikeImageArtifact;
let app: DockerLikeImageArtifact;
let tagged: DockerLikeImageArtifact;
let pushed: PushedImageArtifact;

beforeAll(async () => {
  work = await dirs.make('chain');
  registry = await dirs.make('registry');
  base = (
    await build(
      {
        base: 'scratch',
        output_dir: 'base',
        tag: 'base',
        files: [
          { source: join(fixtures, 'base-rootfs'), destination: '/' },
          { content: 'Imprint example base image\n', destination: '/etc/motd' },
        ],
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
        cmd: ['/bin/sh'],
        labels: { 'org.opencontainers.image.vendor': 'Imprint examples' },
        created: '2024-01-01T00:00:00Z',
      },
      work,
      'base',
    )
  ).artifact;
  app = (
    await build(
      {
        base: base.layoutDir,
        base_ref: 'base',
        output_dir: 'app',
        tag: '1.0',
        files: [
          { source: join(fixtures, 'app'), destination: '/srv/app' },
          {
            content: '#!/bin/sh\nexec cat /srv/app/static/index.html\n',
            destination: '/srv/app/start.sh',
            mode: '0755',
          },
        ],
        env: { APP_PORT: '8080', LANG: 'en_US.UTF-8' },
        entrypoint: ['/srv/app/start.sh'],
        workdir: '/srv/app',
        labels: { 'org.opencontainers.image.title': 'app' },
        created: '2024-02-01T00:00:00Z',
      },
      work,
      'app',
    )
  ).artifact;
  tagged = (
    await postProcess<DockerLikeImageArtifact>('docker-like-tag', { tags: ['stable'] }, app, work)
  ).artifact;
  pushed = (
    await postProcess<PushedImageArtifact>(
      'docker-like-push',
      { registry_dir: registry, repository: 'examples/app', tag: '1.0' },
      tagged,
      work,
    )
  ).artifact;
});

afterAll(() => dirs.cleanup());

describe('base → app chain', () => {
  it("links the app to its base: the app's sourceImageId is the base's imageId", () => {
    const [baseImage] = expectRegistryMetadata(base);
    const [appImage] = expectRegistryMetadata(app);
    expect(baseImage.sourceImageId).toBe('scratch');
    expect(appImage.sourceImageId).toBe(baseImage.imageId);
    expect(appImage.imageId).not.toBe(baseImage.imageId);
  });

  it('writes layouts that pass the structural checks (every blob re-hashed, media types, sizes, diff IDs)', () => {
    const [baseImage] = checkOciLayout(base.layoutDir);
    const [appImage] = checkOciLayout(app.layoutDir).filter((i) => i.ref === '1.0');
    const [pushedImage] = checkOciLayout(join(registry, 'examples', 'app'));
    expect(appImage.layers.slice(0, 1)).toEqual(baseImage.layers);
    expect(appImage.layers).toHaveLength(2);
    expect(appImage.manifest.annotations).toEqual({
      'org.opencontainers.image.base.digest': base.manifestDigest,
    });
    expect(pushedImage.manifestDigest).toBe(appImage.manifestDigest);
    expect(appImage.configDigest).toBe(app.imageId);
  });

  it("carries the base's config forward and applies the app's changes", () => {
    const [appImage] = checkOciLayout(app.layoutDir);
    expect(appImage.config.config).toEqual({
      // PATH kept, LANG replaced in place, APP_PORT appended.
      Env: ['LANG=en_US.UTF-8', 'PATH=/usr/local/bin:/usr/bin:/bin', 'APP_PORT=8080'],
      Entrypoint: ['/srv/app/start.sh'],
      // A new entrypoint drops the base's CMD ["/bin/sh"], as in Docker.
      WorkingDir: '/srv/app',
      Labels: {
        'org.opencontainers.image.title': 'app',
        'org.opencontainers.image.vendor': 'Imprint examples',
      },
    });
    expect(appImage.config.history.map((h: { created_by: string }) => h.created_by)).toEqual([
      'COPY / /etc/motd',
      'ENV LANG PATH; LABEL org.opencontainers.image.vendor; CMD ["/bin/sh"]',
      'COPY /srv/app /srv/app/start.sh',
      'ENV APP_PORT LANG; LABEL org.opencontainers.image.title; ENTRYPOINT ["/srv/app/start.sh"]; WORKDIR /srv/app',
    ]);
    expect(appImage.layers[1].entries).toEqual([
      'srv/ Directory 0755 0:0 0 2024-02-01T00:00:00.000Z',
      'srv/app/ Directory 0755 0:0 0 2024-02-01T00:00:00.000Z',
      'srv/app/app.json File 0644 0:0 38 2024-02-01T00:00:00.000Z',
      'srv/app/start.sh File 0755 0:0 46 2024-02-01T00:00:00.000Z',
      'srv/app/static/ Directory 0755 0:0 0 2024-02-01T00:00:00.000Z',
      'srv/app/static/index.html File 0644 0:0 70 2024-02-01T00:00:00.000Z',
    ]);
  });

  it('matches the committed golden registry metadata (test/expected-metadata.json)', () => {
    const wire = (image: Image) => JSON.parse(JSON.stringify(image)) as Record<string, unknown>;
    const actual = {
      base: wire(expectRegistryMetadata(base)[0]),
      app: wire(expectRegistryMetadata(app)[0]),
      'app-tagged': wire(expectRegistryMetadata(tagged)[0]),
      'app-pushed': {
        ...wire(expectRegistryMetadata(pushed)[0]),
        ProviderRegion: expectRegistryMetadata(pushed)[0].providerRegion.replace(
          registry,
          '<registry_dir>',
        ),
      },
    };
    if (process.env.UPDATE_GOLDEN === '1')
      writeFileSync(goldenFile, `${JSON.stringify(actual, null, 2)}\n`);
    const expected = JSON.parse(readFileSync(goldenFile, 'utf8'));
    // On a mismatch after an intended change, regenerate with:
    //   UPDATE_GOLDEN=1 npx jest --selectProjects @imprint/example-docker-like chain
    expect(actual).toEqual(expected);
  });
});

describe('SBOM along the chain (imprint.sbom)', () => {
  it('the builder states one for each image: the base lists its files, the app only the files it added', () => {
    expect(sbomOf(base).name).toBe('base:base');
    expect(sbomOf(base).document.components?.map((c) => c.name)).toEqual([
      '/etc/motd',
      '/etc/os-release',
      '/usr/share/imprint/README',
    ]);
    expect(sbomOf(app).name).toBe('app:1.0');
    expect(sbomOf(app).document.components?.map((c) => c.name)).toEqual([
      '/srv/app/app.json',
      '/srv/app/start.sh',
      '/srv/app/static/index.html',
    ]);
  });

  it('tag carries the SBOM forward unchanged', () => {
    expect(sbomOf(tagged)).toEqual(sbomOf(app));
  });

  it('push carries it forward under the pushed name: same serial and contents, next version', async () => {
    const before = sbomOf(tagged).document;
    const after = sbomOf(pushed);
    const hex = app.manifestDigest.slice('sha256:'.length);
    expect(after.name).toBe('examples/app:1.0');
    expect(after.document.serialNumber).toBe(before.serialNumber);
    expect(after.document.version).toBe(before.version + 1);
    expect(after.document.components).toEqual(before.components);
    expect(after.document.metadata.component).toMatchObject({
      type: 'container',
      name: 'examples/app',
      version: '1.0',
      'bom-ref': app.manifestDigest,
      purl: `pkg:oci/app@sha256:${hex}?arch=amd64&repository_url=examples%2Fapp&tag=1.0`,
      hashes: [{ alg: 'SHA-256', content: hex }],
    });
    expect(
      await cycloneDxSchemaErrors(JSON.stringify(after.document), Spec.Version.v1dot7),
    ).toEqual([]);
  });
});

describe('OCI tools accept the layouts', () => {
  const inspect = (ref: string) => JSON.parse(run(skopeo, ['inspect', ref]));

  itWithTool(
    skopeo,
    'skopeo inspect reads both images, with the digests and layers the artifacts state',
    () => {
      const baseInfo = inspect(`oci:${base.layoutDir}:base`);
      expect(baseInfo).toMatchObject({
        Digest: base.manifestDigest,
        Architecture: 'amd64',
        Os: 'linux',
        Created: '2024-01-01T00:00:00Z',
      });
      const appInfo = inspect(`oci:${app.layoutDir}:1.0`);
      expect(appInfo.Digest).toBe(app.manifestDigest);
      expect(appInfo.Layers).toHaveLength(2);
      expect(appInfo.Layers[0]).toBe(baseInfo.Layers[0]);
      expect(appInfo.Env).toContain('APP_PORT=8080');
      expect(appInfo.Labels).toMatchObject({ 'org.opencontainers.image.title': 'app' });
      // The config skopeo reads hashes to the image ID; the raw manifest to the manifest digest.
      const rawConfig = run(skopeo, [
        'inspect',
        '--raw',
        '--config',
        `oci:${app.layoutDir}:stable`,
      ]);
      expect(`sha256:${createHash('sha256').update(rawConfig).digest('hex')}`).toBe(app.imageId);
      const rawManifest = run(skopeo, [
        'inspect',
        '--raw',
        `oci:${join(registry, 'examples', 'app')}:1.0`,
      ]);
      expect(`sha256:${createHash('sha256').update(rawManifest).digest('hex')}`).toBe(
        pushed.manifestDigest,
      );
    },
  );

  itWithTool(
    skopeo,
    'skopeo copy verifies every blob, keeps the digests, and its output works as a base',
    async () => {
      const copy = join(work, 'skopeo-copy');
      run(skopeo, ['copy', '--quiet', `oci:${app.layoutDir}:1.0`, `oci:${copy}:copied`]);
      const [copied] = checkOciLayout(copy);
      expect(copied.manifestDigest).toBe(app.manifestDigest);
      // A layout written by another tool is a valid base too.
      const child = (
        await build({ base: copy, output_dir: 'child', env: { CHILD: '1' } }, work, 'child')
      ).artifact;
      expect(expectRegistryMetadata(child)[0].sourceImageId).toBe(app.imageId);
    },
  );

  itWithTool(
    umoci,
    'umoci unpacks the app image into a runtime bundle with the files, modes and config',
    () => {
      const bundle = join(work, 'bundle');
      run(umoci, ['unpack', '--rootless', '--image', `${app.layoutDir}:1.0`, bundle]);
      const rootfs = join(bundle, 'rootfs');
      expect(readFileSync(join(rootfs, 'etc', 'motd'), 'utf8')).toBe(
        'Imprint example base image\n',
      );
      expect(readFileSync(join(rootfs, 'etc', 'os-release'), 'utf8')).toContain(
        'ID=imprint-example',
      );
      expect(readFileSync(join(rootfs, 'srv', 'app', 'static', 'index.html'), 'utf8')).toContain(
        'Hello from the app image.',
      );
      expect(statSync(join(rootfs, 'srv', 'app', 'start.sh')).mode & 0o777).toBe(0o755);
      expect(existsSync(join(rootfs, 'usr', 'share', 'imprint', 'README'))).toBe(true);
      const runtime = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
      expect(runtime.process.args).toEqual(['/srv/app/start.sh']);
      expect(runtime.process.cwd).toBe('/srv/app');
      expect(runtime.process.env).toEqual(
        expect.arrayContaining(['APP_PORT=8080', 'PATH=/usr/local/bin:/usr/bin:/bin']),
      );
    },
  );

  itWithTool(umoci, 'umoci stat reads the history of the base and of the pushed image', () => {
    const history = (ref: string) =>
      JSON.parse(run(umoci, ['stat', '--json', '--image', ref])).history as {
        created_by: string;
        empty_layer?: boolean;
      }[];
    expect(history(`${base.layoutDir}:base`).map((h) => h.created_by)).toEqual([
      'COPY / /etc/motd',
      'ENV LANG PATH; LABEL org.opencontainers.image.vendor; CMD ["/bin/sh"]',
    ]);
    expect(history(`${join(registry, 'examples', 'app')}:1.0`)).toHaveLength(4);
  });
});
