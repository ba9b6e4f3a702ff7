import { cp, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import {
  CloudStateError,
  ImageNameInUseError,
  ImageNotFoundError,
  InstanceNotFoundError,
  InvalidCloudRequestError,
  PathOutsideInstanceError,
  UnknownRegionError,
} from '../errors';
import { writeFileAtomic } from './atomic-file';
import type {
  CloudClient,
  CloudImage,
  CloudInstance,
  DescribeImagesQuery,
  RunCommandOptions,
} from './cloud-client';
import type { IdGenerator } from './ids';
import { RESOURCE_ID_PATTERN, randomIds } from './ids';
import { checkedTags } from './image-tags';
import { exists, isInside, readFileInside, relativeInside, resolvedPath } from './inside-paths';
import { nameMatcher } from './name-pattern';
import { DEFAULT_REGIONS } from './regions';
import { RegionStore } from './region-store';
import { runShell } from './run-shell';

/** Settings of a {@link LocalCloud}. */
export interface LocalCloudOptions {
  /** Directory holding the cloud's state; created on first write. Keep it between builds. */
  readonly dir: string;
  /** The cloud's regions; {@link DEFAULT_REGIONS} by default. */
  readonly regions?: readonly string[];
  /** Account id that owns the images this cloud creates (and that `self` means); `123456789012` by default. */
  readonly ownerId?: string;
  /** Makes resource ids; {@link randomIds} by default, {@link sequentialIds} for golden tests. */
  readonly generateId?: IdGenerator;
  /** The clock for creation dates; `() => new Date()` by default. */
  readonly now?: () => Date;
  /** How long to wait for another process holding a region's lock, in ms; 10 s by default. */
  readonly lockTimeoutMs?: number;
}

/** A base image to seed with {@link LocalCloud.registerImage}. */
export interface RegisterImageRequest {
  readonly region: string;
  /** Unique per owner and region. */
  readonly name: string;
  readonly description?: string;
  /** Owner account id, e.g. `099720109477` for a vendor's public images; the cloud's own by default. */
  readonly ownerId?: string;
  /** Operating system label, e.g. `ubuntu`; images built from it inherit it. */
  readonly os?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Files of the image's root filesystem: absolute path → content. */
  readonly files?: Readonly<Record<string, string>>;
  /** A directory copied as the image's root filesystem (before `files` are written). */
  readonly rootDir?: string;
}

interface InstanceRecord {
  readonly instanceId: string;
  readonly region: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly os?: string;
}

/**
 * A file-backed EC2-like cloud, so that builds are real and repeatable
 * without an account. Its files, per region, are laid out by
 * {@link RegionStore}.
 *
 * Shell commands run on this machine with `/bin/sh`, in the instance's root
 * directory: there is no isolation, as with any local builder.
 *
 * @example
 * ```ts
 * const cloud = new LocalCloud({ dir: '/tmp/cloud' });
 * const base = await cloud.registerImage({
 *   region: 'us-east-1',
 *   name: 'ubuntu-22.04-base',
 *   os: 'ubuntu',
 *   files: { '/etc/os-release': 'ID=ubuntu\n' },
 * });
 * // a template can now use source_ami = base.imageId
 * ```
 */
export class LocalCloud implements CloudClient {
  /** The state directory. */
  readonly dir: string;
  /** The account id that owns what this cloud creates. */
  readonly ownerId: string;
  private readonly regionList: readonly string[];
  private readonly generateId: IdGenerator;
  private readonly now: () => Date;
  /** The files on disk: state, snapshots, instances. */
  private readonly store: RegionStore;

  constructor(options: LocalCloudOptions) {
    if (typeof options?.dir !== 'string' || options.dir === '') {
      throw new InvalidCloudRequestError(
        'new LocalCloud()',
        'option `dir` must be a directory path',
      );
    }
    this.dir = options.dir;
    this.regionList = Object.freeze([...(options.regions ?? DEFAULT_REGIONS)]);
    this.ownerId = options.ownerId ?? '123456789012';
    this.generateId = options.generateId ?? randomIds;
    this.now = options.now ?? (() => new Date());
    this.store = new RegionStore(this.dir, options.lockTimeoutMs);
  }

  async regions(): Promise<readonly string[]> {
    return this.regionList;
  }

  /**
   * Seeds a base image (one with no source image), as a vendor publishes one.
   * @throws {@link ImageNameInUseError} when the owner already has an image of that name in the region.
   */
  async registerImage(request: RegisterImageRequest): Promise<CloudImage> {
    this.assertRegion(request.region);
    const operation = 'registerImage';
    this.assertName(operation, request.name);
    const imageId = this.newId('ami');
    const root = this.store.snapshotDir(request.region, imageId);
    try {
      await mkdir(root, { recursive: true });
      if (request.rootDir !== undefined) await this.copyTree(request.rootDir, root);
      for (const [path, content] of Object.entries(request.files ?? {})) {
        const target = join(root, relativeInside(operation, path));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      return await this.addImage({
        imageId,
        region: request.region,
        name: request.name,
        description: request.description ?? '',
        ownerId: request.ownerId ?? this.ownerId,
        creationDate: this.now().toISOString(),
        ...(request.os === undefined ? {} : { os: request.os }),
        tags: checkedTags(operation, request.tags ?? {}),
      });
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  async describeImages(query: DescribeImagesQuery): Promise<CloudImage[]> {
    this.assertRegion(query.region);
    const matchesName = query.name === undefined ? () => true : nameMatcher(query.name);
    const owners = (query.owners ?? []).map((o) => (o === 'self' ? this.ownerId : o));
    return (await this.store.readImages(query.region)).filter(
      (image) =>
        (query.imageIds === undefined || query.imageIds.includes(image.imageId)) &&
        matchesName(image.name) &&
        (owners.length === 0 || owners.includes(image.ownerId)),
    );
  }

  /**
   * The directory holding an image's root filesystem, to inspect what a build produced.
   * @throws {@link ImageNotFoundError}
   */
  async imageRoot(region: string, imageId: string): Promise<string> {
    await this.getImage(region, imageId);
    return this.store.snapshotDir(region, imageId);
  }

  async runInstance(request: {
    readonly region: string;
    readonly imageId: string;
    readonly instanceType: string;
  }): Promise<CloudInstance> {
    const image = await this.getImage(request.region, request.imageId);
    const record: InstanceRecord = {
      instanceId: this.newId('i'),
      region: request.region,
      imageId: image.imageId,
      instanceType: request.instanceType,
      ...(image.os === undefined ? {} : { os: image.os }),
    };
    const dir = this.store.instanceDir(record.region, record.instanceId);
    try {
      await this.copyTree(this.store.snapshotDir(image.region, image.imageId), join(dir, 'root'));
      await writeFileAtomic(join(dir, 'instance.json'), `${JSON.stringify(record, null, 2)}\n`);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return {
      instanceId: record.instanceId,
      region: record.region,
      imageId: record.imageId,
      instanceType: record.instanceType,
    };
  }

  async runCommand(
    instance: CloudInstance,
    script: string,
    options: RunCommandOptions = {},
  ): Promise<{ exitCode: number }> {
    const root = await this.instanceRoot(instance);
    return runShell(script, root, {
      ...options,
      env: {
        ...options.env,
        IMPRINT_INSTANCE_ID: instance.instanceId,
        IMPRINT_INSTANCE_REGION: instance.region,
      },
    });
  }

  async uploadFile(instance: CloudInstance, destination: string, content: string): Promise<void> {
    const fail = (reason: string): never => {
      throw new PathOutsideInstanceError(instance.instanceId, destination, reason);
    };
    if (typeof destination !== 'string' || !destination.startsWith('/')) {
      fail('it is not an absolute path');
    }
    const inside = posix.normalize(destination).slice(1);
    if (inside === '' || inside.endsWith('/')) fail('it names a directory, not a file');
    const root = await realpath(await this.instanceRoot(instance));
    const target = join(root, inside);
    // Links inside the instance may point anywhere on this machine: resolve the
    // deepest existing ancestor before creating directories through it.
    let existing = dirname(target);
    while (!(await exists(existing))) existing = dirname(existing);
    const outside = 'a link on its path leads outside the instance';
    if (!isInside(await resolvedPath(existing), root)) fail(outside);
    await mkdir(dirname(target), { recursive: true });
    if (!isInside(await resolvedPath(dirname(target)), root)) fail(outside);
    try {
      // Renaming over the target replaces a link there instead of following it.
      await writeFileAtomic(target, content);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new InvalidCloudRequestError(
          'uploadFile',
          `'${destination}' is a directory on instance ${instance.instanceId}`,
        );
      }
      throw error;
    }
  }

  async downloadFile(instance: CloudInstance, path: string): Promise<string | undefined> {
    return readFileInside(await this.instanceRoot(instance), relativeInside('downloadFile', path));
  }

  async terminateInstance(instance: CloudInstance): Promise<void> {
    this.assertRegion(instance.region);
    await rm(this.store.instanceDir(instance.region, instance.instanceId), {
      recursive: true,
      force: true,
    });
  }

  async createImage(request: {
    readonly instance: CloudInstance;
    readonly name: string;
    readonly description: string;
  }): Promise<CloudImage> {
    this.assertName('createImage', request.name);
    const record = await this.readInstance(request.instance);
    await this.assertNameFree(record.region, request.name);
    const imageId = this.newId('ami');
    const snapshot = this.store.snapshotDir(record.region, imageId);
    try {
      await this.copyTree(
        join(this.store.instanceDir(record.region, record.instanceId), 'root'),
        snapshot,
      );
      return await this.addImage({
        imageId,
        region: record.region,
        name: request.name,
        description: request.description,
        ownerId: this.ownerId,
        creationDate: this.now().toISOString(),
        ...(record.os === undefined ? {} : { os: record.os }),
        sourceImageId: record.imageId,
        tags: {},
      });
    } catch (error) {
      await rm(snapshot, { recursive: true, force: true });
      throw error;
    }
  }

  async copyImage(request: {
    readonly sourceRegion: string;
    readonly imageId: string;
    readonly destinationRegion: string;
    readonly name: string;
    readonly description: string;
  }): Promise<CloudImage> {
    this.assertRegion(request.destinationRegion);
    this.assertName('copyImage', request.name);
    const source = await this.getImage(request.sourceRegion, request.imageId);
    await this.assertNameFree(request.destinationRegion, request.name);
    const imageId = this.newId('ami');
    const snapshot = this.store.snapshotDir(request.destinationRegion, imageId);
    try {
      await this.copyTree(this.store.snapshotDir(source.region, source.imageId), snapshot);
      return await this.addImage({
        imageId,
        region: request.destinationRegion,
        name: request.name,
        description: request.description,
        ownerId: this.ownerId,
        creationDate: this.now().toISOString(),
        ...(source.os === undefined ? {} : { os: source.os }),
        // A copy has the same lineage as the original: it was not built from it.
        ...(source.sourceImageId === undefined ? {} : { sourceImageId: source.sourceImageId }),
        tags: {},
      });
    } catch (error) {
      await rm(snapshot, { recursive: true, force: true });
      throw error;
    }
  }

  async createTags(
    region: string,
    imageId: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<void> {
    const added = checkedTags('createTags', tags);
    await this.updateImages(region, (images) => {
      const index = images.findIndex((i) => i.imageId === imageId);
      if (index < 0) throw new ImageNotFoundError(region, imageId);
      images[index] = { ...images[index], tags: { ...images[index].tags, ...added } };
      return images;
    });
  }

  async deregisterImage(region: string, imageId: string): Promise<void> {
    await this.updateImages(region, (images) => {
      if (!images.some((i) => i.imageId === imageId)) throw new ImageNotFoundError(region, imageId);
      return images.filter((i) => i.imageId !== imageId);
    });
    // The record goes first: a crash in between leaves an unreferenced
    // directory, never an image whose files are missing.
    await rm(this.store.snapshotDir(region, imageId), { recursive: true, force: true });
  }

  private assertRegion(region: string): void {
    if (!this.regionList.includes(region)) throw new UnknownRegionError(region, this.regionList);
  }

  private assertName(operation: string, name: string): void {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new InvalidCloudRequestError(operation, 'an image needs a non-empty name');
    }
  }

  private async assertNameFree(region: string, name: string): Promise<void> {
    const taken = (await this.store.readImages(region)).find(
      (i) => i.name === name && i.ownerId === this.ownerId,
    );
    if (taken) throw new ImageNameInUseError(region, name, taken.imageId);
  }

  private async getImage(region: string, imageId: string): Promise<CloudImage> {
    this.assertRegion(region);
    const image = (await this.store.readImages(region)).find((i) => i.imageId === imageId);
    if (image === undefined) throw new ImageNotFoundError(region, imageId);
    return image;
  }

  private async addImage(image: CloudImage): Promise<CloudImage> {
    await this.updateImages(image.region, (images) => {
      // Checked again under the lock: another build may have taken the name meanwhile.
      const taken = images.find((i) => i.name === image.name && i.ownerId === image.ownerId);
      if (taken) throw new ImageNameInUseError(image.region, image.name, taken.imageId);
      return [...images, image];
    });
    return image;
  }

  private newId(prefix: 'ami' | 'i'): string {
    const id = this.generateId(prefix);
    if (typeof id !== 'string' || !RESOURCE_ID_PATTERN.test(id) || !id.startsWith(`${prefix}-`)) {
      throw new InvalidCloudRequestError(
        'generateId',
        `expected an id like ${prefix}-0123456789abcdef0, got ${JSON.stringify(id)}`,
      );
    }
    return id;
  }

  private async instanceRoot(instance: CloudInstance): Promise<string> {
    const record = await this.readInstance(instance);
    return join(this.store.instanceDir(record.region, record.instanceId), 'root');
  }

  private async readInstance(instance: CloudInstance): Promise<InstanceRecord> {
    this.assertRegion(instance.region);
    if (!RESOURCE_ID_PATTERN.test(instance.instanceId)) {
      throw new InstanceNotFoundError(instance.region, instance.instanceId);
    }
    const file = join(
      this.store.instanceDir(instance.region, instance.instanceId),
      'instance.json',
    );
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new InstanceNotFoundError(instance.region, instance.instanceId);
      }
      throw error;
    }
    try {
      return JSON.parse(text) as InstanceRecord;
    } catch (error) {
      throw new CloudStateError(
        file,
        `is not valid JSON (${(error as Error).message}); terminate the instance and launch a new one`,
        { cause: error },
      );
    }
  }

  private async copyTree(from: string, to: string): Promise<void> {
    await cp(from, to, {
      recursive: true,
      verbatimSymlinks: true,
      errorOnExist: true,
      force: false,
    });
  }

  private async updateImages(
    region: string,
    change: (images: CloudImage[]) => CloudImage[],
  ): Promise<void> {
    this.assertRegion(region);
    await this.store.updateImages(region, change);
  }
}
