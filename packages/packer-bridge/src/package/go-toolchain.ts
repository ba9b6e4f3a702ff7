import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoBuildError, GoMissingError } from '../errors';

/**
 * The oldest Go that builds the bridge: the `go` line of its go.mod (what
 * packer-plugin-sdk requires), read from there so that it is written once.
 * An older `go` would fail, or try to download that toolchain.
 */
export function requiredGo(goDir: string): string {
  const goMod = join(goDir, 'go.mod');
  let text: string;
  try {
    text = readFileSync(goMod, 'utf8');
  } catch (error) {
    throw new GoBuildError(
      goDir,
      `the bridge's Go sources are missing (${goMod}: ${(error as Error).message}); reinstall @imprint/packer-bridge`,
    );
  }
  const line = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(text);
  if (line === null) throw new GoBuildError(goDir, `${goMod} has no \`go\` line`);
  return line[1];
}

/** Compares dotted version numbers: negative when a < b. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** What the packager needs to know of the Go toolchain. */
export interface GoToolchain {
  readonly binary: string;
  readonly goos: string;
  readonly goarch: string;
  /** e.g. `go1.26.8`. */
  readonly version: string;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the program could not be started (e.g. `code: 'ENOENT'`). */
  readonly error?: Error & { code?: string | number | null };
}

function run(
  binary: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  return new Promise((done) => {
    execFile(
      binary,
      args,
      { ...options, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        done({
          code,
          stdout,
          stderr,
          ...(error && typeof error.code === 'string' ? { error } : {}),
        });
      },
    );
  });
}

/**
 * The Go toolchain `binary` names (`go` on PATH by default): its target
 * platform and version, from `go env`.
 * @throws {@link GoMissingError} when there is no such program or it is older than `minimum` (see {@link requiredGo}).
 */
export async function findGo(
  minimum: string,
  binary = 'go',
  env: NodeJS.ProcessEnv = process.env,
): Promise<GoToolchain> {
  const result = await run(binary, ['env', 'GOOS', 'GOARCH', 'GOVERSION'], { env });
  if (result.error !== undefined || result.code !== 0) {
    const why =
      result.error?.code === 'ENOENT'
        ? `'${binary}' was not found on PATH`
        : `'${binary} env' failed: ${(result.stderr || result.error?.message || '').trim()}`;
    // No `cause`: a spawn ENOENT would read as a missing file to callers that look for one.
    throw new GoMissingError(`the Packer plugin binary is built with Go, and ${why}`, minimum);
  }
  const [goos = '', goarch = '', version = ''] = result.stdout.split('\n').map((l) => l.trim());
  const match = /^go(\d+)\.(\d+)/.exec(version);
  if (match === null || goos === '' || goarch === '') {
    throw new GoMissingError(
      `'${binary} env' gave no GOOS/GOARCH/GOVERSION (${result.stdout.trim()})`,
      minimum,
    );
  }
  const numbers = /^go(\d+(?:\.\d+)*)/.exec(version)![1];
  if (compareVersions(numbers, minimum) < 0) {
    throw new GoMissingError(`'${binary}' is ${version}, too old to build the bridge`, minimum);
  }
  return { binary, goos, goarch, version };
}

/**
 * `go build` in `goDir`, linking `ldflags`, writing `output`. Static (no cgo)
 * and without changing go.mod/go.sum, unless the environment says otherwise.
 * @throws {@link GoBuildError} with go's output.
 */
export async function goBuild(
  go: GoToolchain,
  goDir: string,
  ldflags: string,
  output: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const result = await run(
    go.binary,
    ['build', '-trimpath', '-ldflags', ldflags, '-o', output, '.'],
    {
      cwd: goDir,
      env: { ...env, CGO_ENABLED: '0', GOFLAGS: env.GOFLAGS ?? '-mod=readonly' },
    },
  );
  if (result.code !== 0) {
    throw new GoBuildError(
      goDir,
      `${result.stdout}${result.stderr}` || (result.error?.message ?? 'no output'),
    );
  }
}
