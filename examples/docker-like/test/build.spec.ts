import { chmod, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_STATE_URI } from '@imprint/sdk';
import { expectRegistryMetadata } from '@imprint/sdk/testing';
import plugin, {
  BUILDER_ID,
  DOCKER_LIKE_STATE_KEYS,
  DockerLikeImageArtifact,
  HISTORY_AUTHOR,
  SCRATCH_SOURCE_IMAGE_ID,
} from '@imprint/example-docker-like';
import { CREATED, build } from './helpers/build';
import { checkOciLayout } from './helpers/oci-check';
import { tempDirs } from './helpers/temp-dirs';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('building from scratch', () => {
  it('writes a valid OCI layout holding one layer with the files', async () => {
    const work = await dirs.make('work');
    const src = await dirs.make('src');
    await mkdir(join(src, 'site', 'css'), { recursive: true });
    await writeFile(join(src, 'site', 'index.html'), '<p>hi</p>\n');
    await writeFile(join(src, 'site', 'css', 'main.css'), 'p{}\n');
    await symlink('index.html', join(src, 'site', 'home.html'));
    await writeFile(join(src, 'tool'), '#!/bin/sh\n');
    await chmod(join(src, 'tool'), 0o700);

    const { artifact, context } = await build(
      {
        base: 'scratch',
        files: [
          { source: join(src, 'site'), destination: '/srv/www' },
          { source: join(src, 'tool'), destination: '/usr/local/bin/' },
          { content: 'hello\n', destination: '/etc/motd', mode: '0600' },
        ],
      },
      work,
    );

    expect(artifact).toBeInstanceOf(DockerLikeImageArtifact);
    expect(artifact.layoutDir).toBe(join(work, 'image'));
    const [image] = checkOciLayout(artifact.layoutDir);
    expect(image.ref).toBe('latest');
    expect(image.configDigest).toBe(artifact.imageId);
    expect(image.manifestDigest).toBe(artifact.manifestDigest);
    expect(image.layers).toHaveLength(1);
    expect(image.layers[0].mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(image.layers[0].entries).toEqual([
      'etc/ Directory 0755 0:0 0 2024-01-01T00:00:00.000Z',
      'etc/motd File 0600 0:0 6 2024-01-01T00:00:00.000Z',
      'srv/ Directory 0755 0:0 0 2024-01-01T00:00:00.000Z',
      'srv/www/ Directory 0755 0:0 0 2024-01-01T00:00:00.000Z',
      'srv/www/css/ Directory 0755 0:0 0 2024-01-01T00:00:00.000Z',
      'srv/www/css/main.css File 0644 0:0 4 2024-01-01T00:00:00.000Z',
      'srv/www/home.html SymbolicLink 0777 0:0 0 2024-01-01T00:00:00.000Z -> index.html',
      'srv/www/index.html File 0644 0:0 10 2024-01-01T00:00:00.000Z',
      'usr/ Directory 0755 0:0 0 2024-01-01T00:00:00.000Z',
      'usr/local/ Directory 0755 0:0 0 2024-01-01T00:00:00.000Z',
      'usr/local/bin/ Directory 0755 0:0 0 2024-01-01T00:00:00.000Z',
      'usr/local/bin/tool File 0755 0:0 10 2024-01-01T00:00:00.000Z',
    ]);
    expect(image.config).toEqual({
      created: CREATED,
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [image.layers[0].diffId] },
      history: [
        {
          created: CREATED,
          author: HISTORY_AUTHOR,
          created_by: 'COPY /srv/www /usr/local/bin /etc/motd',
        },
      ],
    });
    expect(context.ui.lines()).toEqual([
      'Starting from scratch (an empty image)',
      'Adding 3 file entries as a new layer',
      expect.stringMatching(
        /^Layer sha256:[a-f0-9]{64}: 12 tar entries, \d+ bytes compressed \(diff ID sha256:[a-f0-9]{64}\)$/,
      ),
      'SBOM: 0 OS package(s), 4 added file(s)',
      `Writing OCI image layout ${artifact.layoutDir}`,
      `Built image ${artifact.imageId} (manifest ${artifact.manifestDigest}), tagged 'latest'`,
    ]);
  });

  it('states registry metadata: image ID, provider docker, region docker, source scratch', async () => {
    const { artifact } = await build(
      { base: 'scratch', tag: '1.0', files: [{ content: 'x', destination: '/x' }] },
      await dirs.make('work'),
    );
    const [image] = expectRegistryMetadata(artifact);
    expect(image.imageId).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(image).toMatchObject({
      imageId: artifact.imageId,
      providerName: 'docker',
      providerRegion: 'docker',
      sourceImageId: SCRATCH_SOURCE_IMAGE_ID,
      labels: {
        manifest_digest: artifact.manifestDigest,
        tags: '1.0',
        architecture: 'amd64',
        os: 'linux',
      },
    });
    expect(SCRATCH_SOURCE_IMAGE_ID).toBe('scratch');
    expect(artifact.builderId()).toBe(BUILDER_ID);
    expect(artifact.id()).toBe(artifact.imageId);
    expect(artifact.state(DOCKER_LIKE_STATE_KEYS.layoutDir)).toBe(artifact.layoutDir);
    expect(artifact.state(DOCKER_LIKE_STATE_KEYS.manifestDigest)).toBe(artifact.manifestDigest);
    expect(String(artifact)).toBe(`OCI image ${artifact.imageId} (1.0) in ${artifact.layoutDir}`);
    expect(JSON.parse(JSON.stringify(artifact.state(ARTIFACT_STATE_URI)))).toEqual({
      ImageID: artifact.imageId,
      ProviderName: 'docker',
      ProviderRegion: 'docker',
      Labels: {
        manifest_digest: artifact.manifestDigest,
        architecture: 'amd64',
        os: 'linux',
        tags: '1.0',
      },
      SourceImageID: 'scratch',
    });
  });

  it('lists the layout files and blobs as the artifact files', async () => {
    const { artifact } = await build(
      { base: 'scratch', files: [{ content: 'x', destination: '/x' }] },
      await dirs.make('work'),
    );
    const blobs = (await readdir(join(artifact.layoutDir, 'blobs', 'sha256'))).map((hex) =>
      join(artifact.layoutDir, 'blobs', 'sha256', hex),
    );
    expect(artifact.files().sort()).toEqual(
      [
        join(artifact.layoutDir, 'index.json'),
        join(artifact.layoutDir, 'oci-layout'),
        ...blobs,
      ].sort(),
    );
  });

  it('applies env, cmd, entrypoint, workdir, labels, platform, and records them in history', async () => {
    const { artifact } = await build(
      {
        base: 'scratch',
        env: { PATH: '/usr/bin:/bin', APP_ENV: 'prod' },
        cmd: ['--port', '8080'],
        entrypoint: ['/app/server'],
        workdir: '/app/./data/',
        labels: { 'org.opencontainers.image.title': 'demo', a: '1' },
        architecture: 'arm64',
        os: 'linux',
      },
      await dirs.make('work'),
    );
    const [image] = checkOciLayout(artifact.layoutDir);
    expect(image.layers).toEqual([]);
    expect(image.config.architecture).toBe('arm64');
    expect(image.config.config).toEqual({
      Env: ['APP_ENV=prod', 'PATH=/usr/bin:/bin'],
      Entrypoint: ['/app/server'],
      Cmd: ['--port', '8080'],
      WorkingDir: '/app/data',
      Labels: { a: '1', 'org.opencontainers.image.title': 'demo' },
    });
    expect(image.config.history).toEqual([
      {
        created: CREATED,
        author: HISTORY_AUTHOR,
        created_by:
          'ENV APP_ENV PATH; LABEL a org.opencontainers.image.title; ENTRYPOINT ["/app/server"]; CMD ["--port","8080"]; WORKDIR /app/data',
        empty_layer: true,
      },
    ]);
    const index = JSON.parse(await readFile(join(artifact.layoutDir, 'index.json'), 'utf8'));
    expect(index.manifests[0].platform).toEqual({ architecture: 'arm64', os: 'linux' });
    expect(expectRegistryMetadata(artifact)[0].labels.architecture).toBe('arm64');
  });

  it('is reproducible: two builds of the same config give the same digests', async () => {
    const src = await dirs.make('src');
    await writeFile(join(src, 'a.txt'), 'a\n');
    const config = {
      base: 'scratch',
      files: [{ source: src, destination: '/data' }],
      env: { A: '1' },
    };
    const first = (await build(config, await dirs.make('work'))).artifact;
    const second = (await build(config, await dirs.make('work'))).artifact;
    expect(second.imageId).toBe(first.imageId);
    expect(second.manifestDigest).toBe(first.manifestDigest);
  });

  it('takes the creation time from source_date_epoch, then SOURCE_DATE_EPOCH, then the Unix epoch', async () => {
    const created = async (raw: Record<string, unknown>) => {
      const { component } = await plugin.createBuilder('docker-like', {
        base: 'scratch',
        env: { A: '1' },
        ...raw,
      });
      const work = await dirs.make('work');
      const artifact = (await component.run({
        ui: { say() {}, message() {}, error() {}, progress() {} },
        signal: new AbortController().signal,
        workDir: work,
        buildName: 't',
      })) as DockerLikeImageArtifact;
      return checkOciLayout(artifact.layoutDir)[0].config.created as string;
    };
    const saved = process.env.SOURCE_DATE_EPOCH;
    try {
      delete process.env.SOURCE_DATE_EPOCH;
      expect(await created({})).toBe('1970-01-01T00:00:00Z');
      expect(await created({ source_date_epoch: 1700000000 })).toBe('2023-11-14T22:13:20Z');
      process.env.SOURCE_DATE_EPOCH = '1600000000';
      expect(await created({})).toBe('2020-09-13T12:26:40Z');
      expect(await created({ created: '2024-05-06T07:08:09+02:00' })).toBe('2024-05-06T05:08:09Z');
      process.env.SOURCE_DATE_EPOCH = 'soon';
      await expect(created({})).rejects.toThrow(
        /SOURCE_DATE_EPOCH environment variable, which is "soon"/,
      );
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
  });

  it('writes the layout relative to the work directory, or to an absolute output_dir', async () => {
    const work = await dirs.make('work');
    const elsewhere = await dirs.make('out');
    const relative = (
      await build({ base: 'scratch', output_dir: 'out/img', env: { A: '1' } }, work)
    ).artifact;
    expect(relative.layoutDir).toBe(join(work, 'out', 'img'));
    const absolute = (
      await build({ base: 'scratch', output_dir: join(elsewhere, 'img'), env: { A: '1' } }, work)
    ).artifact;
    expect(absolute.layoutDir).toBe(join(elsewhere, 'img'));
  });

  it('adds an image to an existing layout under a new tag, and rebuilding the same image is idempotent', async () => {
    const work = await dirs.make('work');
    const v1 = (await build({ base: 'scratch', tag: 'v1', env: { V: '1' } }, work)).artifact;
    const v2 = (await build({ base: 'scratch', tag: 'v2', env: { V: '2' } }, work)).artifact;
    const again = (await build({ base: 'scratch', tag: 'v2', env: { V: '2' } }, work)).artifact;
    expect(again.manifestDigest).toBe(v2.manifestDigest);
    expect(checkOciLayout(v1.layoutDir).map((i) => [i.ref, i.manifestDigest])).toEqual([
      ['v1', v1.manifestDigest],
      ['v2', v2.manifestDigest],
    ]);
  });

  it('stops at the next step when the build is cancelled', async () => {
    const { component } = await plugin.createBuilder('docker-like', {
      base: 'scratch',
      files: [{ content: 'x', destination: '/x' }],
    });
    const work = await dirs.make('work');
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    const context = {
      ui: { say() {}, message() {}, error() {}, progress() {} },
      signal: controller.signal,
      workDir: work,
      buildName: 't',
    };
    await expect(component.run(context)).rejects.toThrow('cancelled by the user');
    expect(await readdir(work)).toEqual([]);
  });

  it('destroy() removes its tag, and the layout once it holds no image', async () => {
    const work = await dirs.make('work');
    const a = (await build({ base: 'scratch', tag: 'a', env: { X: 'a' } }, work)).artifact;
    const b = (await build({ base: 'scratch', tag: 'b', env: { X: 'b' } }, work)).artifact;
    await a.destroy();
    expect(checkOciLayout(b.layoutDir).map((i) => i.ref)).toEqual(['b']);
    await b.destroy();
    await expect(readdir(b.layoutDir)).rejects.toThrow(/ENOENT/);
    await expect(b.destroy()).resolves.toBeUndefined();
  });
});
