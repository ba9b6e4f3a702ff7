import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@imprint/sdk';
import { createTestDataSourceContext, runDataSource } from '@imprint/sdk/testing';
import plugin, {
  AmbiguousImageError,
  DOCKER_LIKE_ERROR_CODES,
  ImageNotFoundError,
  LAYOUT_SEARCH_DEPTH,
  UnnamedImageError,
} from '@imprint/example-docker-like';
import type { DockerLikeImageArtifact } from '@imprint/example-docker-like';
import { build, postProcess } from './helpers/build';
import { failure } from './helpers/failure';
import { tempDirs } from './helpers/temp-dirs';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const find = (imageId: string, searchDir: string) =>
  runDataSource(
    plugin,
    'docker-like-layout',
    { image_id: imageId, search_dir: searchDir },
    { location: { name: 'base' } },
  );

/** A base image built by the builder into `<root>/<sub>`, tagged `base` then `stable`. */
async function taggedBase(root: string, sub: string, env = 'v1'): Promise<DockerLikeImageArtifact> {
  const base = (
    await build(
      {
        base: 'scratch',
        output_dir: sub,
        tag: 'base',
        env: { BASE: env },
        files: [{ content: 'base\n', destination: '/etc/base' }],
      },
      root,
      'base',
    )
  ).artifact;
  await postProcess('docker-like-tag', { tags: ['stable'] }, base, root);
  return base;
}

/** Drops the ref name of every descriptor of `digest` in a layout's index.json. */
async function untag(layoutDir: string, digest: string): Promise<void> {
  const file = join(layoutDir, 'index.json');
  const index = JSON.parse(await readFile(file, 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const others = index.manifests.filter((d) => d.digest !== digest);
  const [first] = index.manifests.filter((d) => d.digest === digest);
  delete first.annotations;
  await writeFile(file, JSON.stringify({ ...index, manifests: [...others, first] }));
}

describe('the docker-like-layout data source', () => {
  it('is registered beside the builder, with its outputs', () => {
    expect(plugin.dataSourceNames()).toEqual(['docker-like-layout']);
    expect(plugin.describe().dataSources.map((d) => d.outputs.map((o) => o.name))).toEqual([
      ['dir', 'ref', 'manifest_digest'],
    ]);
  });

  it('finds the layout of an image by image ID among other layouts, and a build FROM it links to it', async () => {
    const root = await dirs.make('images');
    const base = await taggedBase(root, 'run1/base');
    // Other layouts in the tree: another base, and an app built from the first base.
    await taggedBase(root, 'run2/base', 'v2');
    await build(
      {
        base: base.layoutDir,
        output_dir: 'run1/app',
        tag: '1.0',
        files: [{ content: 'app\n', destination: '/app/app.txt' }],
      },
      root,
    );

    const { outputs, warnings, ui } = await find(base.imageId, root);
    expect(warnings).toEqual([]);
    expect(outputs).toEqual({
      dir: join(root, 'run1/base'),
      ref: 'stable',
      manifest_digest: base.manifestDigest,
    });
    expect(ui.lines()).toEqual([
      `Looking for image ${base.imageId} in the OCI layouts under ${root}`,
      `Found it in ${join(root, 'run1/base')} as 'stable' (manifest ${base.manifestDigest})`,
    ]);

    // What a template does with the outputs: base = dir, base_ref = ref.
    const app = (
      await build(
        { base: outputs.dir, base_ref: outputs.ref, output_dir: 'run3/app', tag: '2.0' },
        root,
      )
    ).artifact;
    expect(app.sourceImageId).toBe(base.imageId);
  });

  it('gives an empty ref for an untagged image alone in its layout, which base_ref accepts as unset', async () => {
    const root = await dirs.make('images');
    const base = (await build({ base: 'scratch', output_dir: 'base', env: { A: '1' } }, root))
      .artifact;
    await untag(base.layoutDir, base.manifestDigest);
    const { outputs } = await find(base.imageId, root);
    expect(outputs).toEqual({ dir: base.layoutDir, ref: '', manifest_digest: base.manifestDigest });
    const app = (await build({ base: outputs.dir, base_ref: outputs.ref, output_dir: 'app' }, root))
      .artifact;
    expect(app.sourceImageId).toBe(base.imageId);
  });

  it('refuses an untagged image in a layout that holds others, since base_ref cannot pick it', async () => {
    const root = await dirs.make('images');
    const one = (await build({ base: 'scratch', output_dir: 'shared', tag: 'one' }, root)).artifact;
    await build({ base: 'scratch', output_dir: 'shared', tag: 'two', env: { B: '2' } }, root);
    await untag(one.layoutDir, one.manifestDigest);
    const error = await failure(find(one.imageId, root));
    expect(error).toBeInstanceOf(UnnamedImageError);
    expect(error.code).toBe(DOCKER_LIKE_ERROR_CODES.IMAGE_UNNAMED);
    expect(error.message).toBe(
      `docker-like-layout data 'base': image ${one.imageId} is in ${one.layoutDir} under manifest ${one.manifestDigest}, which has no ref name (org.opencontainers.image.ref.name), and the layout lists 2 manifests, so a build cannot pick it with base_ref. Tag it (the docker-like-tag post-processor, or \`skopeo copy oci:${one.layoutDir}@${one.manifestDigest} oci:${one.layoutDir}:NAME\`), or copy it into a layout of its own.`,
    );
  });

  it('fails when no layout holds the image, naming the id, the directory and what it could not read', async () => {
    const root = await dirs.make('images');
    await taggedBase(root, 'a/base');
    await mkdir(join(root, 'broken'));
    await writeFile(join(root, 'broken', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(join(root, 'broken', 'index.json'), 'not json');
    const missing = `sha256:${'0'.repeat(64)}`;
    const error = await failure(find(missing, root));
    expect(error).toBeInstanceOf(ImageNotFoundError);
    expect(error.code).toBe(DOCKER_LIKE_ERROR_CODES.IMAGE_NOT_FOUND);
    expect(error.message).toMatch(
      new RegExp(
        `^docker-like-layout data 'base': no OCI image layout in ${root} \\(searched 4 directory levels deep, 2 layouts found\\) holds image ${missing}\\. 1 layout could not be read: ${join(root, 'broken')} \\(Invalid OCI image layout file ${join(root, 'broken', 'index.json')}: it is not valid JSON .*\\)\\. Check that this machine has the image \\(build it, or copy its layout with \`skopeo copy\`\\) and that search_dir is a directory above its layout, at most 4 levels up\\.$`,
      ),
    );
  });

  it(`searches at most ${LAYOUT_SEARCH_DEPTH} levels below search_dir`, async () => {
    const root = await dirs.make('images');
    // search_dir is level 0: a/b/c/base is at level 4, a/b/c/d/base at level 5.
    const deep = await taggedBase(root, 'a/b/c/base');
    const tooDeep = await taggedBase(root, 'a/b/c/d/base', 'v2');
    expect((await find(deep.imageId, root)).outputs.dir).toBe(deep.layoutDir);
    expect(await failure(find(tooDeep.imageId, root))).toBeInstanceOf(ImageNotFoundError);
    expect((await find(tooDeep.imageId, join(root, 'a'))).outputs.dir).toBe(tooDeep.layoutDir);
  });

  it('refuses to choose between several layouts holding the image, listing them', async () => {
    const root = await dirs.make('images');
    const base = await taggedBase(root, 'one/base');
    await cp(base.layoutDir, join(root, 'two', 'copy'), { recursive: true });
    const error = await failure(find(base.imageId, root));
    expect(error).toBeInstanceOf(AmbiguousImageError);
    expect(error.code).toBe(DOCKER_LIKE_ERROR_CODES.IMAGE_AMBIGUOUS);
    expect(error.message).toBe(
      `docker-like-layout data 'base': 2 manifests under ${root} hold image ${base.imageId}: ${join(root, 'one/base')} (manifest ${base.manifestDigest}), ${join(root, 'two/copy')} (manifest ${base.manifestDigest}). Narrow search_dir to a directory holding only one of them (e.g. one of those layout directories), or delete the copies you do not need.`,
    );
    // Narrowed to one of them, it is found.
    expect((await find(base.imageId, join(root, 'two'))).outputs.dir).toBe(join(root, 'two/copy'));
  });

  it('reports configuration problems with the SDK ConfigError, naming the data block', async () => {
    const root = await dirs.make('images');
    const empty = await failure(find('', ''));
    expect(empty).toBeInstanceOf(ConfigError);
    expect(empty.message).toBe(
      [
        "docker-like-layout data 'base' has 2 configuration problems:",
        `  - invalid field 'image_id' in docker-like-layout data 'base': should not be empty (got "")`,
        `  - invalid field 'search_dir' in docker-like-layout data 'base': should not be empty (got "")`,
      ].join('\n'),
    );
    const notDigest = await failure(find('data.imprint-artifact.base.external_identifier', root));
    expect(notDigest).toBeInstanceOf(ConfigError);
    expect(notDigest.message).toBe(
      `invalid field 'image_id' in docker-like-layout data 'base': must be an image ID: "sha256:" and 64 lower-case hex digits (got "data.imprint-artifact.base.external_identifier")`,
    );
    const gone = join(root, 'gone');
    const missingDir = await failure(find(`sha256:${'a'.repeat(64)}`, gone));
    expect(missingDir).toBeInstanceOf(ConfigError);
    expect(missingDir.message).toBe(
      `invalid field 'search_dir' in docker-like-layout data 'base': ${gone} does not exist; set it to the directory this machine keeps OCI layouts in`,
    );
  });

  it('stops before searching when the run is cancelled', async () => {
    const root = await dirs.make('images');
    const context = createTestDataSourceContext();
    context.abort(new Error('cancelled by user'));
    await expect(
      runDataSource(
        plugin,
        'docker-like-layout',
        { image_id: `sha256:${'a'.repeat(64)}`, search_dir: root },
        { context },
      ),
    ).rejects.toThrow('cancelled by user');
    expect(context.ui.lines()).toEqual([]);
  });
});
