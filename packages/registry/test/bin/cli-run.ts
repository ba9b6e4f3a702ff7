import { createRegistryCli } from '@imprint/registry';
import { spawnRegistry } from '../helpers/registry-process';

/** What a run of the CLI printed and its exit code. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command that succeeds through the public `createRegistryCli()`, in
 * this process (no server: `tls create`, `env`, `principals`). `env` is what
 * the program reads its defaults from.
 */
export async function runInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const cli = createRegistryCli({
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    env,
  });
  await cli.command.parseAsync(args, { from: 'user' });
  return { code: (await cli.exitCode()) ?? 0, stdout, stderr };
}

/** Runs the real `imprint-registry` bin to its end (exit codes, usage errors). */
export async function runBin(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = spawnRegistry(args, env);
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** `principals create --role admin --json` on the storage `storageArgs` name: its credentials. */
export async function createAdmin(
  storageArgs: string[],
): Promise<{ client_id: string; client_secret: string }> {
  const created = await runInProcess(
    ['principals', 'create', '--name', 'ci', '--role', 'admin', '--json'].concat(storageArgs),
  );
  expect(created.code).toBe(0);
  return JSON.parse(created.stdout) as { client_id: string; client_secret: string };
}
