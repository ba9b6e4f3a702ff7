import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * Start-up time of the commands, side by side with a bare `node -e 0`: each
 * round runs every command once, in turn (interleaved, so that a busy machine
 * slows all of them alike), and the medians over the rounds are compared.
 * `npm run bench` (root) runs it; IMPRINT_BENCH_RUNS sets the rounds (default 20).
 * The commands run through the launchers npm links (bin/), as a user's would.
 */

const root = resolve(__dirname, '..', '..', '..');
const imprint = join(root, 'packages', 'cli', 'bin', 'imprint.js');
const registry = join(root, 'packages', 'registry', 'bin', 'imprint-registry.js');
const runs = Number(process.env.IMPRINT_BENCH_RUNS ?? 20);

const dir = mkdtempSync(join(tmpdir(), 'imprint-bench-startup-'));
const template = join(dir, 'small.pkr.json');
writeFileSync(
  template,
  JSON.stringify({
    required_plugins: { 'docker-like': '@imprint/example-docker-like' },
    sources: {
      'docker-like.small': {
        base: 'scratch',
        tag: 'small',
        output_dir: join(dir, 'out'),
        files: [{ content: 'hello\n', destination: '/hello' }],
      },
    },
    build: { name: 'small', sources: ['docker-like.small'] },
    registry: { bucket_name: 'small' },
  }),
);

const commands: { name: string; args: string[] }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'imprint --help', args: [imprint, '--help'] },
  { name: 'imprint --version', args: [imprint, '--version'] },
  {
    name: 'imprint validate small.pkr.json',
    args: [imprint, 'validate', template, '--plugin-dir', root],
  },
  // The floor under `validate`: checking a component's configuration means
  // loading its plugin, which loads the SDK and class-validator (by design);
  // these two lines show what that alone costs next to a bare node.
  {
    name: 'floor: require class-validator',
    args: ['-e', `require(${JSON.stringify(require.resolve('class-validator'))})`],
  },
  {
    name: 'floor: require @imprint/sdk',
    args: ['-e', `require(${JSON.stringify(require.resolve('@imprint/sdk'))})`],
  },
  { name: 'imprint-registry --help', args: [registry, '--help'] },
  { name: 'imprint-registry --version', args: [registry, '--version'] },
];

function once(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  }
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

try {
  const times = commands.map(() => [] as number[]);
  commands.forEach((c) => once(c.args)); // warm the file cache
  for (let round = 0; round < runs; round++) {
    commands.forEach((c, i) => times[i].push(once(c.args)));
  }
  const base = median(times[0]);
  console.log(`start-up, median of ${runs} interleaved runs (node ${process.version})`);
  console.log(`${'command'.padEnd(34)}${'median'.padStart(10)}${'ratio'.padStart(8)}`);
  commands.forEach((c, i) => {
    const m = median(times[i]);
    console.log(
      `${c.name.padEnd(34)}${`${m.toFixed(1)} ms`.padStart(10)}${`${(m / base).toFixed(2)}x`.padStart(8)}`,
    );
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
