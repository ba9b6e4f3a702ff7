import { mkdir, readFile, readdir, rm, writeFile, chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  BaseNotFoundError,
  BlobMissingError,
  DOCKER_LIKE_ERROR_CODES,
  DigestMismatchError,
  LayoutInvalidError,
  OutputConflictError,
  OutputNotWritableError,
  PathConflictError,
  PlatformMismatchError,
  RefNotFoundError,
  SourceNotFoundError,
  SourceUnsupportedError,
  UnsupportedImageError,
  sha256Digest,
} from '@imprint/example-docker-like';
import { build } from './helpers/build';
import { failure } from './helpers/failure';
import { tempDirs } from './helpers/temp-dirs';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** A base layout built by the plugin itself, to damage in each test. */
async function baseLayout(tag = 'latest'): Promise<{ dir: string; index: any; manifest: any }> {
  const work = await dirs.make('base');
  const { artifact } = await build(
    { base: 'scratch', tag, files: [{ content: 'base\n', destination: '/etc/base' }] },
    work,
  );
  const index = JSON.parse(await readFile(join(artifact.layoutDir, 'index.json'), 'utf8'));
  const manifest = JSON.parse(
    await readFile(blobPath(artifact.layoutDir, artifact.manifestDigest), 'utf8'),
  );
  return { dir: artifact.layoutDir, index, manifest };
}

const blobPath = (layout: string, digest: string) =>
  join(layout, 'blobs', 'sha256', digest.slice(7));

describe('base image problems', () => {
  it('a missing base directory names the path and how to fix it', async () => {
    const work = await dirs.make('work');
    const missing = join(work, 'nope');
    const error = await failure(build({ base: missing, env: { A: '1' } }, work));
    expect(error).toBeInstanceOf(BaseNotFoundError);
    expect(error.code).toBe(DOCKER_LIKE_ERROR_CODES.BASE_NOT_FOUND);
    expect(error.message).toBe(
      `Base image layout ${missing} not found: the directory does not exist. Set 'base' to "scratch" or to the directory of an OCI image layout (one holding oci-layout, index.json and blobs/), e.g. the output_dir of an earlier docker-like build or the result of \`skopeo copy docker://alpine:3 oci:DIR:latest\`.`,
    );
    // Nothing was written.
    expect(await readdir(work)).toEqual([]);
  });

  it('a directory that is not a layout, or lacks index.json, is not a base', async () => {
    const work = await dirs.make('work');
    const plain = await dirs.make('plain');
    await expect(build({ base: plain, env: { A: '1' } }, work)).rejects.toThrow(
      `Base image layout ${plain} not found: oci-layout does not exist.`,
    );
    const { dir } = await baseLayout();
    await rm(join(dir, 'index.json'));
    await expect(build({ base: dir, env: { A: '1' } }, work)).rejects.toThrow(
      `Base image layout ${dir} not found: index.json does not exist.`,
    );
  });

  it('a malformed index.json is named, with what is wrong', async () => {
    const { dir } = await baseLayout();
    await writeFile(join(dir, 'index.json'), '{"schemaVersion": 2, "manifests": [');
    const error = await failure(build({ base: dir, env: { A: '1' } }, await dirs.make('work')));
    expect(error).toBeInstanceOf(LayoutInvalidError);
    expect(error.message).toMatch(
      new RegExp(`^Invalid OCI image layout file ${join(dir, 'index.json')}: it is not valid JSON`),
    );

    await writeFile(
      join(dir, 'index.json'),
      JSON.stringify({ schemaVersion: 1, manifests: [{ digest: 'x' }] }),
    );
    const fields = await failure(build({ base: dir, env: { A: '1' } }, await dirs.make('work')));
    expect(fields.message).toContain(
      'schemaVersion is 1, expected 2; manifests[0].mediaType is missing; manifests[0].digest "x" is not a digest; manifests[0].size must be a non-negative integer',
    );
  });

  it('a corrupt layer blob fails with the file, the expected and the actual digest', async () => {
    const { dir, manifest, index } = await baseLayout();
    const layer = manifest.layers[0];
    const file = blobPath(dir, layer.digest);
    await writeFile(file, 'not the layer');
    const work = await dirs.make('work');
    const error = await failure(build({ base: dir, env: { A: '1' } }, work));
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(error.message).toBe(
      `Blob ${file} (layer 0 of manifest ${index.manifests[0].digest} ('latest')) is corrupt: expected ${layer.digest} (${layer.size} bytes) but its content is ${sha256Digest('not the layer')} (13 bytes). Do not use this layout: rebuild it, or copy it again from a trusted source.`,
    );
    expect(await readdir(work)).toEqual([]);
  });

  it('a tampered manifest or a missing config is caught before use', async () => {
    const { dir, index, manifest } = await baseLayout();
    await rm(blobPath(dir, manifest.config.digest));
    const missing = await failure(build({ base: dir, env: { A: '1' } }, await dirs.make('work')));
    expect(missing).toBeInstanceOf(BlobMissingError);
    expect(missing.message).toContain(
      `Blob ${manifest.config.digest} (config of manifest ${index.manifests[0].digest} ('latest')) is missing`,
    );

    await writeFile(
      blobPath(dir, index.manifests[0].digest),
      JSON.stringify({ ...manifest, layers: [] }),
    );
    const tampered = await failure(build({ base: dir, env: { A: '1' } }, await dirs.make('work')));
    expect(tampered).toBeInstanceOf(DigestMismatchError);
    expect(tampered.message).toContain(
      `(manifest ${index.manifests[0].digest} ('latest') in index.json) is corrupt`,
    );
  });

  it('an unknown base_ref lists the refs the layout has', async () => {
    const { dir } = await baseLayout('v1');
    const error = await failure(
      build({ base: dir, base_ref: 'v2', env: { A: '1' } }, await dirs.make('work')),
    );
    expect(error).toBeInstanceOf(RefNotFoundError);
    expect(error.message).toBe(
      `No manifest named 'v2' in ${join(dir, 'index.json')}. Set 'base_ref' to one of: 'v1'.`,
    );
  });

  it('a layout with several images needs base_ref', async () => {
    const { dir } = await baseLayout('v1');
    await build(
      { base: 'scratch', output_dir: dir, tag: 'v2', env: { B: '2' } },
      await dirs.make('work'),
    );
    const error = await failure(build({ base: dir, env: { A: '1' } }, await dirs.make('work')));
    expect(error).toBeInstanceOf(RefNotFoundError);
    expect(error.message).toBe(
      `${join(dir, 'index.json')} lists several manifests; set 'base_ref' to pick one. Ref names in the index: 'v1', 'v2'.`,
    );
    const ok = await build({ base: dir, base_ref: 'v2', env: { A: '1' } }, await dirs.make('work'));
    expect(ok.artifact.sourceImageId).toMatch(/^sha256:/);
  });

  it('a multi-platform image index is refused with the skopeo command that extracts one platform', async () => {
    const { dir, index } = await baseLayout();
    const nested = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: index.manifests,
      }),
    );
    await writeFile(blobPath(dir, sha256Digest(nested)), nested);
    const multi = {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: sha256Digest(nested),
      size: nested.length,
      annotations: { 'org.opencontainers.image.ref.name': 'multi' },
    };
    await writeFile(
      join(dir, 'index.json'),
      JSON.stringify({ ...index, manifests: [...index.manifests, multi] }),
    );
    const error = await failure(
      build({ base: dir, base_ref: 'multi', env: { A: '1' } }, await dirs.make('work')),
    );
    expect(error).toBeInstanceOf(UnsupportedImageError);
    expect(error.message).toContain(
      "'multi' is a multi-platform image index. Copy one platform into a layout of its own first, e.g. `skopeo copy --override-arch amd64",
    );
  });

  it('architecture must match the base image', async () => {
    const { dir } = await baseLayout();
    const error = await failure(
      build({ base: dir, architecture: 'arm64', env: { A: '1' } }, await dirs.make('work')),
    );
    expect(error).toBeInstanceOf(PlatformMismatchError);
    expect(error.message).toBe(
      `'architecture' is 'arm64' but the base image in ${dir} is built for architecture 'amd64': its binaries would not run. Remove 'architecture' to inherit 'amd64', or pick a base image built for 'arm64'.`,
    );
  });
});

describe('file problems', () => {
  it('a missing source names the setting and the resolved path', async () => {
    const work = await dirs.make('work');
    const missing = join(work, 'missing.txt');
    const error = await failure(
      build(
        {
          base: 'scratch',
          files: [
            { content: 'x', destination: '/x' },
            { source: missing, destination: '/y' },
          ],
        },
        work,
      ),
    );
    expect(error).toBeInstanceOf(SourceNotFoundError);
    expect(error.message).toBe(
      `files[1].source: cannot read ${missing} (no such file or directory). Relative sources resolve against the directory the build runs from (${process.cwd()}); fix the path or create the file.`,
    );
  });

  it('a socket inside a source directory is refused', async () => {
    const src = await dirs.make('src');
    const socketPath = join(src, 'app.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const error = await failure(
        build(
          { base: 'scratch', files: [{ source: src, destination: '/app' }] },
          await dirs.make('work'),
        ),
      );
      expect(error).toBeInstanceOf(SourceUnsupportedError);
      expect(error.message).toBe(
        `files[0].source: ${socketPath} is a socket; only regular files, directories and symbolic links can be copied into an image. Remove it from the source directory or copy a different path.`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('one path cannot be a file and a directory', async () => {
    const error = await failure(
      build(
        {
          base: 'scratch',
          files: [
            { content: 'x', destination: '/app' },
            { content: 'y', destination: '/app/config' },
          ],
        },
        await dirs.make('work'),
      ),
    );
    expect(error).toBeInstanceOf(PathConflictError);
    expect(error.message).toBe(
      '/app is a file from files[0] (/app) and a directory from parent directory of files[1] (/app/config) at once in the new layer. Change one of the destinations so that no file sits where a directory is needed.',
    );
  });
});

describe('output problems', () => {
  it('an output_dir under a regular file cannot be written', async () => {
    const work = await dirs.make('work');
    await writeFile(join(work, 'file'), 'x');
    const error = await failure(
      build({ base: 'scratch', output_dir: 'file/image', env: { A: '1' } }, work),
    );
    expect(error).toBeInstanceOf(OutputNotWritableError);
    expect(error.message).toBe(
      `Cannot write the image layout to ${join(work, 'file', 'image')}: the path, or one of its parent directories, is a file. Set 'output_dir' to a directory you can write (relative paths resolve against the build's work directory).`,
    );
  });

  const isRoot = process.getuid?.() === 0;
  (isRoot ? it.skip : it)(
    'a read-only output_dir cannot be written (skipped as root, which ignores permissions)',
    async () => {
      const work = await dirs.make('work');
      await mkdir(join(work, 'ro'));
      await chmod(join(work, 'ro'), 0o500);
      try {
        const error = await failure(
          build({ base: 'scratch', output_dir: 'ro', env: { A: '1' } }, work),
        );
        expect(error).toBeInstanceOf(OutputNotWritableError);
        expect(error.message).toContain('permission denied');
      } finally {
        await chmod(join(work, 'ro'), 0o700);
      }
    },
  );

  it('a non-empty directory that is not a layout is not overwritten', async () => {
    const work = await dirs.make('work');
    await mkdir(join(work, 'image'));
    await writeFile(join(work, 'image', 'notes.txt'), 'keep me');
    const error = await failure(build({ base: 'scratch', env: { A: '1' } }, work));
    expect(error).toBeInstanceOf(OutputConflictError);
    expect(error.message).toBe(
      `Refusing to write the image layout to ${join(work, 'image')}: it is not empty (1 entry, e.g. 'notes.txt') and is not an OCI image layout (no oci-layout file). Delete the directory, or choose another 'output_dir' or 'tag'.`,
    );
    expect(await readFile(join(work, 'image', 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('a layout whose tag names a different image is not overwritten', async () => {
    const work = await dirs.make('work');
    const first = (await build({ base: 'scratch', env: { V: '1' } }, work)).artifact;
    const error = await failure(build({ base: 'scratch', env: { V: '2' } }, work));
    expect(error).toBeInstanceOf(OutputConflictError);
    expect(error.message).toBe(
      `Refusing to write the image layout to ${join(work, 'image')}: its index.json already tags a different image ${first.manifestDigest} as 'latest'. Delete the directory, or choose another 'output_dir' or 'tag'.`,
    );
  });
});
