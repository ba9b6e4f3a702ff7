import { isUnsafeKey } from '@imprint/sdk';
import { BadRequestError } from '../errors';
import type { Request } from '../protocol/messages';

/** A request line that cannot be served, with the id to answer when there is one. */
export class RequestLineError extends Error {
  constructor(
    readonly id: number | undefined,
    readonly error: BadRequestError,
  ) {
    super(error.message);
  }
}

type Check = (r: Record<string, unknown>) => string | undefined;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
const needs =
  (field: string, what: string, ok: (v: unknown) => boolean): Check =>
  (r) =>
    ok(r[field]) ? undefined : `"${field}" must be ${what}`;

const string = (field: string) => needs(field, 'a string', (v) => typeof v === 'string');
const integer = (field: string) => needs(field, 'an integer', Number.isSafeInteger);

const artifactValues: Check = (r) => {
  const input = r.input;
  if (!isRecord(input)) return '"input" must be { builderId, id, files, string }';
  for (const key of ['builderId', 'id', 'string']) {
    if (typeof input[key] !== 'string') return `"input.${key}" must be a string`;
  }
  return isStringList(input.files) ? undefined : '"input.files" must be a list of strings';
};

const build: Check = (r) => {
  if (r.build === undefined) return undefined;
  const b = r.build;
  if (!isRecord(b)) return '"build" must be { name, type, force, packer }';
  if (typeof b.name !== 'string') return '"build.name" must be a string';
  if (typeof b.type !== 'string') return '"build.type" must be a string';
  if (b.force !== undefined && typeof b.force !== 'boolean')
    return '"build.force" must be a boolean';
  if (b.packer !== undefined && !isRecord(b.packer)) return '"build.packer" must be an object';
  return undefined;
};

/** What each op needs besides `id`. */
const CHECKS: Readonly<Record<Request['op'], readonly Check[]>> = {
  prepare: [needs('config', 'an object (the configuration)', isRecord), build],
  run: [],
  postProcess: [artifactValues],
  execute: [],
  cancel: [integer('target')],
  answer: [
    integer('ask'),
    (r) =>
      typeof r.answer === 'string' || typeof r.error === 'string'
        ? undefined
        : '"answer" (or "error") must be a string',
  ],
  state: [string('handle'), string('key')],
  destroy: [string('handle')],
};

/**
 * Parses and checks one request line.
 * @throws {@link RequestLineError} naming what is wrong.
 */
export function parseRequest(line: string): Request {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line, (key, value: unknown) => {
      // Configuration goes on to the plugin: no prototype-changing keys.
      if (isUnsafeKey(key)) throw new Error(`the key '${key}' is not allowed`);
      return value;
    });
  } catch (error) {
    throw new RequestLineError(
      undefined,
      new BadRequestError(
        `request line is not valid JSON (${(error as Error).message}): ${line.slice(0, 200)}`,
      ),
    );
  }
  if (!isRecord(parsed)) {
    throw new RequestLineError(undefined, new BadRequestError('a request must be a JSON object'));
  }
  const id = Number.isSafeInteger(parsed.id) ? (parsed.id as number) : undefined;
  const fail = (problem: string) => new RequestLineError(id, new BadRequestError(problem));
  if (id === undefined) throw fail('a request needs an integer "id"');
  const op = parsed.op;
  if (typeof op !== 'string' || !Object.hasOwn(CHECKS, op)) {
    throw fail(
      `unknown op ${JSON.stringify(op)}; expected one of ${Object.keys(CHECKS).join(', ')}`,
    );
  }
  for (const check of CHECKS[op as Request['op']]) {
    const problem = check(parsed);
    if (problem !== undefined) throw fail(`${op} request ${id}: ${problem}`);
  }
  return parsed as unknown as Request;
}
