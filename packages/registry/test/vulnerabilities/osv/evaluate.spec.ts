import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  evaluate,
  hasComparator,
  parseOsvRecord,
  type Evaluation,
  type OsvAffected,
  type OsvRecord,
} from '../../../src/resources/vulnerabilities/osv';

/** Parses a hand-written OSV fixture through the real validator. */
function fixture(file: string): OsvRecord {
  const parsed = parseOsvRecord(
    JSON.parse(readFileSync(path.join(__dirname, 'fixtures', file), 'utf8')),
  );
  if ('problems' in parsed) throw new Error(`${file}: ${parsed.problems.join('; ')}`);
  return parsed.record;
}

/** The affected entry of `record` for a package (and release, when several). */
function entry(record: OsvRecord, name: string, release?: string): OsvAffected {
  const found = record.affected.find(
    (a) => a.name === name && (release === undefined || a.release === release),
  );
  if (!found) throw new Error(`${record.id} has no affected entry for ${name}`);
  return found;
}

const affected = (fixedVersion: string): Evaluation => ({ affected: true, fixedVersion });
const clear: Evaluation = { affected: false, evaluated: true };
const unjudged: Evaluation = { affected: false, evaluated: false };

/** 'affected:<fixed>', 'clear' or 'unjudged', as fixtures/expectations.json writes an answer. */
function expected(answer: string): Evaluation {
  if (answer.startsWith('affected:')) return affected(answer.slice('affected:'.length));
  if (answer === 'clear') return clear;
  if (answer === 'unjudged') return unjudged;
  throw new Error(`expectations.json: unknown answer ${answer}`);
}

/*
 * Real-world-shaped records (fixtures/*.json) and what each package version
 * must come to (fixtures/expectations.json, keyed file → name[#release] →
 * version). What they exercise: an npm GHSA (SEMVER and ECOSYSTEM ranges, a
 * leading 'v', a pre-release below the fix, last_affected, introduced '0');
 * PyPI with PEP 440 pre- and post-releases over several ranges plus a GIT
 * range skipped because `versions` lists its versions; Go pseudo-versions,
 * '+incompatible' and stdlib's 'go1.18'; a Debian DSA per release, where
 * 9.20.0-1 is still affected because its epoch 0 is below the fix's 1; Alpine
 * matched by `versions` only (its range cannot be judged).
 */
const CASES = Object.entries(
  JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'expectations.json'), 'utf8')) as Record<
    string,
    Record<string, Record<string, string>>
  >,
).flatMap(([file, packages]) =>
  Object.entries(packages).flatMap(([key, versions]) =>
    Object.entries(versions).map(([version, answer]) => [file, key, version, answer] as const),
  ),
);

describe('evaluate: real-world-shaped OSV records', () => {
  it('covers every fixture with enough cases', () => {
    expect(new Set(CASES.map(([file]) => file)).size).toBe(5);
    expect(CASES.length).toBeGreaterThan(50);
  });

  it.each(CASES)('%s %s %s → %s', (file, key, version, answer) => {
    const [name, release] = key.split('#') as [string, string | undefined];
    expect(evaluate(entry(fixture(file), name, release), version)).toEqual(expected(answer));
  });

  it('keeps the PyPI name normalised and the Debian releases apart', () => {
    const django = entry(fixture('pypi.json'), 'django');
    expect([django.ecosystem, django.release, django.name]).toEqual(['PyPI', '', 'django']);
    expect(fixture('debian-dsa.json').affected.map((a) => [a.ecosystem, a.release])).toEqual([
      ['Debian', '12'],
      ['Debian', '11'],
    ]);
  });
});

describe('evaluate: the spec algorithm on hand-built entries', () => {
  const base = { ecosystem: 'npm', release: '', name: 'pkg', versions: [] };

  it('sorts events before walking them, whatever order the record lists them in', () => {
    const reversed: OsvAffected = {
      ...base,
      ranges: [
        {
          type: 'SEMVER',
          events: [{ fixed: '2.0.0' }, { introduced: '1.0.0' }, { limit: '1.2.0' }],
        },
      ],
    };
    expect(evaluate(reversed, '1.5.0')).toEqual(affected('2.0.0'));
    expect(evaluate(reversed, '0.5.0')).toEqual(clear);
  });

  it('reports a range whose events do not parse as not evaluated, and still judges the others', () => {
    const mixed: OsvAffected = {
      ...base,
      ranges: [
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'soon' }] },
        { type: 'SEMVER', events: [{ introduced: '3.0.0' }, { fixed: '3.1.0' }] },
      ],
    };
    expect(evaluate(mixed, '1.0.0')).toEqual(unjudged);
    expect(evaluate(mixed, '3.0.5')).toEqual(affected('3.1.0'));
  });

  it('judges SEMVER ranges in ecosystems without a comparator, but not their ECOSYSTEM ranges', () => {
    const maven: OsvAffected = {
      ...base,
      ecosystem: 'Maven',
      ranges: [{ type: 'SEMVER', events: [{ introduced: '2.0.0' }, { fixed: '2.15.0' }] }],
    };
    expect(evaluate(maven, '2.14.1')).toEqual(affected('2.15.0'));
    expect(
      evaluate({ ...maven, ranges: [{ ...maven.ranges[0]!, type: 'ECOSYSTEM' }] }, '2.14.1'),
    ).toEqual(unjudged);
    expect(hasComparator('Maven')).toBe(false);
  });

  it('leaves GIT-only entries and empty versions not evaluated', () => {
    const git: OsvAffected = {
      ...base,
      ranges: [{ type: 'GIT', events: [{ introduced: '0' }, { fixed: 'abc123' }] }],
    };
    expect(evaluate(git, '1.0.0')).toEqual(unjudged);
    expect(evaluate({ ...base, ranges: [], versions: ['1.0.0'] }, '')).toEqual(unjudged);
  });

  it('judges nothing from malformed events an entry from storage might carry', () => {
    const events = [{ introduced: '0', fixed: '2.0.0' }, {}, { patched: '2.0.0' }, { fixed: 2 }];
    for (const event of events) {
      const range = { type: 'SEMVER', events: [{ introduced: '0' }, event] };
      expect(evaluate({ ...base, ranges: [range] } as unknown as OsvAffected, '1.0.0')).toEqual(
        unjudged,
      );
    }
  });

  it('names the lowest fix above a listed version across ranges', () => {
    const listed: OsvAffected = {
      ...base,
      ranges: [
        {
          type: 'SEMVER',
          events: [
            { introduced: '0' },
            { fixed: '1.9.0' },
            { introduced: '2.0.0' },
            { fixed: '2.5.0' },
          ],
        },
        { type: 'SEMVER', events: [{ introduced: '2.0.0' }, { fixed: '2.3.0' }] },
      ],
      versions: ['2.1.0'],
    };
    expect(evaluate(listed, '2.1.0')).toEqual(affected('2.3.0'));
  });

  it.each([
    ['npm', true],
    ['crates.io', true],
    ['Go', true],
    ['Hex', true],
    ['Pub', true],
    ['PyPI', true],
    ['Debian', true],
    ['Ubuntu', true],
    ['RubyGems', false],
    ['NuGet', false],
    ['Packagist', false],
    ['Alpine', false],
    ['Maven', false],
  ])('hasComparator(%s) is %s', (ecosystem, expected) => {
    expect(hasComparator(ecosystem)).toBe(expected);
  });
});
