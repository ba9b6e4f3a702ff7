import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LayoutInvalidError,
  OutputConflictError,
  OutputNotWritableError,
  RefNotFoundError,
  UnsupportedImageError,
} from '../errors';
import { BlobStore } from './blob-store';
import {
  REPAIR_HINT,
  checkConfig,
  checkManifest,
  descriptorProblems,
  isRecord,
  parseJson,
} from './oci-checks';
import { OCI_ANNOTATIONS, OCI_LAYOUT_VERSION, OCI_MEDIA_TYPES } from './media-types';
import type { OciDescriptor, OciImageConfig, OciIndex, OciManifest } from './oci-types';

/** An image read from a layout, with every blob checked against its digest. */
export interface LoadedImage {
  /** The manifest's descriptor, as `index.json` lists it. */
  readonly descriptor: OciDescriptor;
  readonly manifest: OciManifest;
  readonly config: OciImageConfig;
  /** The image ID: the digest of the config blob. */
  readonly configDigest: string;
}

/** Builds the error thrown when a layout to open does not exist. */
export type MissingLayoutError = (problem: string, cause?: unknown) => Error;

/**
 * An OCI image layout directory: `oci-layout`, `index.json` and
 * `blobs/sha256/`. Reads are validated against the image-layout,
 * image-index and image-manifest specs; writes are atomic per file.
 *
 * @example
 * ```ts
 * const layout = await OciLayout.open('/images/base');
 * const image = await layout.loadImage(await layout.resolve('latest'));
 * image.configDigest; // the image ID
 * ```
 */
export class OciLayout {
  /** The layout's blob store. */
  readonly blobs: BlobStore;

  private constructor(
    /** The layout directory. */
    readonly dir: string,
  ) {
    this.blobs = new BlobStore(dir);
  }

  /** Path of the layout's `index.json`. */
  get indexFile(): string {
    return join(this.dir, 'index.json');
  }

  /**
   * Opens an existing layout and checks its `oci-layout` and `index.json`.
   *
   * @param onMissing builds the error for a missing directory or file; by default a {@link LayoutInvalidError}.
   * @throws {@link LayoutInvalidError} when a file is malformed.
   */
  static async open(dir: string, onMissing?: MissingLayoutError): Promise<OciLayout> {
    const missing: MissingLayoutError =
      onMissing ?? ((problem) => new LayoutInvalidError(dir, problem, REPAIR_HINT));
    let info;
    try {
      info = await stat(dir);
    } catch (error) {
      throw missing('the directory does not exist', error);
    }
    if (!info.isDirectory()) throw missing('it is not a directory');
    const layout = new OciLayout(dir);
    await layout.readLayoutHeader(missing);
    await layout.readIndex(missing);
    return layout;
  }

  /**
   * Opens the layout in `dir`, creating an empty one when the directory is
   * missing or empty, and checks that it can be written.
   *
   * @throws {@link OutputNotWritableError} when the directory cannot be created or written.
   * @throws {@link OutputConflictError} when it holds files but no image layout.
   * @throws {@link LayoutInvalidError} when it holds a damaged layout.
   */
  static async openOrCreate(dir: string): Promise<OciLayout> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new OutputNotWritableError(dir, describeFsError(error), { cause: error });
    }
    let entries: string[];
    try {
      const info = await stat(dir);
      if (!info.isDirectory())
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      entries = await readdir(dir);
    } catch (error) {
      throw new OutputNotWritableError(dir, describeFsError(error), { cause: error });
    }
    const layout = new OciLayout(dir);
    try {
      await writeProbe(dir);
      if (entries.length === 0) {
        await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
        await writeFile(
          join(dir, 'oci-layout'),
          JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }),
        );
        await layout.writeIndex({
          schemaVersion: 2,
          mediaType: OCI_MEDIA_TYPES.index,
          manifests: [],
        });
        return layout;
      }
    } catch (error) {
      throw new OutputNotWritableError(dir, describeFsError(error), { cause: error });
    }
    if (!entries.includes('oci-layout')) {
      throw new OutputConflictError(
        dir,
        `it is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, e.g. '${entries.sort()[0]}') and is not an OCI image layout (no oci-layout file)`,
      );
    }
    const missing: MissingLayoutError = (problem) =>
      new LayoutInvalidError(dir, `it has an oci-layout file but ${problem}`, REPAIR_HINT);
    await layout.readLayoutHeader(missing);
    await layout.readIndex(missing);
    return layout;
  }

  /**
   * Reads and checks `index.json`.
   *
   * @throws {@link LayoutInvalidError} when it is malformed.
   */
  async readIndex(onMissing?: MissingLayoutError): Promise<OciIndex> {
    const file = this.indexFile;
    const raw = await readJson(file, onMissing);
    const problems: string[] = [];
    if (!isRecord(raw)) throw new LayoutInvalidError(file, 'it is not a JSON object', REPAIR_HINT);
    if (raw.schemaVersion !== 2)
      problems.push(`schemaVersion is ${JSON.stringify(raw.schemaVersion)}, expected 2`);
    if (raw.mediaType !== undefined && raw.mediaType !== OCI_MEDIA_TYPES.index) {
      problems.push(
        `mediaType is ${JSON.stringify(raw.mediaType)}, expected '${OCI_MEDIA_TYPES.index}'`,
      );
    }
    if (!Array.isArray(raw.manifests)) {
      problems.push('manifests is not a list');
    } else {
      raw.manifests.forEach((d, i) => problems.push(...descriptorProblems(d, `manifests[${i}]`)));
    }
    if (problems.length > 0) throw new LayoutInvalidError(file, problems.join('; '), REPAIR_HINT);
    return raw as unknown as OciIndex;
  }

  /**
   * Picks the manifest descriptor to use: the one whose ref name is `ref`, or
   * the only one in the index when `ref` is not given.
   *
   * @throws {@link RefNotFoundError} for an unknown ref, or several manifests and no ref.
   * @throws {@link UnsupportedImageError} for a multi-platform index.
   */
  async resolve(ref?: string): Promise<OciDescriptor> {
    const index = await this.readIndex();
    const available = refNames(index.manifests);
    let chosen: OciDescriptor | undefined;
    if (ref !== undefined) {
      chosen = index.manifests.find((d) => d.annotations?.[OCI_ANNOTATIONS.refName] === ref);
      if (chosen === undefined) throw new RefNotFoundError(this.indexFile, ref, available);
    } else {
      const digests = new Set(index.manifests.map((d) => d.digest));
      if (digests.size === 0) {
        throw new LayoutInvalidError(
          this.indexFile,
          'it lists no manifests',
          'Build or copy an image into the layout first.',
        );
      }
      if (digests.size > 1) throw new RefNotFoundError(this.indexFile, undefined, available);
      chosen = index.manifests[0];
    }
    if (chosen.mediaType === OCI_MEDIA_TYPES.index) {
      throw new UnsupportedImageError(
        this.indexFile,
        `${ref === undefined ? 'the manifest' : `'${ref}'`} is a multi-platform image index`,
        'Copy one platform into a layout of its own first, e.g. `skopeo copy --override-arch amd64 oci:SRC:TAG oci:DST:TAG`, and use that as the base.',
      );
    }
    if (chosen.mediaType !== OCI_MEDIA_TYPES.manifest) {
      throw new UnsupportedImageError(
        this.indexFile,
        `the descriptor has media type '${chosen.mediaType}', not '${OCI_MEDIA_TYPES.manifest}'`,
        'Convert the image to OCI format first, e.g. `skopeo copy docker-archive:image.tar oci:DIR:latest`.',
      );
    }
    return chosen;
  }

  /** The index's manifest descriptors with this digest (one per ref name). */
  async descriptorsOf(digest: string): Promise<OciDescriptor[]> {
    return (await this.readIndex()).manifests.filter((d) => d.digest === digest);
  }

  /** The ref names that point at the manifest with this digest, in index order. */
  async refsOf(digest: string): Promise<string[]> {
    return refNames(await this.descriptorsOf(digest));
  }

  /**
   * Reads the manifest a descriptor points at (checked against its digest and
   * the spec) without reading its config or layers: enough to learn the image
   * ID (`manifest.config.digest`) of each image in a layout cheaply.
   *
   * @throws {@link BlobMissingError}, {@link DigestMismatchError}, {@link LayoutInvalidError}
   *   or {@link UnsupportedImageError} naming the file at fault.
   */
  async readManifest(descriptor: OciDescriptor): Promise<OciManifest> {
    const manifestFile = this.blobs.pathOf(descriptor.digest);
    const manifest = parseJson(
      await this.blobs.read(descriptor, `${describeManifest(descriptor)} in index.json`),
      manifestFile,
    );
    checkManifest(manifest, manifestFile);
    return manifest;
  }

  /**
   * Reads the manifest and config a descriptor points at, checks them against
   * the specs, and re-hashes every layer blob.
   *
   * @throws {@link BlobMissingError}, {@link DigestMismatchError}, {@link LayoutInvalidError}
   *   or {@link UnsupportedImageError} naming the file at fault.
   */
  async loadImage(descriptor: OciDescriptor, signal?: AbortSignal): Promise<LoadedImage> {
    const what = describeManifest(descriptor);
    const manifest = await this.readManifest(descriptor);
    const configFile = this.blobs.pathOf(manifest.config.digest);
    const config = parseJson(
      await this.blobs.read(manifest.config, `config of ${what}`),
      configFile,
    );
    checkConfig(config, configFile, manifest.layers.length);
    for (const [i, layer] of manifest.layers.entries()) {
      signal?.throwIfAborted();
      await this.blobs.verify(layer, `layer ${i} of ${what}`);
    }
    return { descriptor, manifest, config, configDigest: manifest.config.digest };
  }

  /**
   * Points `ref` at the manifest `descriptor` describes (as `docker tag` moves
   * a tag): any descriptor with that ref name is replaced.
   */
  async setRef(descriptor: OciDescriptor, ref: string): Promise<void> {
    const index = await this.readIndex();
    const annotations = { ...(descriptor.annotations ?? {}), [OCI_ANNOTATIONS.refName]: ref };
    const entry: OciDescriptor = {
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
      ...(descriptor.platform === undefined ? {} : { platform: descriptor.platform }),
      annotations,
    };
    const others = index.manifests.filter((d) => d.annotations?.[OCI_ANNOTATIONS.refName] !== ref);
    await this.writeIndex({ ...index, manifests: [...others, entry] });
  }

  /**
   * Removes the descriptor naming `ref` if it still points at `digest`, and
   * returns how many manifest descriptors the index still lists.
   */
  async removeRef(ref: string, digest: string): Promise<number> {
    const index = await this.readIndex();
    const kept = index.manifests.filter(
      (d) => !(d.digest === digest && d.annotations?.[OCI_ANNOTATIONS.refName] === ref),
    );
    if (kept.length !== index.manifests.length)
      await this.writeIndex({ ...index, manifests: kept });
    return kept.length;
  }

  private async writeIndex(index: OciIndex): Promise<void> {
    const tmp = join(this.dir, `.imprint-${randomUUID()}.tmp`);
    try {
      await writeFile(tmp, JSON.stringify(index), { flag: 'wx' });
      await rename(tmp, this.indexFile);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async readLayoutHeader(onMissing: MissingLayoutError): Promise<void> {
    const file = join(this.dir, 'oci-layout');
    const header = await readJson(file, onMissing);
    if (!isRecord(header) || typeof header.imageLayoutVersion !== 'string') {
      throw new LayoutInvalidError(
        file,
        'it must be a JSON object with an imageLayoutVersion string',
        REPAIR_HINT,
      );
    }
    if (!header.imageLayoutVersion.startsWith('1.')) {
      throw new UnsupportedImageError(
        file,
        `imageLayoutVersion is '${header.imageLayoutVersion}'; this plugin reads version 1.x layouts`,
        'Convert the layout with an OCI tool that writes version 1.0.0 (e.g. `skopeo copy oci:SRC oci:DST`).',
      );
    }
  }
}

/** `manifest sha256:… ('stable')`, for messages. */
function describeManifest(descriptor: OciDescriptor): string {
  const name = descriptor.annotations?.[OCI_ANNOTATIONS.refName];
  return `manifest ${descriptor.digest}${name === undefined ? '' : ` ('${name}')`}`;
}

function refNames(descriptors: readonly OciDescriptor[]): string[] {
  return descriptors.flatMap((d) => {
    const name = d.annotations?.[OCI_ANNOTATIONS.refName];
    return name === undefined ? [] : [name];
  });
}

async function readJson(file: string, onMissing?: MissingLayoutError): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && onMissing !== undefined) {
      throw onMissing(`${file.split(/[\\/]/).pop()} does not exist`, error);
    }
    if (code === 'ENOENT')
      throw new LayoutInvalidError(file, 'the file does not exist', REPAIR_HINT);
    throw error;
  }
  return parseJson(Buffer.from(text), file);
}

async function writeProbe(dir: string): Promise<void> {
  const probe = join(dir, `.imprint-${randomUUID()}.probe`);
  await writeFile(probe, '', { flag: 'wx' });
  await rm(probe, { force: true });
}

function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'the path, or one of its parent directories, is a file';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return e.message ?? String(error);
  }
}
