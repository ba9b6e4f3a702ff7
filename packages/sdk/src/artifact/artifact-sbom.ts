import { describeTypedValue } from '../errors/describe-value';
import { SbomDecodeError } from '../errors/sdk.errors';
import { assertSafeKey, isPlainRecord } from '../image/unsafe-keys';

/** The SBOM formats an artifact may state, in the order they are listed in messages. */
export const ARTIFACT_SBOM_FORMATS = ['cyclonedx', 'spdx'] as const;

/** One of {@link ARTIFACT_SBOM_FORMATS}. */
export type ArtifactSbomFormat = (typeof ARTIFACT_SBOM_FORMATS)[number];

/**
 * What an artifact states under `ARTIFACT_SBOM_STATE_KEY` (`imprint.sbom`): one SBOM
 * document, uncompressed, as parsed JSON.
 */
export interface ArtifactSbom {
  /** `cyclonedx` (a CycloneDX JSON BOM) or `spdx` (an SPDX JSON document). */
  readonly format: ArtifactSbomFormat;
  /** What the SBOM describes, e.g. the image name `team/app:1.0`. */
  readonly name: string;
  /** The JSON document itself (an object, not a string). */
  readonly document: object;
}

// Enough of each format to tell a document from another JSON object, without
// validating it against the format's schema (the producer's job).
const FORMAT_MARKERS: Readonly<
  Record<ArtifactSbomFormat, (doc: Record<string, unknown>) => string | undefined>
> = {
  cyclonedx: (doc) =>
    doc.bomFormat === 'CycloneDX' && typeof doc.specVersion === 'string'
      ? undefined
      : `has bomFormat ${describeTypedValue(doc.bomFormat)} and specVersion ${describeTypedValue(doc.specVersion)}; a CycloneDX JSON document has bomFormat "CycloneDX" and a specVersion string`,
  spdx: (doc) =>
    typeof doc.spdxVersion === 'string' && doc.spdxVersion.startsWith('SPDX-')
      ? undefined
      : `has spdxVersion ${describeTypedValue(doc.spdxVersion)}; an SPDX JSON document has an spdxVersion like "SPDX-2.3"`,
};

/** Nesting deeper than this is refused rather than walked (no real SBOM comes close). */
const MAX_DEPTH = 64;

/**
 * Reads what `artifact.state(ARTIFACT_SBOM_STATE_KEY)` returned. `null` and
 * `undefined` (the artifact states no SBOM) give `undefined`; anything else
 * must be an {@link ArtifactSbom} whose document is JSON data (plain objects,
 * arrays, strings, finite numbers, booleans, `null`) that matches its format.
 * The result is a new object holding the three known fields; the document is
 * not copied.
 *
 * @example
 * ```ts
 * const sbom = decodeArtifactSbom(artifact.state(ARTIFACT_SBOM_STATE_KEY));
 * if (sbom !== undefined) upload(sbom.name, JSON.stringify(sbom.document));
 * ```
 * @throws {@link SbomDecodeError} naming the position and the problem.
 * @throws {@link UnsafeKeyError} for a `__proto__`, `constructor` or `prototype` key anywhere.
 */
export function decodeArtifactSbom(state: unknown): ArtifactSbom | undefined {
  if (state === null || state === undefined) return undefined;
  if (!isPlainRecord(state)) {
    throw new SbomDecodeError(
      'state',
      `is ${describeTypedValue(state)}; expected an object { format, name, document }`,
    );
  }
  for (const key of Object.keys(state)) assertSafeKey(key, 'state');
  const { format, name, document } = state;
  if (!ARTIFACT_SBOM_FORMATS.includes(format as ArtifactSbomFormat)) {
    throw new SbomDecodeError(
      'state.format',
      `is ${describeTypedValue(format)}; expected one of ${ARTIFACT_SBOM_FORMATS.map((f) => `"${f}"`).join(', ')}`,
    );
  }
  if (typeof name !== 'string' || name.trim() === '') {
    throw new SbomDecodeError(
      'state.name',
      `is ${describeTypedValue(name)}; expected a non-empty string naming what the SBOM describes`,
    );
  }
  if (!isPlainRecord(document)) {
    throw new SbomDecodeError(
      'state.document',
      `is ${describeTypedValue(document)}; expected the parsed JSON document (an object; JSON.parse a string first)`,
    );
  }
  checkJson(document, 'state.document', 0);
  const mismatch = FORMAT_MARKERS[format as ArtifactSbomFormat](document);
  if (mismatch !== undefined) throw new SbomDecodeError('state.document', mismatch);
  return { format: format as ArtifactSbomFormat, name, document };
}

/**
 * True when {@link decodeArtifactSbom} would return an SBOM for `value`
 * (it never throws).
 */
export function isArtifactSbom(value: unknown): value is ArtifactSbom {
  try {
    return decodeArtifactSbom(value) !== undefined;
  } catch {
    return false;
  }
}

// The registry stores the document as JSON: anything JSON.stringify would drop
// or alter (undefined, functions, NaN, Dates, Maps) is refused here, where the
// producer can still be named, rather than silently changed on the way.
function checkJson(value: unknown, position: string, depth: number): void {
  if (depth > MAX_DEPTH)
    throw new SbomDecodeError(position, `nests deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw new SbomDecodeError(position, `is ${value}; JSON numbers are finite`);
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${position}[${i}]`, depth + 1));
    return;
  }
  if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      assertSafeKey(key, position);
      checkJson(item, `${position}.${key}`, depth + 1);
    }
    return;
  }
  throw new SbomDecodeError(
    position,
    `is ${describeTypedValue(value)}; expected JSON data (object, array, string, number, boolean or null)`,
  );
}

// A plain object of any realm (another vm context, structuredClone in a test
// runner): its prototype is null or some realm's Object.prototype, whose own
// prototype is null. Class instances and Dates have a longer chain.
function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainRecord(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
