import { AmbiguousSourceImageError, SourceImageNotFoundError } from '../errors';
import type { CloudClient, CloudImage } from './cloud-client';

/** What an image is looked up by: the builder's `source_ami_filter` and the `aws-like-ami` data source. */
export interface ImageFilter {
  /** EC2 name pattern (`*`, `?`). */
  readonly name: string;
  /** Owner account ids or `self`; empty means any owner. */
  readonly owners: readonly string[];
  /** Tags the image must carry, with these values; none by default. */
  readonly tags?: Readonly<Record<string, string>>;
  /** When several images match, take the newest instead of failing. */
  readonly mostRecent: boolean;
}

/** The filter as messages show it: `source_ami_filter (name "ubuntu/*", owners 099720109477)`. */
export function describeFilter(label: string, filter: ImageFilter): string {
  const owners = filter.owners.length > 0 ? `, owners ${filter.owners.join(', ')}` : '';
  const tags = Object.entries(filter.tags ?? {});
  const tagText = tags.length > 0 ? `, tags ${tags.map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
  return `${label} (name "${filter.name}"${owners}${tagText})`;
}

/**
 * The one image in `region` that matches `filter` (the newest, with
 * `mostRecent`).
 *
 * @param query - the filter as {@link describeFilter} shows it, for errors.
 * @param where - the component, for errors: `aws-like source 'base'`.
 * @param narrow - what to narrow when several match, e.g. `source_ami_filter`.
 * @throws {@link SourceImageNotFoundError} when nothing matches.
 * @throws {@link AmbiguousSourceImageError} when several match without `mostRecent`.
 */
export async function findImageByFilter(
  client: CloudClient,
  region: string,
  filter: ImageFilter,
  messages: { readonly query: string; readonly where: string; readonly narrow: string },
): Promise<CloudImage> {
  const wanted = Object.entries(filter.tags ?? {});
  const images = (
    await client.describeImages({ region, name: filter.name, owners: filter.owners })
  ).filter((image) => wanted.every(([key, value]) => image.tags[key] === value));
  const { query, where, narrow } = messages;
  if (images.length === 0) throw new SourceImageNotFoundError(region, query, where);
  if (images.length > 1 && !filter.mostRecent) {
    throw new AmbiguousSourceImageError(
      region,
      query,
      images.map((i) => i.imageId),
      where,
      narrow,
    );
  }
  // Ties go to the later entry: images are listed in creation order.
  return images.reduce((newest, i) => (i.creationDate >= newest.creationDate ? i : newest));
}
