import type { RegistryClient } from '@imprint/client';
import type { RegistryCli } from '@imprint/registry';
import type { Env, RegistryFlags } from '../registry';
import { withRegistry } from '../registry';
import { json } from '../format';
import { client as clientPackage } from '../lazy';
import type { DeleteFlags, ReadFlags } from './options';

/** Exit codes of `imprint`. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  REGISTRY: 3,
  CANCELLED: 130,
} as const;

/** Where the CLI writes and what it reads; replaceable in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Writes bytes to stdout as they are (`imprint sbom download --compressed`); without it, such output needs a file. */
  stdoutBytes?(bytes: Uint8Array): void;
  env?: Env;
  /** Current time, for the timestamps of build lines. */
  now?: () => Date;
}

export const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutBytes: (bytes) => process.stdout.write(bytes),
};

/** A bad flag value or combination: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * `--registry` / `$IMPRINT_REGISTRY_URL`, checked before any connection: an
 * http(s) URL, else a usage error (exit 2).
 */
export function checkRegistryUrl(flags: RegistryFlags, env: Env): void {
  const url = flags.registry ?? env.IMPRINT_REGISTRY_URL;
  if (url === undefined || url === '') return;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new UsageError(
      `--registry (or IMPRINT_REGISTRY_URL): '${url}' is not an http(s) URL, e.g. http://127.0.0.1:8080`,
    );
  }
}

/**
 * A new bucket's or channel's name and a description, checked before any
 * request with the registry's own rules (the API contract's `NameSchema` and `LIMITS`).
 */
export function checkNewName(kind: 'bucket' | 'channel', name: string, description?: string): void {
  const { LIMITS, NameSchema } = clientPackage();
  if (!new RegExp(NameSchema.pattern ?? '').test(name)) {
    throw new UsageError(
      `'${name}' is not a valid ${kind} name: expected ${NameSchema.description ?? NameSchema.pattern}`,
    );
  }
  if (description !== undefined && description.length > LIMITS.description) {
    throw new UsageError(
      `--description is ${description.length} characters long; the registry takes at most ${LIMITS.description}`,
    );
  }
}

/** Something the user named is not in the registry: exit 1, like the registry's own not-found answers. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** What every command's action reads and writes. */
export interface Context {
  io: CliIo;
  env: Env;
  code: number;
  /** `imprint registry …`: the registry's own program, mounted. */
  registry?: RegistryCli;
}

/**
 * Deletes never prompt: without `--yes` they stop before contacting the
 * registry, on a terminal or not, and print the command to run.
 */
export function requireYes(flags: { yes?: boolean }, what: string, retry: string): void {
  if (flags.yes) return;
  throw new UsageError(`${what}; nothing was deleted. To confirm, run: ${retry} --yes`);
}

/** What a delete must say before it runs without `--yes`: its consequence and the command to confirm. */
export interface DeleteConfirmation {
  what: string;
  retry: string;
}

/**
 * What the registry commands' actions share: `read(flags, fn)` runs `fn` with a registry client,
 * `out(text)` writes to stdout, `show` prints an answer and `remove` runs a confirmed delete.
 */
export function actionHelpers(c: Context) {
  const read = async (flags: RegistryFlags, fn: (client: RegistryClient) => Promise<void>) => {
    checkRegistryUrl(flags, c.env);
    await withRegistry(flags, c.env, fn);
  };
  const out = (text: string) => c.io.stdout(text);
  return {
    read,
    out,
    /** Fetches an answer, then prints it: the raw JSON with `--json`, else `text(answer)`. */
    show: <T>(
      flags: ReadFlags,
      fetch: (client: RegistryClient) => Promise<T>,
      text: (answer: T) => string,
    ) =>
      read(flags, async (client) => {
        const answer = await fetch(client);
        out(flags.json ? json(answer) : text(answer));
      }),
    /** Deletes once `--yes` confirms it (see {@link requireYes}), then prints `done`. */
    remove: async (
      flags: DeleteFlags,
      confirm: DeleteConfirmation,
      del: (client: RegistryClient) => Promise<unknown>,
      done: string,
    ) => {
      requireYes(flags, confirm.what, confirm.retry);
      await read(flags, async (client) => {
        await del(client);
        out(done);
      });
    },
  };
}
