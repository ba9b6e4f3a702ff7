import { InvalidArgumentError, NotAMapError } from '../errors/sdk.errors';
import type { Image } from '../image/image';
import { mapEntries } from '../image/unsafe-keys';

/**
 * Makes one Image per entry of a map, for artifacts that hold several images
 * (e.g. region → AMI id). `f` is called with each key and value in the map's
 * order; an error thrown by `f` aborts the whole call.
 *
 * @example
 * ```ts
 * const images = fromMappedData(this.amis, (region, ami) =>
 *   fromArtifact(this, withId(String(ami)), withRegion(String(region)), withSourceId(this.sourceAmi)),
 * );
 * ```
 * @throws {@link NotAMapError} when `data` is neither a Map nor a plain object.
 */
export function fromMappedData<K, V>(
  data: ReadonlyMap<K, V>,
  f: (key: K, value: V) => Image,
): Image[];
export function fromMappedData<V>(
  data: Readonly<Record<string, V>>,
  f: (key: string, value: V) => Image,
): Image[];
export function fromMappedData(data: unknown, f: (key: never, value: never) => Image): Image[] {
  const entries = mapEntries(data);
  if (entries === undefined) throw new NotAMapError('fromMappedData', data);
  if (typeof f !== 'function') {
    throw new InvalidArgumentError(
      'fromMappedData callback',
      'a function (key, value) => Image',
      f,
    );
  }
  return entries.map(([key, value]) => f(key as never, value as never));
}
