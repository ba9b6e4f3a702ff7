import type { Image } from './image';

// Remembers which artifact class an Image was built from, so that validate()
// can name it, without adding a field to the Image's wire form.
const origins = new WeakMap<Image, string>();

export function recordImageOrigin(image: Image, artifactClass: string): void {
  origins.set(image, artifactClass);
}

export function imageOrigin(image: Image): string | undefined {
  return origins.get(image);
}

/** The class name of an artifact object, for messages. */
export function artifactClassName(artifact: object): string {
  const name = (artifact as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'anonymous artifact';
}
