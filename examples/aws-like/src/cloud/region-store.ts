import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudStateError } from '../errors';
import { writeFileAtomic } from './atomic-file';
import type { CloudImage } from './cloud-client';
import { withDirectoryLock } from './directory-lock';
import { checkedTags } from './image-tags';

const STATE_FORMAT_VERSION = 1;

interface RegionState {
  formatVersion: typeof STATE_FORMAT_VERSION;
  images: CloudImage[];
}

/**
 * Where {@link LocalCloud} keeps each region on disk, and its image list:
 *
 * - `<region>/images.json`: the region's images (written atomically, under a lock);
 * - `<region>/snapshots/<ami-id>/`: each image's root filesystem;
 * - `<region>/instances/<i-id>/`: running instances (`root/` plus `instance.json`).
 */
export class RegionStore {
  constructor(
    private readonly dir: string,
    private readonly lockTimeoutMs: number | undefined,
  ) {}

  regionDir(region: string): string {
    return join(this.dir, region);
  }

  snapshotDir(region: string, imageId: string): string {
    return join(this.regionDir(region), 'snapshots', imageId);
  }

  instanceDir(region: string, instanceId: string): string {
    return join(this.regionDir(region), 'instances', instanceId);
  }

  async readImages(region: string): Promise<CloudImage[]> {
    const file = this.stateFile(region);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new CloudStateError(file, `cannot be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new CloudStateError(
        file,
        `is not valid JSON (${(error as Error).message}). Restore it from a backup, or delete it to forget every image in ${region}.`,
        { cause: error },
      );
    }
    return decodeState(data, file, region).images;
  }

  /** Reads, changes and writes a region's images under its lock, so concurrent builds do not lose writes. */
  async updateImages(
    region: string,
    change: (images: CloudImage[]) => CloudImage[],
  ): Promise<void> {
    await mkdir(this.regionDir(region), { recursive: true });
    await withDirectoryLock(
      join(this.regionDir(region), '.lock'),
      async () => {
        const images = change(await this.readImages(region));
        const state: RegionState = { formatVersion: STATE_FORMAT_VERSION, images };
        await writeFileAtomic(this.stateFile(region), `${JSON.stringify(state, null, 2)}\n`);
      },
      this.lockTimeoutMs,
    );
  }

  private stateFile(region: string): string {
    return join(this.regionDir(region), 'images.json');
  }
}

function decodeState(data: unknown, file: string, region: string): RegionState {
  const fail = (problem: string): never => {
    throw new CloudStateError(
      file,
      `${problem}. It was written by something else than LocalCloud (format ${STATE_FORMAT_VERSION}); restore it, or delete it to forget every image in ${region}.`,
    );
  };
  if (
    !isRecord(data) ||
    data.formatVersion !== STATE_FORMAT_VERSION ||
    !Array.isArray(data.images)
  ) {
    return fail(`is not an image list of format version ${STATE_FORMAT_VERSION}`);
  }
  const images = data.images.map((raw: unknown, index: number): CloudImage => {
    const text = (key: string): string => {
      const value = isRecord(raw) ? raw[key] : undefined;
      return typeof value === 'string' ? value : fail(`images[${index}].${key} is not a string`);
    };
    const optional = (key: string): string | undefined =>
      isRecord(raw) && raw[key] !== undefined ? text(key) : undefined;
    // Allow-list the fields: the file is input, not trusted code.
    const image = {
      imageId: text('imageId'),
      region: text('region'),
      name: text('name'),
      description: text('description'),
      ownerId: text('ownerId'),
      creationDate: text('creationDate'),
    };
    const os = optional('os');
    const sourceImageId = optional('sourceImageId');
    const tags = isRecord(raw) ? raw.tags : undefined;
    if (!isRecord(tags) || !Object.values(tags).every((v) => typeof v === 'string')) {
      return fail(`images[${index}].tags is not a map of strings`);
    }
    return {
      ...image,
      ...(os === undefined ? {} : { os }),
      ...(sourceImageId === undefined ? {} : { sourceImageId }),
      tags: checkedTags(`reading ${file}`, tags as Record<string, string>),
    };
  });
  return { formatVersion: STATE_FORMAT_VERSION, images };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
