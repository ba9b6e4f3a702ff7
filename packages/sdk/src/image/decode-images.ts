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

/** The Go field names: an exact match wins over a case-folded one, as in mapstructure. */
const WIRE_KEY_BY_FIELD: Readonly<Record<keyof ImageFields, string>> = {
  imageId: 'ImageID',
  providerName: 'ProviderName',
  providerRegion: 'ProviderRegion',
  labels: 'Labels',
  sourceImageId: 'SourceImageID',
};

/**
 * Decodes what `artifact.state(ARTIFACT_STATE_URI)` returned into Images, the
 * way Packer core reads it (mapstructure's weak decoding into `[]Image`, checked
 * against the Go SDK by the shared vectors in `compat/vectors/`). Accepts an
 * `Image`, a plain object in wire or camelCase form, or an array of these;
 * `null`, `undefined` and `{}` give `[]`, a `null` entry of an array gives an
 * empty Image. Keys match case-insensitively (the exact Go name wins); only
 * the known fields are read. It does not validate: call `validate()` on each
 * result.
 *
 * @throws {@link ImageDecodeError} for anything else, naming the value's type and position.
 * @throws {@link UnsafeKeyError} for `__proto__`, `constructor` or `prototype` keys.
 */
export function decodeImages(state: unknown): Image[] {
  if (state === null || state === undefined) return [];
  if (Array.isArray(state)) return state.map((entry, i) => decodeImage(entry, `state[${i}]`));
  // mapstructure reads an empty map as an empty list.
  if (isPlainRecord(state) && Object.keys(state).length === 0) return [];
  return [decodeImage(state, 'state')];
}

function decodeImage(value: unknown, position: string): Image {
  if (value === null || value === undefined) return new Image();
  if (!isPlainRecord(value)) {
    throw new ImageDecodeError(position, `is ${describeTypedValue(value)}; ${EXPECTED}`);
  }
  const keysByField = new Map<keyof ImageFields, string[]>();
  for (const key of Object.keys(value)) {
    assertSafeKey(key, position);
    const field = FIELD_BY_LOWERCASE_KEY.get(key.toLowerCase());
    if (field !== undefined) keysByField.set(field, [...(keysByField.get(field) ?? []), key]);
  }
  const fields: Partial<ImageFields> = {};
  for (const [field, keys] of keysByField) {
    const key = chosenKey(field, keys, position);
    const fieldPosition = `${position}.${key}`;
    if (field === 'labels') fields.labels = decodeLabels(value[key], fieldPosition);
    else fields[field as StringField] = weakString(value[key], fieldPosition);
  }
  return new Image(fields);
}

/** The Go name when present; otherwise the one folded match (two would be decoded in random order by Go). */
function chosenKey(field: keyof ImageFields, keys: string[], position: string): string {
  const exact = WIRE_KEY_BY_FIELD[field];
  if (keys.includes(exact)) return exact;
  if (keys.length === 1) return keys[0];
  throw new ImageDecodeError(
    position,
    `has ${keys.map((k) => `'${k}'`).join(' and ')}, which name the same field; keep one (or use '${exact}')`,
  );
}

function decodeLabels(value: unknown, position: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  // Weak decoding merges a list of maps into one map (and reads [] as {}).
  const maps = Array.isArray(value) ? value : [value];
  const labels: Record<string, string> = {};
  maps.forEach((map, i) => {
    const at = Array.isArray(value) ? `${position}[${i}]` : position;
    if (!isPlainRecord(map)) {
      throw new ImageDecodeError(
        at,
        `is ${describeTypedValue(map)}; expected a map of string to string`,
      );
    }
    for (const key of Object.keys(map)) {
      assertSafeKey(key, at);
      labels[key] = weakString(map[key], `${at}.${key}`);
    }
  });
  return labels;
}

// Weak decoding as in mapstructure: null is the empty string, booleans are
// "1" and "0", numbers are written out in full the way Go formats a float64.
function weakString(value: unknown, position: string): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return goFloatString(value);
  if (typeof value === 'bigint') return value.toString();
  throw new ImageDecodeError(position, `is ${describeTypedValue(value)}; expected a string`);
}

/** `strconv.FormatFloat(x, 'f', -1, 64)`: the shortest exact digits, never an exponent. */
function goFloatString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (Object.is(x, -0)) return '-0';
  const text = String(x);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign, lead, rest = '', exponentText] = match;
  const digits = lead + rest;
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const point = exponent + 1;
  return digits.length <= point
    ? `${sign}${digits}${'0'.repeat(point - digits.length)}`
    : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
