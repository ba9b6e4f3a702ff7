import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { x as extractTar } from 'tar';
import {
  BlobMissingError,
  BlobStore,
  DigestMismatchError,
  UnsupportedImageError,
  buildLayer,
  isSha256Digest,
  sha256Digest,
} from '@imprint/example-docker-like';
import type { LayerEntry } from '@imprint/example-docker-like';
import { listTar } from './helpers/oci-check';
import { tempDirs } from './helpers/temp-dirs';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('sha256Digest', () => {
  it('is the OCI form of sha256', () => {
    expect(sha256Digest('')).toBe(
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(isSha256Digest(sha256Digest('x'))).toBe(true);
    expect(isSha256Digest('sha256:ABC')).toBe(false);
    expect(isSha256Digest('sha512:' + 'a'.repeat(128))).toBe(false);
  });
});

describe('BlobStore', () => {
  it('stores blobs under blobs/sha256/<hex> and reads them back verified', async () => {
    const dir = await dirs.make('blobs');
    const store = new BlobStore(dir);
    const ref = await store.put(Buffer.from('{"a":1}'));
    expect(ref).toEqual({ digest: sha256Digest('{"a":1}'), size: 7 });
    expect(await readdir(join(dir, 'blobs', 'sha256'))).toEqual([ref.digest.slice(7)]);
    expect((await store.read(ref, 'test blob')).toString()).toBe('{"a":1}');
    await expect(store.verify(ref, 'test blob')).resolves.toBeUndefined();
    // No temporary files are left behind.
    expect((await readdir(dir)).sort()).toEqual(['blobs']);
  });

  it('names the file, the expected and the actual digest when content was changed', async () => {
    const dir = await dirs.make('blobs');
    const store = new BlobStore(dir);
    const ref = await store.put(Buffer.from('original'));
    await writeFile(store.pathOf(ref.digest), 'tampered');
    const error = await store.read(ref, 'layer 0 of manifest x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).message).toBe(
      `Blob ${store.pathOf(ref.digest)} (layer 0 of manifest x) is corrupt: expected ${ref.digest} (8 bytes) but its content is ${sha256Digest('tampered')} (8 bytes). Do not use this layout: rebuild it, or copy it again from a trusted source.`,
    );
    await expect(store.verify(ref, 'x')).rejects.toBeInstanceOf(DigestMismatchError);
    // put() repairs a damaged blob, since the right bytes are known.
    await store.put(Buffer.from('original'));
    await expect(store.verify(ref, 'x')).resolves.toBeUndefined();
  });

  it('reports missing blobs and non-sha256 digests', async () => {
    const store = new BlobStore(await dirs.make('blobs'));
    const ref = { digest: sha256Digest('absent'), size: 6 };
    await expect(store.read(ref, 'config')).rejects.toThrow(BlobMissingError);
    await expect(store.verify(ref, 'config')).rejects.toThrow(
      /Blob sha256:[a-f0-9]{64} \(config\) is missing/,
    );
    await expect(store.read({ digest: 'sha512:abc', size: 1 }, 'config')).rejects.toBeInstanceOf(
      UnsupportedImageError,
    );
  });

  it('copies blobs between stores, verifying on the way', async () => {
    const from = new BlobStore(await dirs.make('from'));
    const to = new BlobStore(await dirs.make('to'));
    const ref = await from.put(Buffer.from('layer bytes'));
    expect(await from.copyTo(to, ref, 'layer 0')).toBe(true);
    expect(await from.copyTo(to, ref, 'layer 0')).toBe(false);
    expect((await to.read(ref, 'layer 0')).toString()).toBe('layer bytes');

    const bad = { digest: sha256Digest('something else'), size: 11 };
    await writeFile(from.pathOf(bad.digest), 'layer bytes');
    await expect(from.copyTo(to, bad, 'layer 1')).rejects.toBeInstanceOf(DigestMismatchError);
    // The mismatching copy never lands in the target.
    await expect(to.verify(bad, 'layer 1')).rejects.toBeInstanceOf(BlobMissingError);
    expect((await readdir(to.layoutDir)).sort()).toEqual(['blobs']);
  });
});

describe('buildLayer', () => {
  const mtime = new Date('2024-01-01T00:00:00Z');
  const entries: LayerEntry[] = [
    { type: 'file', path: 'app/run.sh', mode: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
    { type: 'directory', path: 'app', mode: 0o755 },
    { type: 'symlink', path: 'app/latest', target: 'run.sh' },
    {
      type: 'file',
      path: `deep/${'d'.repeat(120)}/${'f'.repeat(120)}.txt`,
      mode: 0o644,
      data: Buffer.from('long'),
    },
    { type: 'file', path: 'unicode/é.txt', mode: 0o600, data: Buffer.alloc(0) },
  ];

  it('writes a gzip-compressed tar whose diff ID is the sha256 of the uncompressed bytes', async () => {
    const layer = await buildLayer(entries, { mtime });
    expect(gunzipSync(layer.compressed).equals(layer.tar)).toBe(true);
    expect(layer.diffId).toBe(`sha256:${createHash('sha256').update(layer.tar).digest('hex')}`);
    expect(layer.digest).toBe(sha256Digest(layer.compressed));
    expect(layer.tar.length % 512).toBe(0);
    expect(layer.entryCount).toBe(5);
  });

  it('sorts entries, owns them by 0:0 and stamps one mtime; long and non-ASCII names survive', async () => {
    const layer = await buildLayer(entries, { mtime });
    expect(listTar(layer.tar)).toEqual([
      'app/ Directory 0755 0:0 0 2024-01-01T00:00:00.000Z',
      'app/latest SymbolicLink 0777 0:0 0 2024-01-01T00:00:00.000Z -> run.sh',
      'app/run.sh File 0755 0:0 18 2024-01-01T00:00:00.000Z',
      `deep/${'d'.repeat(120)}/${'f'.repeat(120)}.txt File 0644 0:0 4 2024-01-01T00:00:00.000Z`,
      'unicode/é.txt File 0600 0:0 0 2024-01-01T00:00:00.000Z',
    ]);
  });

  it('is reproducible: same entries and mtime, same bytes, whatever the input order', async () => {
    const a = await buildLayer(entries, { mtime });
    const b = await buildLayer([...entries].reverse(), { mtime });
    expect(b.tar.equals(a.tar)).toBe(true);
    expect(b.digest).toBe(a.digest);
    const later = await buildLayer(entries, { mtime: new Date('2024-01-02T00:00:00Z') });
    expect(later.diffId).not.toBe(a.diffId);
  });

  it('writes a gzip header without time and with OS "unknown", as Go tools do', async () => {
    const { compressed } = await buildLayer(entries, { mtime });
    expect([...compressed.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
    expect(compressed.readUInt32LE(4)).toBe(0);
    expect(compressed[9]).toBe(0xff);
  });

  it('can be read by node-tar as a real archive', async () => {
    const dir = await dirs.make('layer');
    const { compressed } = await buildLayer(entries, { mtime });
    await writeFile(join(dir, 'layer.tar.gz'), compressed);
    await extractTar({ file: join(dir, 'layer.tar.gz'), cwd: dir });
    expect(await readFile(join(dir, 'app', 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
  });
});
