import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_STATE_URI } from '@imprint/sdk';
import { MockArtifact, expectRegistryMetadata } from '@imprint/sdk/testing';
import {
  DOCKER_LIKE_STATE_KEYS,
  DigestMismatchError,
  DockerLikeImageArtifact,
  InputArtifactError,
  PUSH_POST_PROCESSOR_ID,
  PushTargetError,
  PushedImageArtifact,
  TAG_POST_PROCESSOR_ID,
} from '@imprint/example-docker-like';
import { build, postProcess } from './helpers/build';
import { checkOciLayout } from './helpers/oci-check';
import { failure } from './helpers/failure';
import { tempDirs } from './helpers/temp-dirs';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function appImage(): Promise<DockerLikeImageArtifact> {
  const work = await dirs.make('base');
  const base = (
    await build(
      {
        base: 'scratch',
        output_dir: 'base',
        files: [{ content: 'base\n', destination: '/etc/base' }],
      },
      work,
      'base',
    )
  ).artifact;
  return (
    await build(
      {
        base: base.layoutDir,
        output_dir: 'app',
        tag: '1.0',
        files: [{ content: 'app\n', destination: '/app/app.txt' }],
      },
      work,
    )
  ).artifact;
}

describe('docker-like-tag', () => {
  it('adds ref names to index.json and states the same image with the new tags', async () => {
    const app = await appImage();
    const { artifact, keepInput, context } = await postProcess<DockerLikeImageArtifact>(
      'docker-like-tag',
      { tags: ['stable', 'v1', 'stable'] },
      app,
      await dirs.make('work'),
    );
    expect(keepInput).toBe(true);
    expect(artifact).toBeInstanceOf(DockerLikeImageArtifact);
    expect(artifact.builderId()).toBe(TAG_POST_PROCESSOR_ID);
    expect(checkOciLayout(app.layoutDir).map((i) => [i.ref, i.manifestDigest])).toEqual([
      ['1.0', app.manifestDigest],
      ['stable', app.manifestDigest],
      ['v1', app.manifestDigest],
    ]);
    const index = JSON.parse(await readFile(join(app.layoutDir, 'index.json'), 'utf8'));
    expect(index.manifests[1]).toEqual({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: app.manifestDigest,
      size: expect.any(Number),
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'org.opencontainers.image.ref.name': 'stable' },
    });

    const [input] = expectRegistryMetadata(app);
    const [tagged] = expectRegistryMetadata(artifact);
    // Same image: same id; its parent is still the base, not the input.
    expect(tagged.imageId).toBe(input.imageId);
    expect(tagged.sourceImageId).toBe(input.sourceImageId);
    expect(tagged.providerName).toBe('docker');
    expect(tagged.providerRegion).toBe('docker');
    expect(tagged.labels).toEqual({
      manifest_digest: app.manifestDigest,
      tags: '1.0,stable,v1',
      architecture: 'amd64',
      os: 'linux',
    });
    expect(context.ui.lines()).toEqual([
      `Tagged ${app.manifestDigest} as 'stable' in ${app.layoutDir}`,
      `Tagged ${app.manifestDigest} as 'v1' in ${app.layoutDir}`,
    ]);
  });

  it('moves a tag that named another image, as docker tag does', async () => {
    const work = await dirs.make('work');
    const old = (await build({ base: 'scratch', tag: 'old', env: { V: '1' } }, work)).artifact;
    await postProcess('docker-like-tag', { tags: ['stable'] }, old, work);
    const fresh = (await build({ base: 'scratch', tag: 'new', env: { V: '2' } }, work)).artifact;
    await postProcess('docker-like-tag', { tags: ['stable'] }, fresh, work);
    expect(checkOciLayout(fresh.layoutDir).map((i) => [i.ref, i.manifestDigest])).toEqual([
      ['old', old.manifestDigest],
      ['new', fresh.manifestDigest],
      ['stable', fresh.manifestDigest],
    ]);
  });

  it('destroy() removes only the tags it added', async () => {
    const app = await appImage();
    const { artifact } = await postProcess(
      'docker-like-tag',
      { tags: ['stable'] },
      app,
      await dirs.make('work'),
    );
    await artifact.destroy();
    expect(checkOciLayout(app.layoutDir).map((i) => i.ref)).toEqual(['1.0']);
  });

  it('refuses artifacts that are not docker-like images', async () => {
    const foreign = new MockArtifact({
      builderId: 'imprint.aws-like',
      state: {
        [ARTIFACT_STATE_URI]: { ImageID: 'ami-1', ProviderName: 'aws', SourceImageID: 'ami-0' },
      },
    });
    const error = await failure(
      postProcess('docker-like-tag', { tags: ['x'] }, foreign, await dirs.make('work')),
    );
    expect(error).toBeInstanceOf(InputArtifactError);
    expect(error.message).toBe(
      "docker-like-tag cannot process the artifact of 'imprint.aws-like': it does not state 'docker-like.layout_dir' and 'docker-like.manifest_digest', so it is not an image in an OCI layout. Run it after the docker-like builder (or after another docker-like post-processor).",
    );
  });

  it('refuses an artifact whose image was removed from its layout', async () => {
    const work = await dirs.make('work');
    const a = (await build({ base: 'scratch', tag: 'a', env: { V: '1' } }, work)).artifact;
    await build({ base: 'scratch', tag: 'b', env: { V: '2' } }, work);
    await a.destroy();
    const error = await failure(postProcess('docker-like-tag', { tags: ['x'] }, a, work));
    expect(error).toBeInstanceOf(InputArtifactError);
    expect(error.message).toContain(
      `no ref in ${join(a.layoutDir, 'index.json')} points at its manifest ${a.manifestDigest} any more`,
    );
  });
});

describe('docker-like-push', () => {
  it('copies the image into <registry_dir>/<repository> and states where it now lives', async () => {
    const app = await appImage();
    const registry = await dirs.make('registry');
    const { artifact, keepInput, context } = await postProcess<PushedImageArtifact>(
      'docker-like-push',
      { registry_dir: registry, repository: 'team/app', tag: '1.0' },
      app,
      await dirs.make('work'),
    );
    expect(keepInput).toBe(true);
    expect(artifact).toBeInstanceOf(PushedImageArtifact);
    expect(artifact.builderId()).toBe(PUSH_POST_PROCESSOR_ID);
    const repositoryDir = join(registry, 'team', 'app');
    const [pushed] = checkOciLayout(repositoryDir);
    expect(pushed).toMatchObject({
      ref: '1.0',
      manifestDigest: app.manifestDigest,
      configDigest: app.imageId,
    });
    // Same bytes as the local image, blob for blob.
    for (const digest of [app.manifestDigest, app.imageId, ...pushed.layers.map((l) => l.digest)]) {
      const hex = digest.slice(7);
      expect(await readFile(join(repositoryDir, 'blobs', 'sha256', hex))).toEqual(
        await readFile(join(app.layoutDir, 'blobs', 'sha256', hex)),
      );
    }

    const [input] = expectRegistryMetadata(app);
    const [image] = expectRegistryMetadata(artifact);
    expect(image.imageId).toBe(app.imageId);
    expect(image.sourceImageId).toBe(input.sourceImageId);
    expect(image.providerName).toBe('docker');
    expect(image.providerRegion).toBe(repositoryDir);
    expect(image.labels).toEqual({
      manifest_digest: app.manifestDigest,
      pushed_ref: 'team/app:1.0',
    });
    expect(artifact.state(DOCKER_LIKE_STATE_KEYS.layoutDir)).toBe(repositoryDir);
    expect(String(artifact)).toBe(`team/app:1.0@${app.manifestDigest} in ${repositoryDir}`);
    expect(context.ui.lines()).toEqual([
      `Pushing ${app.manifestDigest} to team/app:1.0 (${repositoryDir})`,
      `Pushed team/app:1.0@${app.manifestDigest} (4 blob(s) copied, 0 already present)`,
    ]);
  });

  it('re-pushing copies nothing, and a new tag joins the repository', async () => {
    const app = await appImage();
    const registry = await dirs.make('registry');
    const work = await dirs.make('work');
    await postProcess('docker-like-push', { registry_dir: registry, repository: 'app' }, app, work);
    const { context } = await postProcess(
      'docker-like-push',
      { registry_dir: registry, repository: 'app', tag: '1.0' },
      app,
      work,
    );
    expect(context.ui.lines()[1]).toBe(
      `Pushed app:1.0@${app.manifestDigest} (0 blob(s) copied, 4 already present)`,
    );
    expect(checkOciLayout(join(registry, 'app')).map((i) => i.ref)).toEqual(['latest', '1.0']);
  });

  it('pushes the output of docker-like-tag, and can tag in the registry afterwards', async () => {
    const app = await appImage();
    const registry = await dirs.make('registry');
    const work = await dirs.make('work');
    const tagged = (await postProcess('docker-like-tag', { tags: ['stable'] }, app, work)).artifact;
    const pushed = (
      await postProcess(
        'docker-like-push',
        { registry_dir: registry, repository: 'app' },
        tagged,
        work,
      )
    ).artifact;
    const retagged = (
      await postProcess<DockerLikeImageArtifact>(
        'docker-like-tag',
        { tags: ['prod'] },
        pushed,
        work,
      )
    ).artifact;
    expect(retagged.layoutDir).toBe(join(registry, 'app'));
    expect(retagged.tags).toEqual(['latest', 'prod']);
    expect(expectRegistryMetadata(retagged)[0].sourceImageId).toBe(
      expectRegistryMetadata(app)[0].sourceImageId,
    );
  });

  it('a corrupt local blob is caught, and the repository is not tagged', async () => {
    const app = await appImage();
    const registry = await dirs.make('registry');
    const [image] = checkOciLayout(app.layoutDir);
    const layerFile = join(app.layoutDir, 'blobs', 'sha256', image.layers[1].digest.slice(7));
    await writeFile(layerFile, 'garbage');
    const error = await failure(
      postProcess(
        'docker-like-push',
        { registry_dir: registry, repository: 'app' },
        app,
        await dirs.make('work'),
      ),
    );
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(error.message).toContain(
      `Blob ${layerFile} (layer 1 of manifest ${app.manifestDigest} ('1.0')) is corrupt`,
    );
    expect(await readdir(registry)).toEqual([]);
  });

  it('a registry_dir that is a file is refused', async () => {
    const app = await appImage();
    const file = join(await dirs.make('registry'), 'registry');
    await writeFile(file, 'x');
    const error = await failure(
      postProcess(
        'docker-like-push',
        { registry_dir: file, repository: 'app' },
        app,
        await dirs.make('work'),
      ),
    );
    expect(error).toBeInstanceOf(PushTargetError);
    expect(error.message).toBe(
      `Cannot push to ${file}: registry_dir is a file, not a directory. Set 'registry_dir' to a directory (it is created if missing).`,
    );
  });

  it('a repository directory holding other files is refused', async () => {
    const app = await appImage();
    const registry = await dirs.make('registry');
    await mkdir(join(registry, 'app'));
    await writeFile(join(registry, 'app', 'README'), 'not a layout');
    const error = await failure(
      postProcess(
        'docker-like-push',
        { registry_dir: registry, repository: 'app' },
        app,
        await dirs.make('work'),
      ),
    );
    expect(error).toBeInstanceOf(PushTargetError);
    expect(error.message).toBe(
      `Cannot push to ${join(registry, 'app')}: it is not empty (1 entry, e.g. 'README') and is not an OCI image layout (no oci-layout file). Pick another 'repository', or move the files away: each repository directory of a registry holds one OCI image layout.`,
    );
  });

  it('a repository path under a file cannot be created', async () => {
    const app = await appImage();
    const registry = await dirs.make('registry');
    await writeFile(join(registry, 'team'), 'x');
    const error = await failure(
      postProcess(
        'docker-like-push',
        { registry_dir: registry, repository: 'team/app' },
        app,
        await dirs.make('work'),
      ),
    );
    expect(error).toBeInstanceOf(PushTargetError);
    expect(error.message).toBe(
      `Cannot push to ${join(registry, 'team', 'app')}: the path, or one of its parent directories, is a file. Set 'registry_dir' to a directory you can write.`,
    );
  });

  it('destroy() untags the pushed image and removes an emptied repository', async () => {
    const app = await appImage();
    const registry = await dirs.make('registry');
    const { artifact } = await postProcess(
      'docker-like-push',
      { registry_dir: registry, repository: 'app' },
      app,
      await dirs.make('work'),
    );
    await artifact.destroy();
    expect(await readdir(registry)).toEqual([]);
    checkOciLayout(app.layoutDir);
  });
});
