import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/bin';

/**
 * Runs `imprint <args>` with its stdout pipe closed before it writes, as
 * `imprint --help | head -1` does once head has its line.
 */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const bin = join(REPO_ROOT, 'packages', 'cli', 'bin', 'imprint.js');
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('output into a closed pipe', () => {
  it('imprint --help | head stops quietly (exit 0, no EPIPE stack)', async () => {
    expect(await runIntoClosedPipe(['--help'])).toEqual({ code: 0, stderr: '' });
  });

  it('imprint build --help | head stops quietly', async () => {
    expect(await runIntoClosedPipe(['build', '--help'])).toEqual({ code: 0, stderr: '' });
  });
});
