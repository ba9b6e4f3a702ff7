import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { LayoutInvalidError } from '@imprint/example-docker-like';
import { build } from './helpers/build';
import { failure } from './helpers/failure';
import { sbomOf } from './helpers/sbom';
import { tempDirs } from './helpers/temp-dirs';

/**
 * Base layers the SBOM scan cannot read: the digest checks pass (the blob is
 * what the manifest names), but the content is not a tar, or is compressed
 * with zstd, which Node.js reads only from 22.15.
 */

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const digestOf = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const hasZstd = typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === 'function';

/** A one-layer base layout built by the plugin, whose layer is then replaced by `blob`. */
async function baseWithLayer(blob: Buffer, mediaType: string): Promise<string> {
  const work = await dirs.make('base');
  const { artifact } = await build(
    { base: 'scratch', files: [{ content: 'x\n', destination: '/x' }] },
    work,
  );
  const dir = artifact.layoutDir;
  const put = async (data: Buffer) => {
    await writeFile(join(dir, 'blobs', 'sha256', digestOf(data).slice(7)), data);
    return { digest: digestOf(data), size: data.length };
  };
  const manifestFile = join(dir, 'blobs', 'sha256', artifact.manifestDigest.slice(7));
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  manifest.layers = [{ mediaType, ...(await put(blob)) }];
  const manifestRef = await put(Buffer.from(JSON.stringify(manifest)));
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  index.manifests = [{ ...index.manifests[0], ...manifestRef }];
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  return dir;
}

describe('base layers the SBOM scan cannot read', () => {
  it('a gzip layer that holds no tar fails the build, naming the layer blob', async () => {
    const garbage = zlib.gzipSync(Buffer.from('this is not a tar archive\n'.repeat(40)));
    const base = await baseWithLayer(garbage, 'application/vnd.oci.image.layer.v1.tar+gzip');
    const error = await failure(build({ base, env: { A: '1' } }, await dirs.make('work')));
    expect(error).toBeInstanceOf(LayoutInvalidError);
    expect(error.message).toBe(
      `Invalid OCI image layout file ${join(base, 'blobs', 'sha256', digestOf(garbage).slice(7))}: layer 0 of the base image is not a valid tar archive (Unrecognized archive format). Rebuild or re-pull the base image: its digest matches, so it was written damaged.`,
    );
  });

  it('a layer that is not gzip although its media type says so fails the build', async () => {
    const notGzip = Buffer.from('plain bytes');
    const base = await baseWithLayer(notGzip, 'application/vnd.oci.image.layer.v1.tar+gzip');
    const error = await failure(build({ base, env: { A: '1' } }, await dirs.make('work')));
    expect(error).toBeInstanceOf(LayoutInvalidError);
    expect(error.message).toContain(
      'layer 0 of the base image is not a valid application/vnd.oci.image.layer.v1.tar+gzip blob (incorrect header check)',
    );
  });

  (hasZstd ? it.skip : it)(
    'a zstd layer is listed as unread in the SBOM on a Node.js without zstd',
    async () => {
      const blob = Buffer.from('zstd bytes this Node.js cannot decompress');
      const base = await baseWithLayer(blob, 'application/vnd.oci.image.layer.v1.tar+zstd');
      const { artifact } = await build({ base, env: { A: '1' } }, await dirs.make('work'));
      const { metadata } = sbomOf(artifact).document as unknown as {
        metadata: { properties: { name: string; value: string }[] };
      };
      expect(metadata.properties).toEqual([
        { name: 'imprint:docker-like:unread_layer', value: digestOf(blob) },
      ]);
    },
  );
});
