import { describeTypedValue } from '../errors/describe-value';
import { ImageDecodeError } from '../errors/sdk.errors';
import type { ImageFields } from './image';
import { Image } from './image';
import { assertSafeKey, isPlainRecord } from './unsafe-keys';

type StringField = Exclude<keyof ImageFields, 'labels'>;

// Packer core decodes state with mapstructure's weak decoding, which matches
// field names case-insensitively; lower-casing both wire and camelCase names
// gives one lookup table for both forms.
const FIELD_BY_LOWERCASE_KEY: ReadonlyMap<string, keyof ImageFields> = new Map([
  ['imageid', 'imageId'],
  ['providername', 'providerName'],
  ['providerregion', 'providerRegion'],
  ['labels', 'labels'],
  ['sourceimageid', 'sourceImageId'],
]);

const EXPECTED =
  'expected an Image, an object with ImageID/ProviderName/ProviderRegion/Labels/SourceImageID (or camelCase) fields, or an array of these';

/**
 * Decodes what `artifact.state(ARTIFACT_STATE_URI)` returned into Images, the
 * way a consumer (the runner, Packer core) reads it. Accepts an `Image`, a plain
 * object in wire or camelCase form, or an array of these; `null`/`undefined`
 * give `[]`. Keys match case-insensitively; only the known fields are read.
 * It does not validate: call `validate()` on each result.
 *
 * @throws {@link ImageDecodeError} for anything else, naming the value's type and position.
 * @throws {@link UnsafeKeyError} for `__proto__`, `constructor` or `prototype` keys.
 */
export function decodeImages(state: unknown): Image[] {
  if (state === null || state === undefined) return [];
  if (Array.isArray(state)) return state.map((entry, i) => decodeImage(entry, `state[${i}]`));
  return [decodeImage(state, 'state')];
}

function decodeImage(value: unknown, position: string): Image {
  if (!isPlainRecord(value)) {
    throw new ImageDecodeError(position, `is ${describeTypedValue(value)}; ${EXPECTED}`);
  }
  const fields: Partial<ImageFields> = {};
  const sourceKeys = new Map<keyof ImageFields, string>();
  for (const key of Object.keys(value)) {
    assertSafeKey(key, position);
    const field = FIELD_BY_LOWERCASE_KEY.get(key.toLowerCase());
    if (field === undefined) continue;
    const earlier = sourceKeys.get(field);
    if (earlier !== undefined) {
      throw new ImageDecodeError(
        position,
        `has both '${earlier}' and '${key}', which name the same field; keep one`,
      );
    }
    sourceKeys.set(field, key);
    const fieldPosition = `${position}.${key}`;
    if (field === 'labels') fields.labels = decodeLabels(value[key], fieldPosition);
    else fields[field as StringField] = weakString(value[key], fieldPosition, '');
  }
  return new Image(fields);
}

function decodeLabels(value: unknown, position: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (!isPlainRecord(value)) {
    throw new ImageDecodeError(
      position,
      `is ${describeTypedValue(value)}; expected a map of string to string`,
    );
  }
  const labels: Record<string, string> = {};
  for (const key of Object.keys(value)) {
    assertSafeKey(key, position);
    labels[key] = weakString(value[key], `${position}.${key}`);
  }
  return labels;
}

// Weak decoding as in mapstructure: numbers and booleans become strings.
function weakString(value: unknown, position: string, whenAbsent?: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if ((value === null || value === undefined) && whenAbsent !== undefined) return whenAbsent;
  throw new ImageDecodeError(position, `is ${describeTypedValue(value)}; expected a string`);
}
