import { LIMITS, PATTERNS, ROLES } from '@imprint/client';
import { isUnsafeKey } from '@imprint/sdk';
import type { Actor } from './registry-contract';
import { RegistryErrors } from '../errors/registry-errors';
import type { RegistryErrorClass } from '../errors/registry-errors';

/*
 * Input checks of the domain layer. The HTTP layer validates JSON schemas
 * too, but the service is a public API of its own and must never trust its
 * caller: every value is type-checked here before it reaches SQL, and every
 * failure is a code-3 RegistryError naming the field and the fix.
 */

// The rules below are the API contract's (@imprint/client PATTERNS and LIMITS), checked in code.

/** `^[a-zA-Z0-9-]{3,36}$`: Packer's rule for bucket names; Imprint uses it for channels too. */
export const NAME_PATTERN = new RegExp(PATTERNS.name);
/** 1–40 chars, starts and ends alphanumeric, letters/digits/`-`/`.`/`_` inside. */
export const FINGERPRINT_PATTERN = new RegExp(PATTERNS.newFingerprint);
/** Bucket descriptions are at most this long (Packer's limit). */
export const MAX_DESCRIPTION_LENGTH = LIMITS.description;
/** Label limits. HCP documents none; these only stop abuse. */
export const MAX_LABELS = LIMITS.labels;
/** Longest label key. */
export const MAX_LABEL_KEY_LENGTH = LIMITS.labelKey;
/** Longest label value. */
export const MAX_LABEL_VALUE_LENGTH = LIMITS.labelValue;
/** Serialized build metadata limit (1 MiB). */
export const MAX_METADATA_BYTES = LIMITS.metadataBytes;
const MAX_METADATA_DEPTH = LIMITS.metadataDepth;
/** Longest accepted short free-text field (a platform, a run uuid, a parent id). */
export const MAX_SHORT_TEXT = LIMITS.shortText;
/** Longest accepted external identifier or region. */
export const MAX_IDENTIFIER = LIMITS.identifier;

/**
 * The one rule for text that may be stored or compared in SQL: why `value`
 * cannot be, as a sentence about `subject` (e.g. `body.labels.os`), or
 * `undefined` when it can. PostgreSQL text cannot hold NUL (U+0000), and an
 * unpaired UTF-16 surrogate (JSON `"\ud800"`) is not Unicode text: each
 * engine would replace it differently (SQLite with three U+FFFD, PostgreSQL
 * with one), so both are refused, the same way on both engines, by the HTTP
 * layer and by every check of this module.
 *
 * @example
 * ```ts
 * textProblem('body.labels.os', 'a\u0000b');
 * // 'body.labels.os contains a NUL character (U+0000), which cannot be stored; remove it.'
 * ```
 */
export function textProblem(subject: string, value: string): string | undefined {
  if (value.includes('\0')) {
    return `${subject} contains a NUL character (U+0000), which cannot be stored; remove it.`;
  }
  if (!value.isWellFormed()) {
    return `${subject} contains an unpaired UTF-16 surrogate (such as "\\ud800" in JSON), which is not valid Unicode text; send well-formed text.`;
  }
  return undefined;
}

/** Whether {@link textProblem} finds nothing wrong with `value`. */
export function isStorableText(value: string): boolean {
  return textProblem('', value) === undefined;
}

/** What {@link checkText} throws: a row of the error table taking the field and the problem. */
type TextError = RegistryErrorClass<{ field: string; problem: string }>;

/** Throws a code-3 error (naming `field`) when {@link textProblem} finds one. */
export function checkText(
  value: string,
  field: string,
  error: TextError = RegistryErrors.TextUnstorable,
): string {
  const problem = textProblem(field, value);
  if (problem !== undefined) throw new error({ field, problem });
  return value;
}

/** A plain request body: an object, not null, not an array. */
export type Body = Readonly<Record<string, unknown>>;

/** `expected` says what kind of value `field` takes (`a string`, `true or false`). */
function bad(field: string, expected: string, value: unknown) {
  return new RegistryErrors.FieldInvalid({ field, expected, value });
}

/** Checks the acting principal. */
export function checkActor(actor: unknown): Actor {
  if (typeof actor !== 'object' || actor === null) {
    throw bad('actor', 'an object with principalId, name and role', actor);
  }
  const { name, principalId, role } = actor as Record<string, unknown>;
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) {
    throw bad('actor.name', 'a non-empty string of at most 255 characters', name);
  }
  checkText(name, 'actor.name');
  if (typeof principalId !== 'string' || principalId.length === 0 || principalId.length > 255) {
    throw bad('actor.principalId', 'a non-empty string of at most 255 characters', principalId);
  }
  checkText(principalId, 'actor.principalId');
  if (!(ROLES as readonly unknown[]).includes(role)) {
    throw bad('actor.role', `one of ${ROLES.join(', ')}`, role);
  }
  return actor as Actor;
}

/** Checks that a request body is a plain object. */
export function checkBody(body: unknown, what: string): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad(what, 'a JSON object', body);
  }
  return body as Body;
}

/** A string field; `undefined` when absent. Text {@link textProblem} refuses (NUL, lone surrogates) is a code-3 error. */
export function optionalString(
  body: Body,
  field: string,
  maxLength: number,
  path = field,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(path, 'a string', value);
  if (value.length > maxLength) {
    throw new RegistryErrors.FieldTooLong({ field: path, length: value.length, max: maxLength });
  }
  return checkText(value, path);
}

/** A required non-empty string field. */
export function requiredString(body: Body, field: string, maxLength: number, path = field): string {
  const value = optionalString(body, field, maxLength, path);
  if (value === undefined || value.length === 0) {
    throw new RegistryErrors.FieldRequired({ field: path });
  }
  return value;
}

/** A boolean field; `undefined` when absent. */
export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw bad(field, 'true or false', value);
  return value;
}

/** One of `allowed`; `undefined` when absent. */
export function optionalEnum<T extends string>(
  body: Body,
  field: string,
  allowed: readonly T[],
): T | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw bad(field, `one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

/** A bucket name for create: 3–36 letters, digits or hyphens. */
export function checkBucketName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new RegistryErrors.BucketNameInvalid({ field, value });
  }
  return value;
}

/** A channel name for create: 3–36 letters, digits or hyphens. */
export function checkChannelName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new RegistryErrors.ChannelNameInvalid({ field, value });
  }
  return value;
}

/** A version fingerprint for create. */
export function checkFingerprint(value: unknown, field = 'fingerprint'): string {
  if (typeof value !== 'string' || !FINGERPRINT_PATTERN.test(value)) {
    throw new RegistryErrors.FingerprintInvalid({ field, value });
  }
  return value;
}

/**
 * A name used for a lookup (path parameter). A malformed name (too long, or
 * text {@link textProblem} refuses) cannot exist, so the caller answers "not
 * found" (what Packer's upsert flow expects); only a non-string is a code-3
 * error.
 */
export function lookupName(value: unknown, field: string): string | undefined {
  if (typeof value !== 'string') throw bad(field, 'a string', value);
  return value.length <= 64 && isStorableText(value) ? value : undefined;
}

/** A bucket description: ≤ 255 characters. */
export function checkDescription(body: Body): string | undefined {
  const value = body['description'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad('description', 'a string', value);
  if (value.length > MAX_DESCRIPTION_LENGTH) {
    throw new RegistryErrors.DescriptionTooLong({
      length: value.length,
      max: MAX_DESCRIPTION_LENGTH,
    });
  }
  return checkText(value, 'description');
}

/** A map of string labels; `undefined` when absent. */
export function checkLabels(body: Body, field = 'labels'): Record<string, string> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new RegistryErrors.LabelsNotAMap({ field, value });
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_LABELS) {
    throw new RegistryErrors.TooManyLabels({ field, count: entries.length, max: MAX_LABELS });
  }
  const out: Record<string, string> = {};
  for (const [key, label] of entries) {
    const keyProblem = textProblem(`a key of ${field}`, key);
    if (keyProblem !== undefined) {
      throw new RegistryErrors.LabelTextUnstorable({ field, problem: keyProblem });
    }
    if (isUnsafeKey(key) || key.length === 0 || key.length > MAX_LABEL_KEY_LENGTH) {
      throw new RegistryErrors.LabelKeyInvalid({ field, key, max: MAX_LABEL_KEY_LENGTH });
    }
    if (typeof label !== 'string' || label.length > MAX_LABEL_VALUE_LENGTH) {
      throw new RegistryErrors.LabelValueInvalid({
        field: `${field}.${key}`,
        value: label,
        max: MAX_LABEL_VALUE_LENGTH,
      });
    }
    out[key] = checkText(label, `${field}.${key}`, RegistryErrors.LabelTextUnstorable);
  }
  return out;
}

/** A list of platform names; `undefined` when absent. */
export function checkPlatforms(body: Body): string[] | undefined {
  const value = body['platforms'];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > LIMITS.platforms) {
    throw bad(
      'platforms',
      `an array of at most ${LIMITS.platforms} platform names, e.g. ["aws", "gce"]`,
      value,
    );
  }
  return value.map((platform: unknown, i) => {
    if (
      typeof platform !== 'string' ||
      platform.length === 0 ||
      platform.length > LIMITS.platformName
    ) {
      throw bad(
        `platforms[${i}]`,
        `a platform name of 1 to ${LIMITS.platformName} characters`,
        platform,
      );
    }
    return checkText(platform, `platforms[${i}]`);
  });
}

/** Build artifacts `[{external_identifier, region}]`; `undefined` when absent. */
export function checkArtifacts(
  body: Body,
): { external_identifier: string; region: string }[] | undefined {
  const value = body['artifacts'];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > LIMITS.artifacts) {
    throw bad(
      'artifacts',
      `an array of at most ${LIMITS.artifacts} {external_identifier, region} objects`,
      value,
    );
  }
  return value.map((item: unknown, i) => {
    const path = `artifacts[${i}]`;
    const entry = checkBody(item, path);
    return {
      external_identifier: requiredString(
        entry,
        'external_identifier',
        LIMITS.identifier,
        `${path}.external_identifier`,
      ),
      region: optionalString(entry, 'region', LIMITS.identifier, `${path}.region`) ?? '',
    };
  });
}

/** Free-form build metadata: a JSON object, ≤ 1 MiB, no prototype-polluting keys. */
export function checkMetadata(body: Body): Record<string, unknown> | undefined {
  const value = body['metadata'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw bad('metadata', 'a JSON object such as {"packer": {...}, "vcs": {...}}', value);
  }
  checkJsonValue(value, 'metadata', 0);
  const size = Buffer.byteLength(JSON.stringify(value));
  if (size > MAX_METADATA_BYTES) {
    throw new RegistryErrors.MetadataTooLarge({ bytes: size, max: MAX_METADATA_BYTES });
  }
  return value as Record<string, unknown>;
}

function checkJsonValue(value: unknown, path: string, depth: number): void {
  if (depth > MAX_METADATA_DEPTH) {
    throw new RegistryErrors.MetadataTooDeep({ field: path, max: MAX_METADATA_DEPTH });
  }
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    checkText(value, path);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw bad(path, 'a finite number', value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonValue(item, `${path}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const keyProblem = textProblem(`a key of ${path}`, key);
      if (keyProblem !== undefined) {
        throw new RegistryErrors.TextUnstorable({ field: path, problem: keyProblem });
      }
      if (isUnsafeKey(key)) {
        throw new RegistryErrors.MetadataForbiddenKey({ field: path, key });
      }
      checkJsonValue(item, `${path}.${key}`, depth + 1);
    }
    return;
  }
  throw bad(path, 'a JSON value', value);
}

/** Parses a stored JSON map of strings (written by this layer). */
export function parseStringMap(text: string): Record<string, string> {
  const parsed = JSON.parse(text) as Record<string, string>;
  // Rebuild on a fresh object so no stored key can reach a prototype.
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!isUnsafeKey(key)) out[key] = value;
  }
  return out;
}
