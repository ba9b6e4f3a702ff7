import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  compareDebianVersions,
  parseDebianVersion,
} from '../../../src/resources/vulnerabilities/osv/versions';

/*
 * The dpkg ordering is written by hand (no usable npm library), so it is
 * checked against the real `dpkg --compare-versions` of this machine over a
 * corpus of hand-picked and generated pairs.
 */

const DPKG = '/usr/bin/dpkg';

/** Runs `script` once with `lines` on stdin: one shell, many dpkg calls, one answer line each. */
function runShell(script: string, lines: string[]): string[] {
  const result = spawnSync('sh', ['-c', script], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`shell failed: ${result.stderr}`);
  return result.stdout.trim().split('\n');
}

/** dpkg's verdict on each pair: 'lt', 'eq' or 'gt'. */
function dpkgOrder(pairs: [string, string][]): string[] {
  return runShell(
    `while read -r a b; do
       if ${DPKG} --compare-versions "$a" lt "$b"; then echo lt;
       elif ${DPKG} --compare-versions "$a" eq "$b"; then echo eq;
       else echo gt; fi
     done`,
    pairs.map(([a, b]) => `${a} ${b}`),
  );
}

/** Whether dpkg takes each version without an error or a warning. */
function dpkgAccepts(versions: string[]): boolean[] {
  const answers = runShell(
    `while IFS= read -r v; do
       out=$(${DPKG} --compare-versions "$v" eq "$v" 2>&1); rc=$?
       if [ $rc -eq 0 ] && [ -z "$out" ]; then echo ok; else echo bad; fi
     done`,
    versions,
  );
  return answers.map((answer) => answer === 'ok');
}

const HAND_PICKED: [string, string][] = [
  ['1.0', '1.0'],
  ['1.0', '1.0-0'],
  ['1.0a', '1.0'],
  ['1.0~rc1', '1.0'],
  ['1.0~rc1', '1.0~rc2'],
  ['1.0~~', '1.0~'],
  ['1.0~', '1.0'],
  ['1.0+dfsg', '1.0'],
  ['1.0.1', '1.0a'],
  ['1:2.30-1', '2.31-1'],
  ['0:1.0', '1.0'],
  ['00001:1', '1:1'],
  ['2:1', '10:1'],
  ['1:1.0', '1.0'],
  ['3.0.11-1~deb12u2', '3.0.11-1'],
  ['3.0.11-1~deb12u2', '3.0.11-1~deb12u1'],
  ['3.0.11-1+deb12u1', '3.0.11-1'],
  ['3.0.11-1+deb12u1', '3.0.11-1~deb12u1'],
  ['1:9.18.19-1~deb12u1', '1:9.18.16-1~deb12u1'],
  ['9.20.0-1', '1:9.18.19-1~deb12u1'],
  ['2.36-9+deb12u4', '2.36-9+deb12u10'],
  ['1.01', '1.1'],
  ['1.001', '1.1'],
  ['1.0010', '1.10'],
  ['1.000', '1'],
  ['1.0', '1'],
  ['1.', '1'],
  ['10', '9'],
  ['1.10', '1.9'],
  ['1.2.3-1ubuntu0.1', '1.2.3-1ubuntu0.2'],
  ['1.2.3-1ubuntu0.10', '1.2.3-1ubuntu0.9'],
  ['1.2.3-1build1', '1.2.3-1'],
  ['1.2.3-0ubuntu1', '1.2.3-1'],
  ['1-2-3', '1-2'],
  ['1-2-3', '1-2-4'],
  ['1:2:3', '1:2:4'],
  ['1:2:3-1', '1:2-1'],
  ['1.0-1', '1.0-1a'],
  ['1.0-a', '1.0-1'],
  ['1.0-~', '1.0'],
  ['1.0-~1', '1.0-0'],
  ['1a', '1A'],
  ['1.a', '1.+'],
  ['1+', '1.'],
  ['1~a', '1~+'],
  ['1Z', '1a'],
  ['1.0z', '1.0+'],
  ['0', '0~'],
  ['0', '00'],
  ['123456789012345678901234567890', '123456789012345678901234567891'],
  ['1.123456789012345678901234567890', '1.99'],
  ['2147483647:1', '1:1'],
  ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12'],
  ['2.9.14+dfsg-1.3~deb12u1', '2.9.14+dfsg-1.3'],
  ['252.30-1~deb12u2', '252.26-1~deb12u2'],
];

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generatedPairs(count: number): [string, string][] {
  const next = random(20261206);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const epochs = ['', '', '', '', '0:', '1:', '2:', '10:', '01:'];
  const starts = ['0', '1', '2', '9', '10', '01', '00', '1.0', '2.36'];
  const separators = ['.', '.', '+', '~', ''];
  const tokens = [
    '0',
    '1',
    '2',
    '10',
    '01',
    'a',
    'b',
    'z',
    'A',
    'rc1',
    'dfsg',
    'deb12u1',
    'git20240101',
  ];
  const revisions = [
    '',
    '',
    '-1',
    '-0',
    '-1~deb12u1',
    '-1+deb12u1',
    '-2ubuntu0.1',
    '-1.1',
    '-~1',
    '-1build1',
    '-1a',
  ];
  const version = () => {
    let upstream = pick(starts);
    const parts = Math.floor(next() * 4);
    for (let i = 0; i < parts; i++) upstream += pick(separators) + pick(tokens);
    return `${pick(epochs)}${upstream}${pick(revisions)}`;
  };
  const pairs: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const a = version();
    // Half the pairs differ in one place only, where ordering bugs hide.
    const mutated = a.replace(/[0-9a-z~+.]$/, pick(['', '0', '1', '~', '+', 'a', '.0']));
    const b = next() < 0.5 || parseDebianVersion(mutated) === undefined ? version() : mutated;
    pairs.push([a, b]);
  }
  return pairs;
}

describe('dpkg version ordering against the real dpkg --compare-versions', () => {
  beforeAll(() => {
    if (!existsSync(DPKG)) throw new Error(`${DPKG} is needed to check the Debian ordering`);
  });

  it('orders hand-picked and generated pairs exactly as dpkg does', () => {
    const pairs = [...HAND_PICKED, ...generatedPairs(260)].filter(([a, b]) => {
      // Every pair must be valid for both; a generator slip would otherwise go unnoticed.
      expect([
        a,
        parseDebianVersion(a) !== undefined,
        b,
        parseDebianVersion(b) !== undefined,
      ]).toEqual([a, true, b, true]);
      return true;
    });
    expect(pairs.length).toBeGreaterThanOrEqual(300);
    const expected = dpkgOrder(pairs);
    const names = ['lt', 'eq', 'gt'];
    const ours = pairs.map(([a, b]) => names[compareDebianVersions(a, b)! + 1]);
    const mismatches = pairs
      .map(([a, b], i) => ({ a, b, dpkg: expected[i], ours: ours[i] }))
      .filter((row) => row.dpkg !== row.ours);
    expect(mismatches).toEqual([]);
    // The corpus must exercise all three answers.
    expect(new Set(expected)).toEqual(new Set(names));
  });

  // '' is left out: dpkg reads it as "not installed", OSV and SBOMs never mean that.
  it('refuses exactly the versions dpkg rejects or warns about', () => {
    const versions = [
      '1.0',
      '1:1.0',
      '1.0-1',
      '1:2:3',
      '1-2-3',
      '0',
      '1.0+dfsg-1~deb12u1',
      '2147483647:1',
      'abc',
      '1.0-',
      '1:',
      ':1',
      'a:1',
      '1.0_1',
      '1.0-1_2',
      '1.0-1:2',
      '2:3:4-5',
      '-1',
      'v1.0',
      '1.0 1',
      '99999999999999999999:1',
      '2147483648:1',
      '1.0-a-b',
      '1:a',
      '1.0-@',
      '1,0',
    ];
    const accepted = dpkgAccepts(versions);
    const ours = versions.map((v) => parseDebianVersion(v) !== undefined);
    expect(versions.map((v, i) => [v, ours[i]])).toEqual(versions.map((v, i) => [v, accepted[i]]));
    expect(accepted.filter(Boolean).length).toBeGreaterThan(5);
    expect(accepted.filter((ok) => !ok).length).toBeGreaterThan(10);
  });
});
