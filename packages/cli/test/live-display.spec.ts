import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, REPO_ROOT, exitWithin, start, tempDirs, writeJson, useRegistry } from './helpers/bin';

jest.setTimeout(90_000);

/**
 * The listr2 live display of `imprint build`, shown only on a terminal: the
 * built bin runs under a pseudo-terminal made by util-linux `script`.
 */
function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const describeWithPty = hasScript() ? describe : describe.skip;

const dirs = tempDirs();
const registry = useRegistry(dirs, 'imprint-cli-reg-');

const LONG_MISSING =
  '/nonexistent/a/very/long/path/that/does/not/exist/anywhere/on/this/machine/at/all/input.txt';

/** Two docker-like builds: `good` succeeds, `bad` fails with a long error line. */
async function template(bucket: string): Promise<string> {
  const dir = await dirs.make();
  return writeJson(dir, 'pty.pkr.json', {
    required_plugins: { 'docker-like': '@imprint/example-docker-like' },
    sources: {
      'docker-like.good': {
        base: 'scratch',
        created: '2024-01-01T00:00:00Z',
        output_dir: join(dir, 'out'),
        files: [{ content: 'g', destination: '/g' }],
      },
      'docker-like.bad': {
        base: 'scratch',
        created: '2024-01-01T00:00:00Z',
        files: [{ source: LONG_MISSING, destination: '/b' }],
      },
    },
    build: { sources: ['docker-like.good', 'docker-like.bad'] },
    registry: { bucket_name: bucket },
  });
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** `imprint build` under `script -qfec`, after `setup` (e.g. `stty cols 100`); the terminal's text. */
async function buildUnderPty(
  bucket: string,
  setup: string,
  env: Record<string, string> = {},
): Promise<{ code: number; lines: string[]; text: string }> {
  const file = await template(bucket);
  const cmd = [process.execPath, BIN, 'build', file, '--plugin-dir', REPO_ROOT, '--registry']
    .concat(registry.server.url)
    .map(quote)
    .join(' ');
  const run = start(['-qfec', `${setup}exec ${cmd}`, '/dev/null'], env, ['script']);
  const code = await exitWithin(run, 60_000);
  // What a person sees: escape sequences (colours, cursor moves) removed.
  // eslint-disable-next-line no-control-regex
  const text = (run.stdout + run.stderr).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  return { code, text, lines: text.split(/\r?\n|\r/) };
}

/** The display's lines: before the error lines printed after it (timestamped). */
function displayLines(lines: readonly string[]): string[] {
  const end = lines.findIndex((l) => /^\d{4}-\d\d-\d\dT/.test(l));
  return lines.slice(0, end === -1 ? lines.length : end).filter((l) => l.trim() !== '');
}

const TICK = /^[✔√] docker-like\.good: done \(BUILD_DONE\)$/;
const CROSS = /^[✖×] docker-like\.bad: failed \(BUILD_FAILED\)$/;

describeWithPty('imprint build on a terminal (listr2 under script)', () => {
  it('shows each build with its final state, then the summary and the resume hint', async () => {
    const { code, lines, text } = await buildUnderPty('pty-sized', 'stty cols 100 rows 40; ');
    expect(code).toBe(1);
    const display = displayLines(lines);
    expect(display.some((l) => TICK.test(l))).toBe(true);
    expect(display.some((l) => CROSS.test(l))).toBe(true);
    // The error under the failed build, cut to the width (100 columns) rather than wrapped.
    const error = display.find((l) => l.includes('files[0].source: cannot read'));
    expect(error).toBeDefined();
    expect(error!.length).toBeLessThanOrEqual(100);
    expect(error!.endsWith('…')).toBe(true);
    for (const line of display) expect(line.length).toBeLessThanOrEqual(100);

    // The whole error is still printed once the display has ended.
    expect(text).toContain(`cannot read ${LONG_MISSING}`);
    // The display shows each build's latest line only: the SBOM line is printed after it.
    expect(lines).toContainEqual(
      expect.stringMatching(/^docker-like\.good: SBOM out-latest \(cyclonedx, .+\) uploaded$/),
    );
    // Summary, registry and resume lines.
    expect(lines).toContain('Build failed.');
    expect(lines.some((l) => /^BUILD\s+STATUS\s+REGISTRY\s+IMAGES\s+ERROR$/.test(l))).toBe(true);
    expect(lines.some((l) => /^docker-like\.good\s+done\s+BUILD_DONE\s+sha256:/.test(l))).toBe(
      true,
    );
    const fp = /^Registry: bucket pty-sized, fingerprint (\S+), version incomplete$/m.exec(
      text,
    )?.[1];
    expect(fp).toBeDefined();
    expect(lines).toContain(
      `Resume with: IMPRINT_BUILD_FINGERPRINT=${fp} (or --fingerprint ${fp})`,
    );
  });

  it('cuts lines at 80 columns when the terminal has no width, instead of one character per line', async () => {
    const { code, lines } = await buildUnderPty('pty-widthless', '');
    expect(code).toBe(1);
    const display = displayLines(lines);
    // The regression: listr2 wrapped at width 0, one character per line.
    expect(display.filter((l) => l.trim().length === 1)).toEqual([]);
    expect(display.some((l) => TICK.test(l))).toBe(true);
    expect(display.some((l) => CROSS.test(l))).toBe(true);
    const error = display.find((l) => l.includes('files[0].source: cannot read'));
    expect(error).toBeDefined();
    expect(error!.endsWith('…')).toBe(true);
    expect(error!.length).toBeGreaterThan(60);
    for (const line of display) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('uses $COLUMNS when the terminal has no width', async () => {
    const { code, lines } = await buildUnderPty('pty-columns', '', { COLUMNS: '60' });
    expect(code).toBe(1);
    const display = displayLines(lines);
    const error = display.find((l) => l.includes('files[0].source:'));
    expect(error).toBeDefined();
    expect(error!.endsWith('…')).toBe(true);
    for (const line of display) expect(line.length).toBeLessThanOrEqual(60);
  });
});
