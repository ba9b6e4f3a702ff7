import { createHash } from 'node:crypto';
import { LIMITS, type SbomFormat } from '@imprint/client';
import { PackageURL } from 'packageurl-js';
import { isStorableText } from '../../domain/validation';

/** A package named by an SBOM, as the registry stores it. */
export interface ParsedPackage {
  readonly name: string;
  /** '' when the SBOM gives none (also `purl` and `type`). */
  readonly version: string;
  readonly purl: string;
  /** CycloneDX component type, or SPDX primaryPackagePurpose lower-cased. */
  readonly type: string;
  /** Licence ids, names or expressions, in document order, without repeats. */
  readonly licenses: readonly string[];
  /** Hex sha256 of the JSON of [name, version, purl]: the package's identity. */
  readonly key: string;
}

/** Longest name, version, purl or licence kept; an entry with a longer one is skipped. */
const MAX_FIELD = LIMITS.identifier;
/** CycloneDX nesting followed at most (components of components of …). */
const MAX_DEPTH = 64;
/** SPDX licence values that say "no licence information". */
const NO_LICENSE = new Set(['NOASSERTION', 'NONE']);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A usable text field: a storable string of at most MAX_FIELD characters, else undefined. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length <= MAX_FIELD && isStorableText(trimmed) ? trimmed : undefined;
}

/** Whether `value` is a package URL packageurl-js can parse (kept as written, not re-encoded). */
function isPurl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    PackageURL.fromString(value.trim());
    return true;
  } catch {
    return false;
  }
}

/** The identity of a package: the same name, version and purl in two SBOMs is one package. */
export function packageKey(name: string, version: string, purl: string): string {
  return createHash('sha256')
    .update(JSON.stringify([name, version, purl]))
    .digest('hex');
}

function makePackage(
  name: unknown,
  version: unknown,
  purl: unknown,
  type: unknown,
  licenses: string[],
): ParsedPackage | undefined {
  const n = text(name);
  const v = version === undefined ? '' : text(version);
  // A purl that is not one is dropped, not the package.
  const p = isPurl(purl) ? text(purl) : '';
  if (!n || v === undefined || p === undefined) return undefined;
  return {
    name: n,
    version: v,
    purl: p,
    type: (text(type) ?? '').toLowerCase(),
    licenses: [...new Set(licenses)],
    key: packageKey(n, v, p),
  };
}

/** CycloneDX `licenses`: `{license: {id | name}}` or `{expression}` entries. */
function cycloneDxLicenses(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (!isObject(entry)) return [];
    const license = isObject(entry.license) ? entry.license : {};
    const found = text(license.id) || text(license.name) || text(entry.expression);
    return found ? [found] : [];
  });
}

/**
 * CycloneDX components, nested ones included (depth-first, document order).
 * `file` components are left out: they are the files an image holds (an
 * SBOM can list thousands), not packages. A component without a string
 * name, or with a field of the wrong type, is skipped; its nested
 * components are still read.
 */
function cycloneDxPackages(document: Json): ParsedPackage[] {
  const found: ParsedPackage[] = [];
  const walk = (components: unknown, depth: number) => {
    if (!Array.isArray(components) || depth > MAX_DEPTH) return;
    for (const component of components) {
      if (!isObject(component)) continue;
      if (component.type !== 'file') {
        const parsed = makePackage(
          component.name,
          component.version,
          component.purl,
          component.type,
          cycloneDxLicenses(component.licenses),
        );
        if (parsed) found.push(parsed);
      }
      walk(component.components, depth + 1);
    }
  };
  walk(document.components, 0);
  return found;
}

/** SPDX 2.x packages: name, versionInfo, the `purl` external reference, licences. */
function spdxPackages(document: Json): ParsedPackage[] {
  if (!Array.isArray(document.packages)) return [];
  return document.packages.flatMap((entry) => {
    if (!isObject(entry)) return [];
    const refs = Array.isArray(entry.externalRefs) ? entry.externalRefs : [];
    const purlRef = refs.find(
      (ref) => isObject(ref) && String(ref.referenceType).toLowerCase() === 'purl',
    ) as Json | undefined;
    const licenses = [entry.licenseConcluded, entry.licenseDeclared]
      .map(text)
      .filter((l): l is string => !!l && !NO_LICENSE.has(l));
    const parsed = makePackage(
      entry.name,
      entry.versionInfo,
      purlRef?.referenceLocator,
      entry.primaryPackagePurpose,
      licenses,
    );
    return parsed ? [parsed] : [];
  });
}

/**
 * The packages an SBOM names, one per identity (the first occurrence wins).
 * Entries that are not well-formed are skipped, never an error: the
 * document was accepted as an SBOM, and a package list with a gap is more
 * use than a refused upload. A document without components gives none.
 */
export function parseSbomPackages(document: unknown, format: SbomFormat): ParsedPackage[] {
  if (!isObject(document)) return [];
  const all = format === 'CYCLONEDX' ? cycloneDxPackages(document) : spdxPackages(document);
  const byKey = new Map<string, ParsedPackage>();
  for (const parsed of all) if (!byKey.has(parsed.key)) byKey.set(parsed.key, parsed);
  return [...byKey.values()];
}
