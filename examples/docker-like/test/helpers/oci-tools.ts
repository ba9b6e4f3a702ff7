import { spawnSync } from 'node:child_process';

/** An OCI command-line tool used to check layouts from outside the plugin. */
export interface OciTool {
  readonly name: 'skopeo' | 'umoci';
  readonly available: boolean;
  readonly version: string;
}

const notified = new Set<string>();

/** Looks for `skopeo` or `umoci` on PATH. */
export function findTool(name: OciTool['name']): OciTool {
  const result = spawnSync(name, ['--version'], { encoding: 'utf8' });
  const available = result.status === 0;
  return { name, available, version: available ? result.stdout.trim() : '' };
}

/**
 * `it` for a test that needs an OCI tool. Without the tool the test is
 * skipped with a console message, except in CI (`CI` set), where it fails:
 * CI must have the tools installed (`apt-get install skopeo umoci`).
 */
export function itWithTool(
  tool: OciTool,
  name: string,
  fn: () => Promise<unknown> | void,
  timeout?: number,
): void {
  if (tool.available) {
    it(
      name,
      async () => {
        await fn();
      },
      timeout,
    );
  } else if (process.env.CI) {
    it(name, () => {
      throw new Error(
        `${tool.name} is not installed, and CI must run the OCI tool checks: install it (apt-get install -y ${tool.name}).`,
      );
    });
  } else {
    if (!notified.has(tool.name)) {
      notified.add(tool.name);
      console.warn(
        `[docker-like] ${tool.name} not found on PATH: skipping the ${tool.name} checks (install it with: apt-get install -y ${tool.name}).`,
      );
    }
    it.skip(`${name} (needs ${tool.name})`, () => undefined);
  }
}

/** Runs a tool and returns stdout; throws with stderr when it fails. */
export function run(tool: OciTool, args: readonly string[], cwd?: string): string {
  const result = spawnSync(tool.name, [...args], { encoding: 'utf8', cwd });
  if (result.status !== 0) {
    throw new Error(
      `${tool.name} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.error ? String(result.error) : ''}`,
    );
  }
  return result.stdout;
}
