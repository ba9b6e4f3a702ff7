import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Parser } from 'tar';

/**
 * An OCI image layout checker for tests, written independently of the
 * plugin's own reader: it re-hashes every blob, follows every manifest in
 * index.json and checks media types, sizes and diff IDs against the
 * image-layout, image-index, image-manifest and image-config specs.
 */

export interface CheckedLayer {
  readonly mediaType: string;
  readonly digest: string;
  readonly diffId: string;
  /** Tar entries: `path type mode uid:gid size mtime[ -> link]`. */
  readonly entries: readonly string[];
}

export interface CheckedImage {
  readonly ref: string | undefined;
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly manifest: any;
  readonly config: any;
  readonly layers: readonly CheckedLayer[];
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
]);

/** Checks a whole layout and returns every image in it; throws an Error listing every problem. */
export function checkOciLayout(dir: string): CheckedImage[] {
  const problems: string[] = [];
  const fail = (p: string) => problems.push(p);
  const json = (file: string): any => JSON.parse(readFileSync(join(dir, file), 'utf8'));

  const layoutHeader = json('oci-layout');
  if (layoutHeader.imageLayoutVersion !== '1.0.0')
    fail(`oci-layout: imageLayoutVersion ${layoutHeader.imageLayoutVersion}`);

  // Every file under blobs/ must be named by the digest of its content.
  const blobs = new Map<string, Buffer>();
  for (const alg of readdirSync(join(dir, 'blobs'))) {
    if (alg !== 'sha256') fail(`blobs/${alg}: unexpected algorithm directory`);
    for (const hex of readdirSync(join(dir, 'blobs', alg))) {
      const data = readFileSync(join(dir, 'blobs', alg, hex));
      if (!/^[a-f0-9]{64}$/.test(hex)) fail(`blobs/${alg}/${hex}: not a sha256 hex name`);
      if (sha256(data) !== `sha256:${hex}`)
        fail(`blobs/${alg}/${hex}: content hashes to ${sha256(data)}`);
      blobs.set(`sha256:${hex}`, data);
    }
  }
  const blob = (descriptor: any, what: string): Buffer => {
    const data = blobs.get(descriptor.digest);
    if (data === undefined) {
      fail(`${what}: blob ${descriptor.digest} missing`);
      return Buffer.alloc(0);
    }
    if (data.length !== descriptor.size)
      fail(`${what}: size ${descriptor.size} but blob has ${data.length} bytes`);
    return data;
  };

  const index = json('index.json');
  if (index.schemaVersion !== 2) fail('index.json: schemaVersion must be 2');
  if (
    index.mediaType !== undefined &&
    index.mediaType !== 'application/vnd.oci.image.index.v1+json'
  )
    fail(`index.json: mediaType ${index.mediaType}`);
  const images: CheckedImage[] = [];
  for (const [i, descriptor] of (index.manifests as any[]).entries()) {
    const where = `index.json manifests[${i}]`;
    if (descriptor.mediaType !== 'application/vnd.oci.image.manifest.v1+json')
      fail(`${where}: mediaType ${descriptor.mediaType}`);
    const manifest = JSON.parse(blob(descriptor, where).toString('utf8'));
    if (manifest.schemaVersion !== 2)
      fail(`${where}: manifest schemaVersion ${manifest.schemaVersion}`);
    if (manifest.mediaType !== 'application/vnd.oci.image.manifest.v1+json')
      fail(`${where}: manifest mediaType ${manifest.mediaType}`);
    if (manifest.config?.mediaType !== 'application/vnd.oci.image.config.v1+json')
      fail(`${where}: config mediaType ${manifest.config?.mediaType}`);
    const config = JSON.parse(blob(manifest.config, `${where} config`).toString('utf8'));
    for (const field of ['architecture', 'os'])
      if (typeof config[field] !== 'string') fail(`${where} config: ${field} missing`);
    if (descriptor.platform !== undefined) {
      if (
        descriptor.platform.architecture !== config.architecture ||
        descriptor.platform.os !== config.os
      ) {
        fail(`${where}: platform ${JSON.stringify(descriptor.platform)} differs from the config's`);
      }
    }
    if (config.rootfs?.type !== 'layers')
      fail(`${where} config: rootfs.type ${config.rootfs?.type}`);
    const diffIds: string[] = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length)
      fail(`${where}: ${diffIds.length} diff_ids for ${manifest.layers.length} layers`);
    const nonEmptyHistory = (config.history ?? []).filter(
      (h: any) => h.empty_layer !== true,
    ).length;
    if (config.history !== undefined && nonEmptyHistory !== manifest.layers.length) {
      fail(
        `${where}: ${nonEmptyHistory} non-empty history entries for ${manifest.layers.length} layers`,
      );
    }
    const layers: CheckedLayer[] = [];
    for (const [j, layer] of (manifest.layers as any[]).entries()) {
      if (!LAYER_TYPES.has(layer.mediaType))
        fail(`${where} layer ${j}: mediaType ${layer.mediaType}`);
      const compressed = blob(layer, `${where} layer ${j}`);
      const tar = layer.mediaType.endsWith('+gzip') ? gunzipSync(compressed) : compressed;
      if (sha256(tar) !== diffIds[j])
        fail(
          `${where} layer ${j}: uncompressed sha256 ${sha256(tar)} is not diff_id ${diffIds[j]}`,
        );
      layers.push({
        mediaType: layer.mediaType,
        digest: layer.digest,
        diffId: sha256(tar),
        entries: listTar(tar),
      });
    }
    images.push({
      ref: descriptor.annotations?.['org.opencontainers.image.ref.name'],
      manifestDigest: descriptor.digest,
      configDigest: manifest.config.digest,
      manifest,
      config,
      layers,
    });
  }
  if (problems.length > 0)
    throw new Error(`OCI layout ${dir} is invalid:\n  - ${problems.join('\n  - ')}`);
  return images;
}

/** The entries of an uncompressed tar, one line each. */
export function listTar(tar: Buffer): string[] {
  const lines: string[] = [];
  const parser = new Parser({
    onReadEntry: (entry) => {
      const h = entry.header;
      const link = h.linkpath ? ` -> ${h.linkpath}` : '';
      lines.push(
        `${entry.path} ${entry.type} ${(h.mode ?? 0).toString(8).padStart(4, '0')} ${h.uid}:${h.gid} ${h.size} ${h.mtime?.toISOString()}${link}`,
      );
      entry.resume();
    },
  });
  parser.end(tar);
  return lines;
}
