/**
 * Holds @imprint/sdk to the behaviour of HashiCorp's Go SDK
 * (packer-plugin-sdk `packer/registry/image`, and the mapstructure decoding
 * Packer core applies to `State("par.artifact.metadata")`). The vectors are
 * produced by running the Go SDK (compat/sdkvectors) and committed in
 * compat/vectors/registry-image.json; the Go test fails when they go stale.
 * Errors are compared by the rules listed in the file (`rules`): by typed
 * error class and the field or type named, and by exact message where the
 * message comes from the caller (a failing override or callback).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as sdk from '@imprint/sdk';
import type { ArtifactOverride, ImageWire, PackerArtifact } from '@imprint/sdk';

interface GoError {
  kind: 'nilArtifact' | 'override' | 'callback' | 'notAMap' | 'invalid' | 'decode';
  message: string;
  field?: 'ImageID' | 'ProviderName' | '';
  goKind?: string;
}
interface ArtifactInput {
  id: string;
  builderId: string;
}
interface Override {
  op: 'withId' | 'withRegion' | 'withProvider' | 'withSourceId' | 'setLabels' | 'fail';
  value: unknown;
}
interface Vectors {
  fromArtifact: {
    name: string;
    artifact: ArtifactInput | null;
    overrides: Override[];
    image?: ImageWire;
    error?: GoError;
  }[];
  fromMappedData: {
    name: string;
    artifact: ArtifactInput;
    sourceId: string;
    data: unknown;
    images: ImageWire[] | null;
    error?: GoError;
  }[];
  validate: { name: string; image: ImageWire; valid: boolean; error?: GoError }[];
  string: { name: string; image: ImageWire; string: string }[];
  decode: {
    name: string;
    state: unknown;
    images: ImageWire[] | null;
    validation: (GoError | null)[] | null;
    error?: GoError;
  }[];
}

const VECTORS_FILE = path.join(__dirname, '../../../compat/vectors/registry-image.json');
const vectors = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as Vectors;

/**
 * Vectors on which @imprint/sdk differs from the Go SDK on purpose. They run
 * as `it.failing`, so a change that makes them agree fails here: then decide
 * and delete the entry.
 * - SourceImageID is mandatory in the SDK's reference text (hcp-packer-support:
 *   "ImageID, ProviderName, and SourceImageID are mandatory fields"), while the
 *   Go SDK's Validate checks only ImageID and ProviderName.
 * - `__proto__`, `constructor` and `prototype` keys are refused everywhere
 *   (docs/reference/sdk.md, unsafe keys); Go has no prototype to pollute.
 */
const DELIBERATE_DIVERGENCES: ReadonlySet<string> = new Set<string>([
  'validate: source image id empty',
  'decode: missing source image id',
  'decode: label key named constructor',
]);

/** A comparable outcome: what happened, in the vectors' terms. */
type Outcome =
  | { images: ImageWire[]; validation?: (ComparableError | null)[] }
  | { image: ImageWire }
  | { valid: true }
  | { string: string }
  | { error: ComparableError };
interface ComparableError {
  kind: GoError['kind'];
  detail?: string;
}

const GO_KIND_TO_TS_TYPE: Readonly<Record<string, string>> = {
  slice: 'array',
  string: 'string',
  float64: 'number',
  bool: 'boolean',
  invalid: 'null',
};
const GO_FIELD_TO_PROPERTY: Readonly<Record<string, string>> = {
  ImageID: 'imageId',
  ProviderName: 'providerName',
};

/** Go's error reduced to what the TS SDK is expected to reproduce. */
function fromGo(error: GoError): ComparableError {
  switch (error.kind) {
    case 'override':
    case 'callback':
      return { kind: error.kind, detail: error.message };
    case 'notAMap':
      return { kind: 'notAMap', detail: GO_KIND_TO_TS_TYPE[error.goKind ?? ''] ?? error.goKind };
    case 'invalid':
      return { kind: 'invalid', detail: GO_FIELD_TO_PROPERTY[error.field ?? ''] ?? error.field };
    default:
      return { kind: error.kind };
  }
}

/**
 * The TS error in the same terms. `expected` only picks which of several
 * validation issues to name: Go reports the first failing field, the TS SDK
 * lists all of them.
 */
function fromTs(
  error: unknown,
  callerKind: 'override' | 'callback',
  expected?: GoError,
): ComparableError {
  if (error instanceof sdk.MissingArtifactError) return { kind: 'nilArtifact' };
  if (error instanceof sdk.NotAMapError) {
    return { kind: 'notAMap', detail: /found type to be (\S+?)\./.exec(error.message)?.[1] };
  }
  if (error instanceof sdk.ImageValidationError) {
    const properties = error.issues.map((issue) => issue.property);
    const wanted = GO_FIELD_TO_PROPERTY[expected?.field ?? ''];
    return {
      kind: 'invalid',
      detail: wanted !== undefined && properties.includes(wanted) ? wanted : properties.join(','),
    };
  }
  if (error instanceof sdk.ImageDecodeError || error instanceof sdk.UnsafeKeyError)
    return { kind: 'decode' };
  return { kind: callerKind, detail: error instanceof Error ? error.message : String(error) };
}

function attempt(
  run: () => Outcome,
  callerKind: 'override' | 'callback',
  expected?: GoError,
): Outcome {
  try {
    return run();
  } catch (error) {
    return { error: fromTs(error, callerKind, expected) };
  }
}

function validation(image: sdk.Image, expected?: GoError | null): ComparableError | null {
  try {
    image.validate();
    return null;
  } catch (error) {
    return fromTs(error, 'override', expected ?? undefined);
  }
}

function artifactOf(input: ArtifactInput): PackerArtifact {
  return {
    builderId: () => input.builderId,
    id: () => input.id,
    files: () => [],
    toString: () => `test artifact ${input.id}`,
    state: () => undefined,
    destroy: () => undefined,
  };
}

function overrideOf({ op, value }: Override): ArtifactOverride {
  switch (op) {
    case 'withId':
      return sdk.withId(value as string);
    case 'withRegion':
      return sdk.withRegion(value as string);
    case 'withProvider':
      return sdk.withProvider(value as string);
    case 'withSourceId':
      return sdk.withSourceId(value as string);
    case 'setLabels':
      return sdk.setLabels(value as Record<string, unknown> | null);
    case 'fail':
      return () => {
        throw new Error(value as string);
      };
  }
}

function imageOf(wire: ImageWire): sdk.Image {
  return new sdk.Image({
    imageId: wire.ImageID,
    providerName: wire.ProviderName,
    providerRegion: wire.ProviderRegion,
    labels: wire.Labels,
    sourceImageId: wire.SourceImageID,
  });
}

/** `{"$image": {...}}` stands for a typed image, as a plugin's state() returns it. */
function typedState(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(typedState);
  if (value !== null && typeof value === 'object' && '$image' in value) {
    const fields = (value as { $image: Partial<ImageWire> }).$image;
    return new sdk.Image({
      imageId: fields.ImageID,
      providerName: fields.ProviderName,
      providerRegion: fields.ProviderRegion,
      labels: fields.Labels,
      sourceImageId: fields.SourceImageID,
    });
  }
  return value;
}

function check(section: string, name: string, run: () => void): void {
  const title = `${section}: ${name}`;
  (DELIBERATE_DIVERGENCES.has(title) ? it.failing : it)(title, run);
}

describe('@imprint/sdk agrees with the Go SDK on every vector', () => {
  it('reads a vectors file made by the Go SDK', () => {
    for (const list of Object.values(vectors).filter(Array.isArray)) {
      expect(list.length).toBeGreaterThan(0);
    }
    const titles = [
      ...vectors.fromArtifact.map((v) => `fromArtifact: ${v.name}`),
      ...vectors.fromMappedData.map((v) => `fromMappedData: ${v.name}`),
      ...vectors.validate.map((v) => `validate: ${v.name}`),
      ...vectors.string.map((v) => `String: ${v.name}`),
      ...vectors.decode.map((v) => `decode: ${v.name}`),
    ];
    expect(new Set(titles).size).toBe(titles.length);
    // A divergence entry naming no vector would silently stop meaning anything.
    expect([...DELIBERATE_DIVERGENCES].filter((t) => !titles.includes(t))).toEqual([]);
  });

  describe('fromArtifact with overrides', () => {
    for (const v of vectors.fromArtifact) {
      check('fromArtifact', v.name, () => {
        const expected: Outcome = v.error ? { error: fromGo(v.error) } : { image: v.image! };
        const actual = attempt(
          () => ({
            image: sdk
              .fromArtifact(
                v.artifact === null ? null : artifactOf(v.artifact),
                ...v.overrides.map(overrideOf),
              )
              .toJSON(),
          }),
          'override',
        );
        expect(actual).toEqual(expected);
      });
    }
  });

  describe('fromMappedData', () => {
    for (const v of vectors.fromMappedData) {
      check('fromMappedData', v.name, () => {
        const expected: Outcome = v.error ? { error: fromGo(v.error) } : { images: v.images! };
        const artifact = artifactOf(v.artifact);
        const actual = attempt(() => {
          const images = sdk.fromMappedData(v.data as Record<string, unknown>, (key, value) => {
            if (typeof value !== 'string')
              throw new Error(`value for region ${key} is not a string`);
            return sdk.fromArtifact(
              artifact,
              sdk.withId(value),
              sdk.withRegion(key),
              sdk.withSourceId(v.sourceId),
            );
          });
          const wire = images.map((image) => image.toJSON());
          // Go iterates maps in random order; the vectors are sorted by region.
          wire.sort((a, b) => (a.ProviderRegion < b.ProviderRegion ? -1 : 1));
          return { images: wire };
        }, 'callback');
        expect(actual).toEqual(expected);
      });
    }
  });

  describe('Image.validate', () => {
    for (const v of vectors.validate) {
      check('validate', v.name, () => {
        const expected: Outcome = v.valid ? { valid: true } : { error: fromGo(v.error!) };
        const error = validation(imageOf(v.image), v.error);
        expect(error === null ? { valid: true } : { error }).toEqual(expected);
      });
    }
  });

  describe('Image.toString (Go String())', () => {
    for (const v of vectors.string) {
      check('String', v.name, () => {
        const image = imageOf(v.image);
        expect({ string: image.toString() }).toEqual({ string: v.string });
        expect({ string: `${image}` }).toEqual({ string: v.string });
      });
    }
  });

  describe("decodeImages (Packer core's decoding of par.artifact.metadata)", () => {
    for (const v of vectors.decode) {
      check('decode', v.name, () => {
        const expected: Outcome = v.error
          ? { error: fromGo(v.error) }
          : {
              images: v.images!,
              validation: v.validation!.map((e) => (e === null ? null : fromGo(e))),
            };
        const actual = attempt(() => {
          const images = sdk.decodeImages(typedState(v.state));
          return {
            images: images.map((image) => image.toJSON()),
            validation: images.map((image, i) => validation(image, v.validation?.[i])),
          };
        }, 'override');
        expect(actual).toEqual(expected);
      });
    }
  });
});
