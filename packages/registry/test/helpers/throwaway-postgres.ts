import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '..', '..', '..', '..', 'scripts', 'pg-test-cluster.sh');

/**
 * A PostgreSQL cluster of a test's own (scripts/pg-test-cluster.sh), for
 * fault tests that stop and start the server: the shared cluster other
 * suites use must not go down under them.
 */
export interface ThrowawayPostgres {
  /** A database on it, e.g. `postgres://imprint@127.0.0.1:PORT/imprint_test`. */
  readonly url: string;
  /** `pg_ctl stop -m fast|immediate`; the data stays. */
  down(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts connections. */
  up(): Promise<void>;
  /** Stops it and removes its files. */
  remove(): Promise<void>;
}

/** True where fault tests can run: PostgreSQL is installed (CI sets IMPRINT_TEST_POSTGRES_URL). */
export function canRunThrowawayPostgres(): boolean {
  return Boolean(process.env['IMPRINT_TEST_POSTGRES_URL']);
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  // The script hands the directory to the postgres user (it runs the server when we are root).
  const dir = mkdtempSync(path.join(tmpdir(), 'imprint-fault-pg-'));
  const { stdout } = await run('bash', [SCRIPT, 'start', dir]);
  const url = stdout.trim();
  return {
    url,
    down: async (mode) => {
      await run('bash', [SCRIPT, 'down', dir, mode]);
    },
    up: async () => {
      await run('bash', [SCRIPT, 'up', dir]);
    },
    remove: async () => {
      await run('bash', [SCRIPT, 'stop', dir]);
    },
  };
}
