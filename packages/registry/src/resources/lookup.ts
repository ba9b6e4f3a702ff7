import type { RegistryError } from '../errors/registry-error';
import { lookupName } from '../domain/validation';

/** A name from a request as error messages show it: at most 64 characters. */
export function shownName(name: unknown): string {
  return String(name).slice(0, 64);
}

/**
 * The one "look it up or say it does not exist" of every resource: `find`
 * runs only for a name that can exist ({@link lookupName}: a malformed one is
 * simply not found, what Packer's upsert flow expects), and `missing` gets the
 * name as messages show it.
 */
export async function requireNamed<Row>(
  name: unknown,
  field: string,
  find: (key: string) => Promise<Row | undefined>,
  missing: (shown: string) => RegistryError,
): Promise<Row> {
  const key = lookupName(name, field);
  const row = key === undefined ? undefined : await find(key);
  if (!row) throw missing(shownName(name));
  return row;
}
