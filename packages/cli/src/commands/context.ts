import type { RegistryClient } from '@imprint/client';
import type { RegistryCli } from '@imprint/registry';
import type { Env, RegistryFlags } from '../registry';
import { withRegistry } from '../registry';

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
  env?: Env;
  /** Current time, for the timestamps of build lines. */
  now?: () => Date;
}

export const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** A bad flag value or combination: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What every command's action reads and writes. */
export interface Context {
  io: CliIo;
  env: Env;
  code: number;
  /** `imprint registry …`: the registry's own program, mounted. */
  registry?: RegistryCli;
}

/** `read(flags, fn)` runs `fn` with a registry client; `out(text)` writes to stdout. */
export function actionHelpers(c: Context) {
  return {
    read: (flags: RegistryFlags, fn: (client: RegistryClient) => Promise<void>) =>
      withRegistry(flags, c.env, fn),
    out: (text: string) => c.io.stdout(text),
  };
}
